/**
 * One delivery attempt (DESIGN §6, §9, §15): load the delivery, check it is due and
 * still wanted — the subscription active, its organisation active and still holding
 * `subscribe` — build the body as it stands now, sign it afresh, POST it, and record the
 * outcome and the attempt (status, error code, first bytes of the answer) in the table
 * before the queue learns of it. Retries wait in the queue (visibility timeout); after
 * the 8th failed attempt of a round the message is parked in the dead-letter queue and
 * the delivery recorded as failed. A 410 disables the subscription; a subscription whose
 * deliveries have all failed for 5 days is disabled too, with the reason for its owner.
 *
 * Fair to other subscribers (issue 13): at most a few attempts per subscription are in
 * flight in a process (one while its breaker is tripped), and a subscription whose
 * attempts keep timing out waits out its breaker (breaker.ts). An attempt that must
 * wait is deferred — its next attempt time saved, a fresh message sent with a delay —
 * and is not counted as an attempt.
 */
import { KeyedSlots } from "../async/keyed-slots.js";
import { TtlCache } from "../async/ttl-cache.js";
import type { BulletinRecord } from "../bulletins/types.js";
import { eventBody } from "../events/registry.js";
import type { HubDeps } from "../hub/deps.js";
import { hasRole, type Organisation } from "../orgs/types.js";
import type { DeliveryMessage } from "../queue/port.js";
import { messageOf } from "../subscriptions/deliveries.js";
import {
  type AttemptLogEntry,
  DELIVERY_RETENTION_MS,
  type DeliveryRecord,
  MAX_ATTEMPT_LOG,
  type SubscriptionRecord,
} from "../subscriptions/types.js";
import { breakerAfter, inFlightCap, openUntil } from "./breaker.js";
import { parseRetryAfter, retryDelayMs } from "./schedule.js";
import type { SendOutcome } from "./sender.js";
import { signWebhook } from "./signing.js";

export const FAILING_DISABLES_AFTER_MS = 5 * 24 * 60 * 60 * 1000;
/** A message that arrives this much before its attempt is due waits again. */
const EARLY_TOLERANCE_MS = 1000;
/**
 * Organisations change rarely, but a suspension or a lost `subscribe` role must stop
 * deliveries at once: the attempts of one fan-out that arrive together share one read.
 */
const ORG_CACHE_MS = 1_000;
/** How long an attempt waits for one of its subscription's slots before it is deferred. */
const SLOT_WAIT_MS = 5_000;
/** How far a deferral for want of a slot puts the attempt off (±25%). */
const SLOT_DEFER_MS = 5_000;
/** The longest a fresh SQS message can be held back. */
const MAX_DEFER_SECONDS = 900;

export type AttemptResult = "done" | "retry-later";

/** Why a delivery was cancelled, as its `last_error` says. */
export type CancelReason =
  | "subscription_deleted"
  | "subscription_disabled"
  | "subscriber_not_entitled"
  | "event_unavailable"
  | "endpoint_gone"
  | "failing_too_long";

type Deps = Pick<
  HubDeps,
  "store" | "queue" | "clock" | "logger" | "metrics" | "secrets" | "hubKeys" | "webhooks"
>;

export class Deliverer {
  /** Holds the read itself, so the attempts of one fan-out that miss together read once. */
  private readonly orgs = new TtlCache<Organisation | undefined>(ORG_CACHE_MS, 10_000);
  /** Reads of a bulletin in flight: a fan-out's attempts arrive together and share one. */
  private readonly bulletinReads = new Map<string, Promise<BulletinRecord | undefined>>();
  /** Attempts in flight per subscription, in this process. */
  private readonly inFlight = new KeyedSlots();

  private readonly random: () => number;
  private readonly slotWaitMs: number;

  constructor(
    private readonly deps: Deps,
    options: { random?: () => number; slotWaitMs?: number } = {},
  ) {
    this.random = options.random ?? Math.random;
    this.slotWaitMs = options.slotWaitMs ?? SLOT_WAIT_MS;
  }

