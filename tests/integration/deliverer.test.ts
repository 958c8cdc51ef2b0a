/**
 * The delivery state machine (DESIGN §6, §9) over the real store (embedded DynamoDB,
 * or the table test-tables.ts gives at $CORDON_DYNAMODB_ENDPOINT),
 * with a scripted sender, a recording queue and a clock the test moves.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { HubDynamo } from "../../local/dynamo.js";
import { NotFoundError } from "../../shared/errors/errors.js";
import type { HubDeps } from "../../shared/hub/deps.js";
import { CountingMetrics, silentLogger } from "../../shared/observability/types.js";
import type { DeliveryMessage, QueuePort } from "../../shared/queue/port.js";
import { DEFAULT_RATE_LIMITS } from "../../shared/ratelimits/types.js";
import { generateHubKeySet } from "../../shared/signatures/hub-keys.js";
import { createDynamoStore } from "../../shared/store/dynamo/store.js";
import { messageOf, newDelivery } from "../../shared/subscriptions/deliveries.js";
import { getDelivery, listDeliveries, resendDelivery } from "../../shared/subscriptions/manage.js";
import {
  DELIVERY_RETENTION_MS,
  type DeliveryRecord,
  isExpired,
  type SubscriptionRecord,
} from "../../shared/subscriptions/types.js";
import { TRIP_AFTER } from "../../shared/webhooks/breaker.js";
import { Deliverer, FAILING_DISABLES_AFTER_MS } from "../../shared/webhooks/deliver.js";
import { MAX_ATTEMPTS } from "../../shared/webhooks/schedule.js";
import { AesGcmSecretBox } from "../../shared/webhooks/secret-box.js";
import type { SendOutcome } from "../../shared/webhooks/sender.js";
import { startTestTable } from "../helpers/test-tables.js";

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => {};
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

function answered(status: number, excerpt: string | null = null): SendOutcome {
  return { status, error: null, excerpt, retryAfter: undefined, durationMs: 4 };
}

function failedWith(error: string): SendOutcome {
  return { status: null, error, excerpt: null, retryAfter: undefined, durationMs: 2 };
}

describe("the deliverer", () => {
  let dynamo: HubDynamo;
  let deps: HubDeps;
  let now: Date;
  const answers: SendOutcome[] = [];
  const sent: { url: string; headers: Record<string, string>; body: string }[] = [];
  const queue = {
    retries: [] as number[],
    deadLetters: [] as string[],
    sent: [] as { messages: readonly DeliveryMessage[]; delaySeconds: number | undefined }[],
  };
  let sequence = 0;

  beforeAll(async () => {
    dynamo = await startTestTable();
    const recordingQueue: QueuePort = {
      sendFanout: async () => {},
      sendDeliveries: async (messages, delaySeconds) => {
        queue.sent.push({ messages, delaySeconds });
      },
      retryAfter: async (_queue, _handle, seconds) => {
        queue.retries.push(seconds);
      },
      sendToDeadLetter: async (_queue, body) => {
        queue.deadLetters.push(body);
      },
    };
    deps = {
      store: createDynamoStore(dynamo.client, dynamo.tableName),
      queue: recordingQueue,
      clock: { now: () => now },
      hubKeys: await generateHubKeySet(),
      pseudonymKey: new Uint8Array(32),
      audience: "cordon",
      secrets: new AesGcmSecretBox(new Uint8Array(32).fill(7)),
      webhooks: {
        policy: { allowInsecure: true },
        resolver: async () => [],
        sender: {
          post: async (url, headers, body) => {
            sent.push({ url, headers, body });
            return answers.shift() ?? answered(200);
          },
        },
      },
      logger: silentLogger,
      metrics: new CountingMetrics(),
      newId: () => `01JDX3Q8Z6V2M4N5P6R7S8T9${String(++sequence).padStart(2, "0")}`,
      rateLimits: DEFAULT_RATE_LIMITS,
    };
    await deps.store.orgs.createOrg({
      id: "kraken",
      name: "Kraken",
      type: "exchange",
      roles: ["subscribe"],
      groups: [],
      status: "active",
      keys: {},
      created_at: "2026-11-25T00:00:00Z",
      updated_at: "2026-11-25T00:00:00Z",
      version: 1,
    });
  });
  afterAll(async () => {
    await dynamo.stop();
  });
  beforeEach(() => {
    now = new Date("2026-11-25T12:00:00Z");
    answers.length = 0;
    sent.length = 0;
    queue.retries.length = 0;
    queue.deadLetters.length = 0;
    queue.sent.length = 0;
  });

  async function subscriptionWithPing(orgId = "kraken"): Promise<{
    subscription: SubscriptionRecord;
    message: DeliveryMessage;
  }> {
    const id = deps.newId();
    const subscription: SubscriptionRecord = {
      id,
      org_id: orgId,
      url: "http://127.0.0.1:9/hook",
      events: ["bulletin.published"],
      filter: {},
      status: "active",
      secret: await deps.secrets.seal("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", id),
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
    };
    await deps.store.subscriptions.addSubscription(subscription, 25);
    return { subscription, message: await pingFor(subscription) };
  }

  async function pingFor(subscription: SubscriptionRecord): Promise<DeliveryMessage> {
    const delivery = newDelivery(
      subscription,
      { type: "ping", id: `ping_${deps.newId()}`, at: now.toISOString(), ref: { kind: "ping" } },
      now,
    );
    await deps.store.deliveries.createDeliveries([delivery]);
    return messageOf(delivery);
  }

  const deliveryOf = async (message: DeliveryMessage) =>
    (await deps.store.deliveries.getDeliveries([message]))[0];
  const fail = (status = 500): SendOutcome => answered(status);

  it("tries 8 times on the schedule, then parks the message and records the delivery as failed", async () => {
    const { message } = await subscriptionWithPing();
    const deliverer = new Deliverer(deps);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      answers.push(fail());
      const result = await deliverer.attempt(message, "handle");
      const record = await deliveryOf(message);
      expect(record?.attempts).toBe(attempt);
      if (attempt < MAX_ATTEMPTS) {
        expect(result).toBe("retry-later");
        expect(record?.status).toBe("retrying");
        now = new Date(Date.parse(record?.next_attempt_at ?? "") + 1);
      } else {
        expect(result).toBe("done");
        expect(record).toMatchObject({
          status: "failed",
          next_attempt_at: null,
          last_status_code: 500,
        });
      }
    }
    expect(sent).toHaveLength(MAX_ATTEMPTS);
    expect(queue.deadLetters).toEqual([JSON.stringify(message)]);
    // Waits: at once, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, each within ±10%.
    const expected = [0, 5, 300, 1800, 7200, 18000, 36000];
    expect(queue.retries).toHaveLength(expected.length);
    queue.retries.forEach((seconds, i) => {
      expect(seconds).toBeGreaterThanOrEqual((expected[i] ?? 0) * 0.9 - 0.5);
      expect(seconds).toBeLessThanOrEqual((expected[i] ?? 0) * 1.1 + 0.5);
    });
  });

  it("hands an early message back until its attempt is due", async () => {
    const { message } = await subscriptionWithPing();
    const deliverer = new Deliverer(deps);
    answers.push(fail());
    await deliverer.attempt(message, "h");
    answers.push(fail());
    await deliverer.attempt(message, "h");
    queue.retries.length = 0;
    // The third attempt is due about 5 s later; the message comes back now.
    expect(await deliverer.attempt(message, "h")).toBe("retry-later");
    expect(sent).toHaveLength(2);
    expect(queue.retries[0]).toBeGreaterThan(4);
  });

  it("disables a subscription whose deliveries have all failed for 5 days, with the reason", async () => {
    const { subscription, message } = await subscriptionWithPing();
    const deliverer = new Deliverer(deps);
    answers.push(fail(503));
    await deliverer.attempt(message, "h");
    expect(
      (await deps.store.subscriptions.getSubscription("kraken", subscription.id))?.failing_since,
    ).toBe(now.toISOString());
    now = new Date(now.getTime() + FAILING_DISABLES_AFTER_MS + 1000);
    answers.push(fail(503));
    expect(await deliverer.attempt(message, "h")).toBe("done");
    const disabled = await deps.store.subscriptions.getSubscription("kraken", subscription.id);
    expect(disabled).toMatchObject({
      status: "disabled",
      disabled_reason: expect.stringContaining("failed since"),
    });
    expect((await deliveryOf(message))?.status).toBe("cancelled");
  });

  it("a success clears the failing streak", async () => {
    const { subscription, message } = await subscriptionWithPing();
    const deliverer = new Deliverer(deps);
    answers.push(failedWith("ECONNREFUSED"));
    await deliverer.attempt(message, "h");
    expect((await deliveryOf(message))?.last_status_code).toBeNull();
    await deliverer.attempt(message, "h");
    expect((await deliveryOf(message))?.status).toBe("delivered");
    expect(
      (await deps.store.subscriptions.getSubscription("kraken", subscription.id))?.failing_since,
    ).toBeUndefined();
  });

  it("cancels instead of sending when the subscription is gone or disabled", async () => {
    const first = await subscriptionWithPing();
    await deps.store.subscriptions.deleteSubscription("kraken", first.subscription.id);
    expect(await new Deliverer(deps).attempt(first.message, "h")).toBe("done");
    expect((await deliveryOf(first.message))?.status).toBe("cancelled");
    const second = await subscriptionWithPing();
    await deps.store.subscriptions.updateSubscription("kraken", second.subscription.id, {
      status: "disabled",
    });
    await new Deliverer(deps).attempt(second.message, "h");
    expect((await deliveryOf(second.message))?.status).toBe("cancelled");
    expect(sent).toHaveLength(0);
  });

  it("does nothing for a delivery that is already settled", async () => {
    const { message } = await subscriptionWithPing();
    const deliverer = new Deliverer(deps);
    await deliverer.attempt(message, "h");
    await deliverer.attempt(message, "h");
    expect(sent).toHaveLength(1);
  });

  it("stops signing with the previous secret once its 24 hours are over", async () => {
    const { subscription, message } = await subscriptionWithPing();
    await deps.store.subscriptions.updateSubscription("kraken", subscription.id, {
      previous_secret: {
        sealed: subscription.secret,
        expires_at: new Date(now.getTime() - 1).toISOString(),
      },
    });
    await new Deliverer(deps).attempt(message, "h");
    const signatures = (sent[0]?.headers["webhook-signature"] ?? "").split(" ");
    expect(signatures.filter((s) => s.startsWith("v1,"))).toHaveLength(1);
    expect(signatures.filter((s) => s.startsWith("v1a,")).length).toBeGreaterThan(0);
  });

  it("keeps each attempt: time, duration, status or error code, the answer's first bytes", async () => {
    const { message } = await subscriptionWithPing();
    const deliverer = new Deliverer(deps);
    answers.push(failedWith("ECONNREFUSED"));
    await deliverer.attempt(message, "h");
    expect(await deliveryOf(message)).toMatchObject({
      status: "retrying",
      last_status_code: null,
      last_error: "ECONNREFUSED",
    });
    answers.push(answered(503, "busy, come back later"));
    await deliverer.attempt(message, "h");
    now = new Date(Date.parse((await deliveryOf(message))?.next_attempt_at ?? "") + 1);
    answers.push(answered(204));
    await deliverer.attempt(message, "h");
    const record = await deliveryOf(message);
    expect(record).toMatchObject({ status: "delivered", attempts: 3, last_status_code: 204 });
    expect(record?.last_error).toBeUndefined();
    expect(record?.attempt_log).toEqual([
      {
        number: 1,
        at: expect.any(String),
        duration_ms: 2,
        status_code: null,
        error: "ECONNREFUSED",
        response_excerpt: null,
      },
      {
        number: 2,
        at: expect.any(String),
        duration_ms: 4,
        status_code: 503,
        error: null,
        response_excerpt: "busy, come back later",
      },
      {
        number: 3,
        at: now.toISOString(),
        duration_ms: 4,
        status_code: 204,
        error: null,
        response_excerpt: null,
      },
    ]);
  });

  it("keeps a settled delivery for 30 days from when it settled", async () => {
    const { message } = await subscriptionWithPing();
    await new Deliverer(deps).attempt(message, "h");
    const record = await deliveryOf(message);
    expect(record?.expires_at).toBe(new Date(now.getTime() + DELIVERY_RETENTION_MS).toISOString());
    expect(isExpired(record ?? { expires_at: undefined }, now)).toBe(false);
    expect(
      isExpired(
        record ?? { expires_at: undefined },
        new Date(now.getTime() + DELIVERY_RETENTION_MS),
      ),
    ).toBe(true);
  });

  it("cancels, sending nothing, when the subscriber lost the subscribe role or was suspended", async () => {
    await deps.store.orgs.createOrg({
      id: "demoted",
      name: "Demoted",
      type: "exchange",
      roles: ["screen"],
      groups: [],
      status: "active",
      keys: {},
      created_at: "2026-11-25T00:00:00Z",
      updated_at: "2026-11-25T00:00:00Z",
      version: 1,
    });
    const { message } = await subscriptionWithPing("demoted");
    expect(await new Deliverer(deps).attempt(message, "h")).toBe("done");
    expect(await deliveryOf(message)).toMatchObject({
      status: "cancelled",
      last_error: "subscriber_not_entitled",
    });
    expect(sent).toHaveLength(0);
  });

  it("opens the breaker after 3 timeouts in a row: later attempts wait without counting, and a success closes it", async () => {
    const { subscription, message } = await subscriptionWithPing();
    const deliverer = new Deliverer(deps);
    for (let i = 0; i < TRIP_AFTER; i += 1) {
      answers.push(failedWith("timeout"));
      await deliverer.attempt(message, "h");
      now = new Date(Date.parse((await deliveryOf(message))?.next_attempt_at ?? "") + 1);
    }
    const tripped = await deps.store.subscriptions.getSubscription("kraken", subscription.id);
    expect(tripped?.breaker?.timeouts).toBe(TRIP_AFTER);
    const openUntil = Date.parse(tripped?.breaker?.open_until ?? "");
    // The third attempt's retry (5 min) lies past the open period; a resend-like early
    // message (due now) meets the open breaker instead.
    const second = await subscriptionWithPing();
    await deps.store.subscriptions.updateSubscription("kraken", second.subscription.id, {
      breaker: { timeouts: TRIP_AFTER, open_until: new Date(now.getTime() + 30_000).toISOString() },
    });
    queue.sent.length = 0;
    const sentBefore = sent.length;
    expect(await deliverer.attempt(second.message, "h")).toBe("done");
    expect(sent).toHaveLength(sentBefore);
    const deferred = await deliveryOf(second.message);
    expect(deferred).toMatchObject({ status: "pending", attempts: 0 });
    expect(deferred?.next_attempt_at).toBe(new Date(now.getTime() + 30_000).toISOString());
    expect(queue.sent).toEqual([
      {
        messages: [expect.objectContaining({ webhook_id: second.message.webhook_id })],
        delaySeconds: 30,
      },
    ]);
    expect(openUntil).toBeGreaterThan(0);
    // Once the period is over, one attempt goes; its success closes the breaker.
    now = new Date(now.getTime() + 30_001);
    answers.push(answered(200));
    await deliverer.attempt(second.message, "h");
    expect((await deliveryOf(second.message))?.status).toBe("delivered");
    expect(
      (await deps.store.subscriptions.getSubscription("kraken", second.subscription.id))?.breaker,
    ).toBeUndefined();
  });

  it("holds at most 4 attempts per subscription in flight; the next is deferred, not counted", async () => {
    const subscription = await subscriptionWithPing();
    const messages = [subscription.message];
    for (let i = 0; i < 4; i += 1) messages.push(await pingFor(subscription.subscription));
    let open = 0;
    let most = 0;
    const gate = deferred<void>();
    const slowDeps: HubDeps = {
      ...deps,
      webhooks: {
        ...deps.webhooks,
        sender: {
          post: async () => {
            open += 1;
            most = Math.max(most, open);
            await gate.promise;
            open -= 1;
            return answered(200);
          },
        },
      },
    };
    const deliverer = new Deliverer(slowDeps, { slotWaitMs: 50, random: () => 0.5 });
    const results = messages.map((message) => deliverer.attempt(message, "h"));
    // The fifth gives up its wait for a slot and is put off; then the four finish.
    const fifth = await results[4];
    gate.resolve();
    await Promise.all(results);
    expect(fifth).toBe("done");
    expect(most).toBe(4);
    const last = messages[4] as DeliveryMessage;
    expect(await deliveryOf(last)).toMatchObject({ status: "pending", attempts: 0 });
    expect(queue.sent.at(-1)).toMatchObject({ delaySeconds: 5 });
  });

  it("drops a message a resend replaced (an earlier round)", async () => {
    const { message } = await subscriptionWithPing();
    const record = await deliveryOf(message);
    await deps.store.deliveries.reopenDelivery({
      ...(record as DeliveryRecord),
      series_start: 3,
      attempts: 3,
    });
    expect(await new Deliverer(deps).attempt({ ...message, series: 0 }, "h")).toBe("done");
    expect(sent).toHaveLength(0);
    expect(await new Deliverer(deps).attempt({ ...message, series: 3 }, "h")).toBe("done");
    expect(sent).toHaveLength(1);
  });

  it("treats a delivery 30 days past settling as gone, whether or not the table still holds it", async () => {
    const { subscription, message } = await subscriptionWithPing();
    await new Deliverer(deps).attempt(message, "h");
    const caller = await deps.store.orgs.getOrg("kraken");
    if (caller === undefined) throw new Error("no kraken");
    const listed = async () =>
      (await listDeliveries(deps, caller, subscription.id, 50, undefined)).items.map(
        (item) => item.webhook_id,
      );
    expect(await listed()).toEqual([message.webhook_id]);
    expect((await getDelivery(deps, caller, subscription.id, message.webhook_id)).status).toBe(
      "delivered",
    );
    now = new Date(now.getTime() + DELIVERY_RETENTION_MS);
    expect(await listed()).toEqual([]);
    await expect(getDelivery(deps, caller, subscription.id, message.webhook_id)).rejects.toThrow(
      NotFoundError,
    );
    await expect(resendDelivery(deps, caller, subscription.id, message.webhook_id)).rejects.toThrow(
      NotFoundError,
    );
  });
});
