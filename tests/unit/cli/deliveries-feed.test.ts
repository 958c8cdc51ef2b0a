/**
 * `cordon deliveries show|retry`, the delivery list's last error, and the feed's change
 * kind and time, against a fake hub answering the v1.1 shapes (DESIGN §10, §15).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writePrivateKeyFile } from "../../../cli/sdk/key-file.js";
import type { DeliveryDetail, FeedPage } from "../../../cli/sdk/types.js";
import { generateSigningKey } from "../../../shared/signatures/keys.js";
import { cordon } from "./memory-io.js";

const SUB = "01JDX3Q8Z6V2M4N5P6R7S8SUB0";
const WEBHOOK = "msg_01JDX3Q8Z6V2M4N5P6R7S8T9VW";

const DELIVERY: DeliveryDetail = {
  webhook_id: WEBHOOK,
  event_type: "bulletin.published",
  event_id: "01JDX3Q8Z6V2M4N5P6R7S8T9VW",
  status: "retrying",
  attempts: 3,
  last_status_code: null,
  last_error: "ECONNREFUSED",
  next_attempt_at: "2026-12-05T08:05:00.000Z",
  created_at: "2026-12-05T08:00:00.000Z",
  updated_at: "2026-12-05T08:00:05.000Z",
  attempt_log: [
    {
      number: 1,
      at: "2026-12-05T08:00:00.100Z",
      duration_ms: 2,
      status_code: null,
      error: "ECONNREFUSED",
      response_excerpt: null,
    },
    {
      number: 2,
      at: "2026-12-05T08:00:00.200Z",
      duration_ms: 15,
      status_code: 500,
      error: null,
      response_excerpt: "<html>\n  <body>Internal Server Error</body>\n</html>",
    },
    {
      number: 3,
      at: "2026-12-05T08:00:05.300Z",
      duration_ms: 10_000,
      status_code: null,
      error: "timeout",
      response_excerpt: null,
    },
  ],
};

const FEED: FeedPage = {
  items: [
    {
      id: "01JDX3Q8Z6V2M4N5P6R7S8T9VW",
      issuer: "trm",
      tlp: "red",
      status: "revoked",
      received_at: "2026-12-05T07:00:00.000Z",
      change: { seq: 0, kind: "published", at: "2026-12-05T07:00:00.000001Z", receipt: "r0" },
    },
    {
      id: "01JDX3Q8Z6V2M4N5P6R7S8T9VW",
      issuer: "trm",
      tlp: "red",
      status: "revoked",
      received_at: "2026-12-05T07:00:00.000Z",
      change: { seq: 3, kind: "revoked", at: "2026-12-05T07:30:00.000002Z", receipt: "r3" },
    },
  ],
  next_cursor: "c_3",
  has_more: false,
};

/** A hub that answers the deliveries and feed routes, and records what it was asked. */
function fakeHub(asked: string[]): typeof fetch {
  return (async (url: string | URL | Request, init?: RequestInit) => {
    const { pathname } = new URL(String(url));
    asked.push(`${init?.method ?? "GET"} ${pathname}`);
    const json = (body: unknown, status = 200) =>
      new Response(JSON.stringify(body), {
        status,
        headers: { "content-type": "application/json" },
      });
    if (pathname === `/v1/subscriptions/${SUB}/deliveries/${WEBHOOK}/retry`) {
      const { attempt_log: _log, created_at: _created, ...item } = DELIVERY;
      return json({ ...item, status: "pending", next_attempt_at: null }, 202);
    }
    if (pathname === `/v1/subscriptions/${SUB}/deliveries/${WEBHOOK}`) return json(DELIVERY);
    if (pathname === `/v1/subscriptions/${SUB}/deliveries`) {
      const { attempt_log: _log, created_at: _created, ...item } = DELIVERY;
      return json({ items: [item], next_cursor: null });
    }
    if (pathname === "/v1/bulletins") return json(FEED);
    return json({ type: "x/not-found", title: "Not found", status: 404, detail: "no" }, 404);
  }) as typeof fetch;
}