  /** Makes the attempt a queue message asks for. "retry-later": leave the message in the queue. */
  async attempt(message: DeliveryMessage, receiptHandle: string): Promise<AttemptResult> {
    const { deps } = this;
    const [record] = await deps.store.deliveries.getDeliveries([message]);
    if (record === undefined || (record.status !== "pending" && record.status !== "retrying"))
      return "done";
    // A message from before a resend: the resend sent its own.
    if (message.series !== undefined && message.series !== (record.series_start ?? 0))
      return "done";
    const now = deps.clock.now();
    const dueIn = Date.parse(record.next_attempt_at ?? record.updated_at) - now.getTime();
    if (dueIn > EARLY_TOLERANCE_MS) {
      await deps.queue.retryAfter("delivery", receiptHandle, dueIn / 1000);
      return "retry-later";
    }

    let subscription = await deps.store.subscriptions.getSubscription(
      record.org_id,
      record.subscription_id,
    );
    if (subscription === undefined) return this.cancel(record, "subscription_deleted");
    if (subscription.status !== "active") return this.cancel(record, "subscription_disabled");
    const org = await this.org(record.org_id);
    if (org === undefined || org.status !== "active" || !hasRole(org, "subscribe"))
      return this.cancel(record, "subscriber_not_entitled");

    const heldUntil = openUntil(subscription.breaker, now);
    if (heldUntil !== undefined) return this.defer(record, heldUntil, "breaker open");
    const cap = inFlightCap(subscription.breaker);
    let release = await this.inFlight.take(subscription.id, cap, 0);
    if (release === undefined) {
      release = await this.inFlight.take(subscription.id, cap, this.slotWaitMs);
      if (release === undefined) return this.defer(record, this.slotDeferral(), "no free slot");
      // The wait may have seen the breaker trip: look again before going on.
      const fresh = await deps.store.subscriptions.getSubscription(
        record.org_id,
        record.subscription_id,
      );
      const openNow = openUntil(fresh?.breaker, deps.clock.now());
      if (fresh === undefined || fresh.status !== "active" || openNow !== undefined) {
        release();
        if (fresh === undefined) return this.cancel(record, "subscription_deleted");
        if (fresh.status !== "active") return this.cancel(record, "subscription_disabled");
        return this.defer(record, openNow ?? this.slotDeferral(), "breaker open");
      }
      subscription = fresh;
    }
    try {
      return await this.send(record, subscription, org, receiptHandle, message);
    } finally {
      release();
    }
  }

  /** The attempt itself, with a slot held. */
  private async send(
    record: DeliveryRecord,
    subscription: SubscriptionRecord,
    org: Organisation,
    receiptHandle: string,
    message: DeliveryMessage,
  ): Promise<AttemptResult> {
    const { deps } = this;
    const now = deps.clock.now();
    const body = await eventBody(
      record,
      { subscription, org },
      {
        now,
        bulletin: (id) => this.bulletin(id),
        sighting: (bulletinId, sightingId) =>
          deps.store.sightings.getSighting(bulletinId, sightingId),
      },
    );
    if (body === undefined) return this.cancel(record, "event_unavailable");

    const text = JSON.stringify(body);
    const headers = await signWebhook({
      id: record.webhook_id,
      timestamp: now,
      body: text,
      secrets: await this.liveSecrets(subscription, now),
      hubKeys: deps.hubKeys.all,
    });
    const outcome = await deps.webhooks.sender.post(subscription.url, { ...headers }, text);
    const after = deps.clock.now();
    const attempts = record.attempts + 1;
    const attempted: DeliveryRecord = {
      ...record,
      attempts,
      last_status_code: outcome.status,
      updated_at: after.toISOString(),
      attempt_log: [...(record.attempt_log ?? []), logEntry(attempts, now, outcome)].slice(
        -MAX_ATTEMPT_LOG,
      ),
    };
    delete attempted.last_error;
    if (outcome.error !== null) attempted.last_error = outcome.error;
    const breaker = breakerAfter(subscription.breaker, outcome.error, after);

    if (outcome.error === null && outcome.status !== null && isSuccess(outcome.status)) {
      await this.settle(attempted, "delivered");
      if (subscription.failing_since !== undefined || subscription.breaker !== undefined) {
        await deps.store.subscriptions.updateSubscription(subscription.org_id, subscription.id, {
          failing_since: null,
          breaker: null,
        });
      }
      deps.metrics.count("DeliveriesSucceeded");
      this.logAttempt(attempted, outcome, "delivered");
      return "done";
    }
    if (outcome.status === 410 && outcome.error === null)
      return this.disableAndCancel(subscription, attempted, outcome, "endpoint_gone");

    deps.metrics.count("DeliveryAttemptsFailed");
    const failingSince = subscription.failing_since ?? after.toISOString();
    if (after.getTime() - Date.parse(failingSince) >= FAILING_DISABLES_AFTER_MS)
      return this.disableAndCancel(subscription, attempted, outcome, "failing_too_long");
    if (subscription.failing_since === undefined || breaker !== subscription.breaker) {
      await deps.store.subscriptions.updateSubscription(subscription.org_id, subscription.id, {
        failing_since: failingSince,
        breaker: breaker ?? null,
      });
    }
    const retryAfter =
      outcome.error === null && (outcome.status === 429 || outcome.status === 503)
        ? parseRetryAfter(outcome.retryAfter, after)
        : undefined;
    const delay = retryDelayMs(attempts - (record.series_start ?? 0), retryAfter, this.random);
    if (delay === undefined) {
      await this.settle(attempted, "failed");
      await deps.queue.sendToDeadLetter("delivery", JSON.stringify(message));
      deps.metrics.count("DeliveriesFailed");
      this.logAttempt(attempted, outcome, "failed");
      return "done";
    }
    const next = new Date(after.getTime() + delay).toISOString();
    await deps.store.deliveries.saveDeliveries([
      { ...attempted, status: "retrying", next_attempt_at: next },
    ]);
    this.logAttempt(attempted, outcome, "retrying");
    await deps.queue.retryAfter("delivery", receiptHandle, delay / 1000);
    return "retry-later";
  }

