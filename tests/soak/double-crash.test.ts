/**
 * Two SIGKILLs in quick succession while a delivery is in flight. The local hub's
 * start-up sweep re-drives everything on the outbox due within its 70 s horizon (its
 * in-memory queue died with the last process) and postpones it to the end of that
 * horizon, no further: so a second start-up sweep moments later still meets the work
 * the first one re-drove, rather than leaving it to the periodic sweep two minutes on.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Transport } from "../../cli/sdk/transport.js";
import { signBulletin } from "../../shared/signatures/bulletin-jws.js";
import { generateSigningKey } from "../../shared/signatures/keys.js";
import { bulletinPayload } from "../helpers/bulletins.js";
import { type HubProcess, startHubProcess } from "../helpers/hub-process.js";
import { startWebhookEndpoint, waitUntil } from "../helpers/webhook-endpoint.js";

describe("two crashes in quick succession", () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("a delivery interrupted twice arrives soon after the second start, not two minutes later", async () => {
    // Prepare: the first two attempts are held 2.5 s, so both kills land while one is in flight.
    const dataDir = await mkdtemp(join(tmpdir(), "cordon-double-crash-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const endpoint = await startWebhookEndpoint("slow", ({ attempt }) =>
      attempt <= 2 ? { kind: "hang", holdMs: 2500 } : { kind: "answer", status: 200 },
    );
    cleanups.push(() => endpoint.close());
    let hub: HubProcess = await startHubProcess(dataDir);
    cleanups.push(() => hub.kill());
    const admin = await hub.admin();
    const keys = new Map<string, Awaited<ReturnType<typeof generateSigningKey>>>();
    for (const [id, roles] of [
      ["trm", ["publish"]],
      ["binance", ["subscribe"]],
    ] as const) {
      const key = await generateSigningKey("Ed25519");
      keys.set(id, key);
      const created = await admin.raw("POST", "/v1/admin/orgs", {
        body: {
          id,
          name: id,
          type: "exchange",
          roles,
          groups: [],
          jwks: { keys: [key.publicJwk] },
        },
      });
      expect(created.status).toBe(201);
    }
    const client = (id: string) =>
      new Transport({
        baseUrl: hub.url,
        orgId: id,
        key: keys.get(id)?.signingKey as never,
        retries: 1,
      });
    const subscribed = await client("binance").raw("POST", "/v1/subscriptions", {
      body: { url: endpoint.url, events: ["bulletin.published"] },
    });
    expect(subscribed.status).toBe(201);
    const payload = bulletinPayload("trm");
    const jws = await signBulletin(payload, keys.get("trm")?.signingKey as never);

    // Act: publish; kill during the first attempt; restart; kill during the re-driven attempt; restart.
    expect((await client("trm").raw("POST", "/v1/bulletins", { body: { jws } })).status).toBe(201);
    await waitUntil(() => endpoint.attempts.length === 1, 15_000);
    await hub.kill("SIGKILL");
    hub = await startHubProcess(dataDir);
    await waitUntil(() => endpoint.attempts.length === 2, 15_000);
    await hub.kill("SIGKILL");
    hub = await startHubProcess(dataDir);
    const restarted = Date.now();

    // Assess: the second start re-drives it like the first did (within its 70 s horizon).
    await waitUntil(
      () => endpoint.delivered.size === 1,
      30_000,
      () =>
        `not delivered ${Math.round((Date.now() - restarted) / 1000)} s after the second restart`,
    );
  }, 90_000);
});