describe("deliveries and the feed in the CLI", () => {
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "cordon-deliveries-"));
    const { signingKey } = await generateSigningKey("Ed25519");
    await writePrivateKeyFile(join(dir, "me.jwk"), signingKey);
    env = {
      CORDON_HUB_URL: "http://hub.test",
      CORDON_ORG: "binance",
      CORDON_KEY_FILE: join(dir, "me.jwk"),
      CORDON_CONFIG: join(dir, "profiles.json"),
    };
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("shows every attempt of a delivery with what went wrong, and how to retry it", async () => {
    // Act
    const asked: string[] = [];
    const ok = await cordon(["deliveries", "show", SUB, WEBHOOK], { env, fetch: fakeHub(asked) });
    // Assess
    expect(ok.code, ok.stderr).toBe(0);
    const lines = ok.stdout.split("\n");
    expect(lines).toContain(`webhook-id:   ${WEBHOOK}`);
    expect(ok.stdout).toContain(
      "1  2026-12-05T08:00:00.100Z  2 ms      ECONNREFUSED: connection refused: nothing listens at that host and port",
    );
    expect(ok.stdout).toMatch(
      /2 {2}2026-12-05T08:00:00\.200Z {2}15 ms +HTTP 500: not 2xx +<html> <body>Internal Server Error<\/body> <\/html>/,
    );
    expect(ok.stdout).toContain("10000 ms  timeout: no answer in time");
    expect(ok.stderr).toContain(`Send it again now: cordon deliveries retry ${SUB} ${WEBHOOK}`);
    expect(asked).toContain(`GET /v1/subscriptions/${SUB}/deliveries/${WEBHOOK}`);
  });

  it("retries a delivery now, and lists deliveries with their last error", async () => {
    // Prepare
    const asked: string[] = [];
    const saved = await cordon(
      ["--org", "binance", "--key", join(dir, "me.jwk"), "profile", "add", "binance"],
      { env },
    );
    // Act
    const retried = await cordon(["--profile", "binance", "deliveries", "retry", SUB, WEBHOOK], {
      env,
      fetch: fakeHub(asked),
    });
    const list = await cordon(["deliveries", SUB], { env, fetch: fakeHub(asked) });
    // Assess
    expect(saved.code, saved.stderr).toBe(0);
    expect(retried.code, retried.stderr).toBe(0);
    expect(retried.stdout).toContain(`Sending ${WEBHOOK} (bulletin.published) again now: pending.`);
    expect(retried.stderr).toContain(
      `Follow it: cordon --profile binance deliveries show ${SUB} ${WEBHOOK}`,
    );
    expect(asked).toContain(`POST /v1/subscriptions/${SUB}/deliveries/${WEBHOOK}/retry`);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(
      new RegExp(`${WEBHOOK}\\s+bulletin\\.published\\s+retrying\\s+3\\s+ECONNREFUSED\\s`),
    );
  });

  it("prints each feed change's kind and time", async () => {
    const run = await cordon(["feed"], { env, fetch: fakeHub([]) });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.split("\n").slice(0, 2)).toEqual([
      "2026-12-05T07:00:00.000001Z  published   01JDX3Q8Z6V2M4N5P6R7S8T9VW  revoked  TLP:RED  trm  (content only via cordon get 01JDX3Q8Z6V2M4N5P6R7S8T9VW)",
      "2026-12-05T07:30:00.000002Z  revoked     01JDX3Q8Z6V2M4N5P6R7S8T9VW  revoked  TLP:RED  trm  (content only via cordon get 01JDX3Q8Z6V2M4N5P6R7S8T9VW)",
    ]);
    expect(run.stderr).toContain("2 changes. Resume with: --cursor c_3");
  });
});
