/**
 * Retries on time (issue 14, point 3): a retry's queue message lives in memory, so a
 * restart loses it; the start-up sweep must send it again however far off the retry
 * is, so that it runs when due — not 60 s later, when the outbox's grace would let the
 * periodic sweep find it (what made "a retry run 62 s after its next_attempt_at").
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startTestHub } from "../helpers/hub.js";
import { startReceiver } from "../helpers/receiver.js";

/** Far enough that the old start-up horizon (70 s past due − 60 s grace) missed it. */
const RETRY_AFTER_SECONDS = 12;

describe("a retry across a restart", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it("runs at its next_attempt_at, not a sweep's grace later", async () => {
    // Prepare: a ping the receiver turns away with Retry-After.
    const dataDir = await mkdtemp(join(tmpdir(), "cordon-retry-"));
    dirs.push(dataDir);
    const receiver = await startReceiver();
    receiver.answers.push({
      status: 503,
      headers: { "retry-after": String(RETRY_AFTER_SECONDS) },
    });
    const first = await startTestHub({ dataDir, inMemory: false });
    const org = await first.onboard("bybit", { roles: ["subscribe"] });
    const subscription = await org.client.call<{ id: string }>("POST", "/v1/subscriptions", {
      body: { url: receiver.url, events: ["bulletin.published"], filter: {} },
    });
    const ping = await org.client.call<{ webhook_id: string }>(
      "POST",
      `/v1/subscriptions/${subscription.id}/test`,
    );
    await receiver.waitFor((hooks) => hooks.length === 1);
    const deliveryPath = `/v1/subscriptions/${subscription.id}/deliveries/${ping.webhook_id}`;
    let retrying: { status: string; next_attempt_at: string | null } | undefined;
    for (let i = 0; i < 100 && retrying?.status !== "retrying"; i += 1) {
      retrying = await org.client.call(`GET`, deliveryPath);
      if (retrying?.status !== "retrying") await new Promise((r) => setTimeout(r, 50));
    }
    const due = Date.parse(retrying?.next_attempt_at ?? "");
    expect(due).toBeGreaterThan(Date.now() + 5_000);

    // Act: the hub stops, its queue with it, and starts again.
    await first.stop();
    const second = await startTestHub({ dataDir, inMemory: false });
    try {
      // Assess: the retry comes when due (the queue and the sweep may each add a second or two).
      const [, retry] = await receiver.waitFor((hooks) => hooks.length === 2, 40_000);
      expect(retry?.headers["webhook-id"]).toBe(ping.webhook_id);
      expect(retry?.at ?? 0).toBeGreaterThanOrEqual(due - 1_000);
      expect(retry?.at ?? 0).toBeLessThan(due + 5_000);
    } finally {
      await second.stop();
      await receiver.close();
    }
  }, 60_000);
});
