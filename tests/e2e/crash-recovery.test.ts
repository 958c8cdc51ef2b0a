/**
 * DESIGN §8, invariant 1: a publish that answered 2xx reaches every matching
 * subscriber even if the hub dies right after answering (its in-memory queue dies
 * with it). The hub runs as a child process and is killed with SIGKILL.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Transport } from "../../cli/sdk/transport.js";
import { signBulletin } from "../../shared/signatures/bulletin-jws.js";
import { generateSigningKey } from "../../shared/signatures/keys.js";
import { bulletinPayload } from "../helpers/bulletins.js";
import { startHubProcess } from "../helpers/hub-process.js";
import { startReceiver } from "../helpers/receiver.js";
import { discardHubData } from "../helpers/test-tables.js";

describe("crash recovery", () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("delivers a bulletin published just before a SIGKILL once the hub is started again", async () => {
    // Prepare
    const dataDir = await mkdtemp(join(tmpdir(), "cordon-crash-"));
    cleanups.push(() => discardHubData(dataDir));
    const receivers = [await startReceiver(), await startReceiver()];
    for (const receiver of receivers) cleanups.push(() => receiver.close());
    // The first attempt is held up, so the kill lands while it is in flight.
    receivers[0]?.answers.push({ status: 200, delayMs: 3000 });
    let hub = await startHubProcess(dataDir);
    cleanups.push(() => hub.kill());
    const admin = await hub.admin();
    const orgs = await Promise.all(
      ["trm", "binance", "kraken"].map(async (id) => {
        const { signingKey, publicJwk } = await generateSigningKey("Ed25519");
        const created = await admin.raw("POST", "/v1/admin/orgs", {
          body: {
            id,
            name: id,
            type: "exchange",
            roles: ["publish", "subscribe"],
            groups: [],
            jwks: { keys: [publicJwk] },
          },
        });
        expect(created.status).toBe(201);
        return { id, key: signingKey };
      }),
    );
    const client = (i: number, url: string) => {
      const org = orgs[i] as (typeof orgs)[number];
      return new Transport({ baseUrl: url, orgId: org.id, key: org.key, retries: 1 });
    };
    for (const [i, receiver] of receivers.entries()) {
      const subscribed = await client(i + 1, hub.url).raw("POST", "/v1/subscriptions", {
        body: { url: receiver.url, events: ["bulletin.published"] },
      });
      expect(subscribed.status).toBe(201);
    }
    const payload = bulletinPayload("trm");
    const jws = await signBulletin(payload, orgs[0]?.key ?? (undefined as never));

    // Act: publish, and kill the hub the moment it answers.
    const published = await client(0, hub.url).raw("POST", "/v1/bulletins", { body: { jws } });
    expect(published.status).toBe(201);
    await hub.kill("SIGKILL");
    hub = await startHubProcess(dataDir);

    // Assess: every subscriber gets it, once per webhook-id.
    for (const receiver of receivers) {
      await receiver.waitFor(
        (hooks) => hooks.some((hook) => (hook.json.data as { id: string }).id === payload.id),
        30_000,
      );
      const ids = new Set(receiver.received.map((hook) => hook.headers["webhook-id"]));
      expect(ids.size).toBe(1);
    }
    const restarted = await (await hub.admin()).raw("GET", "/v1/admin/orgs/trm");
    expect(restarted.status).toBe(200);
  }, 90_000);
});