  private async liveSecrets(subscription: SubscriptionRecord, now: Date): Promise<string[]> {
    const secrets = [await this.deps.secrets.open(subscription.secret, subscription.id)];
    const previous = subscription.previous_secret;
    if (previous !== undefined && Date.parse(previous.expires_at) > now.getTime()) {
      secrets.push(await this.deps.secrets.open(previous.sealed, subscription.id));
    }
    return secrets;
  }

  /** Saves a delivery that will not be tried again; it is kept for DELIVERY_RETENTION_MS. */
  private async settle(
    record: DeliveryRecord,
    status: "delivered" | "cancelled" | "failed",
    extras: Partial<DeliveryRecord> = {},
  ): Promise<void> {
    const expiresAt = new Date(Date.parse(record.updated_at) + DELIVERY_RETENTION_MS);
    await this.deps.store.deliveries.saveDeliveries([
      {
        ...record,
        status,
        next_attempt_at: null,
        expires_at: expiresAt.toISOString(),
        ...extras,
      },
    ]);
  }

  private async cancel(record: DeliveryRecord, reason: CancelReason): Promise<AttemptResult> {
    const updated = { ...record, updated_at: this.deps.clock.now().toISOString() };
    await this.settle(updated, "cancelled", { last_error: reason });
    this.deps.logger.info("webhook delivery cancelled", {
      subscriptionId: record.subscription_id,
      webhookId: record.webhook_id,
      reason,
    });
    return "done";
  }

  /**
   * Puts the attempt off until `until` without making it: the delivery's next attempt
   * time is saved (so the sweeper leaves it be) and a fresh message, held back until
   * then, replaces this one.
   */
  private async defer(record: DeliveryRecord, until: Date, why: string): Promise<AttemptResult> {
    const deferred = { ...record, next_attempt_at: until.toISOString() };
    await this.deps.store.deliveries.saveDeliveries([deferred]);
    const seconds = (until.getTime() - this.deps.clock.now().getTime()) / 1000;
    await this.deps.queue.sendDeliveries(
      [messageOf(deferred)],
      Math.min(MAX_DEFER_SECONDS, Math.max(0, seconds)),
    );
    this.deps.logger.debug("webhook attempt deferred", {
      subscriptionId: record.subscription_id,
      webhookId: record.webhook_id,
      until: deferred.next_attempt_at,
      why,
    });
    return "done";
  }

  private slotDeferral(): Date {
    const jittered = SLOT_DEFER_MS * (0.75 + 0.5 * this.random());
    return new Date(this.deps.clock.now().getTime() + jittered);
  }

  /** Disables the subscription (410 Gone, or failing for days) and cancels this delivery. */
  private async disableAndCancel(
    subscription: SubscriptionRecord,
    attempted: DeliveryRecord,
    outcome: SendOutcome,
    reason: "endpoint_gone" | "failing_too_long",
  ): Promise<AttemptResult> {
    const detail =
      reason === "endpoint_gone"
        ? "The endpoint answered 410 Gone."
        : `Every delivery has failed since ${subscription.failing_since}.`;
    await this.deps.store.subscriptions.updateSubscription(subscription.org_id, subscription.id, {
      status: "disabled",
      disabled_reason: detail,
      breaker: null,
      updated_at: attempted.updated_at,
    });
    this.deps.logger.info("subscription disabled", {
      subscriptionId: subscription.id,
      reason: detail,
    });
    await this.settle(attempted, "cancelled", { last_error: reason });
    this.logAttempt(attempted, outcome, "cancelled");
    return "done";
  }

  /** One line per attempt: never the body, the URL, a secret or the answer's bytes. */
  private logAttempt(
    record: DeliveryRecord,
    outcome: SendOutcome,
    result: "delivered" | "retrying" | "failed" | "cancelled",
  ): void {
    this.deps.logger.info("webhook attempt", {
      subscriptionId: record.subscription_id,
      webhookId: record.webhook_id,
      attempt: record.attempts,
      outcome: result,
      statusCode: outcome.status,
      error: outcome.error,
      durationMs: outcome.durationMs,
    });
  }

  private org(id: string): Promise<Organisation | undefined> {
    return this.orgs.get(id, () => this.deps.store.orgs.getOrg(id));
  }

  /** The bulletin as it stands now; attempts asking while a read is in flight share it. */
  private bulletin(id: string): Promise<BulletinRecord | undefined> {
    let read = this.bulletinReads.get(id);
    if (read === undefined) {
      read = this.deps.store.changes.bulletin(id);
      this.bulletinReads.set(id, read);
      const settled = () => {
        if (this.bulletinReads.get(id) === read) this.bulletinReads.delete(id);
      };
      read.then(settled, settled);
    }
    return read;
  }
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

function logEntry(number: number, at: Date, outcome: SendOutcome): AttemptLogEntry {
  return {
    number,
    at: at.toISOString(),
    duration_ms: outcome.durationMs,
    status_code: outcome.status,
    error: outcome.error,
    response_excerpt: outcome.excerpt,
  };
}
