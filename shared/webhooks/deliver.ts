/**
 * One delivery attempt (DESIGN §6, §9): load the delivery, check it is due and still
 * wanted, build the body as it stands now, sign it afresh, POST it, and record the
 * outcome in the table before the queue learns of it. Retries wait in the queue
 * (visibility timeout); after the 8th failed attempt the message is parked in the
 * dead-letter queue and the delivery recorded as failed. A 410 disables the
 * subscription; a subscription whose deliveries have all failed for 5 days is
 * disabled too, with the reason for its owner to see.
 */
import { TtlCache } from "../async/ttl-cache.js";
import type { BulletinRecord } from "../bulletins/types.js";
import { eventBody } from "../events/registry.js";
import type { HubDeps } from "../hub/deps.js";
import type { Organisation } from "../orgs/types.js";
import type { DeliveryMessage } from "../queue/port.js";
import type { DeliveryRecord, SubscriptionRecord } from "../subscriptions/types.js";
import { parseRetryAfter, retryDelayMs } from "./schedule.js";
import { signWebhook } from "./signing.js";

export const FAILING_DISABLES_AFTER_MS = 5 * 24 * 60 * 60 * 1000;
/** A message that arrives this much before its attempt is due waits again. */
const EARLY_TOLERANCE_MS = 1000;
/** Organisations change rarely; a suspension reaches deliveries within this. */
const ORG_CACHE_MS = 5_000;

export type AttemptResult = "done" | "retry-later";

type Deps = Pick<
  HubDeps,
  "store" | "queue" | "clock" | "logger" | "metrics" | "secrets" | "hubKeys" | "webhooks"
>;

export class Deliverer {
  /** Holds the read itself, so the attempts of one fan-out that miss together read once. */
  private readonly orgs = new TtlCache<Organisation | undefined>(ORG_CACHE_MS, 10_000);
  /** Reads of a bulletin in flight: a fan-out's attempts arrive together and share one. */
  private readonly bulletinReads = new Map<string, Promise<BulletinRecord | undefined>>();

  constructor(private readonly deps: Deps) {}

  /** Makes the attempt a queue message asks for. "retry-later": leave the message in the queue. */
  async attempt(message: DeliveryMessage, receiptHandle: string): Promise<AttemptResult> {
    const { deps } = this;
    const [record] = await deps.store.deliveries.getDeliveries([message]);
    if (record === undefined || (record.status !== "pending" && record.status !== "retrying"))
      return "done";
    const now = deps.clock.now();
    const dueIn = Date.parse(record.next_attempt_at ?? record.updated_at) - now.getTime();
    if (dueIn > EARLY_TOLERANCE_MS) {
      await deps.queue.retryAfter("delivery", receiptHandle, dueIn / 1000);
      return "retry-later";
    }

    const subscription = await deps.store.subscriptions.getSubscription(
      record.org_id,
      record.subscription_id,
    );
    if (subscription === undefined) return this.cancel(record, "the subscription was deleted");
    if (subscription.status !== "active")
      return this.cancel(record, "the subscription is disabled");
    const org = await this.org(record.org_id);
    if (org === undefined || org.status !== "active")
      return this.cancel(record, "the organisation is not active");
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
    if (body === undefined) return this.cancel(record, "the event is no longer there to deliver");

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
    const statusCode = outcome.kind === "answered" ? outcome.status : null;
    const attempted = {
      ...record,
      attempts,
      last_status_code: statusCode,
      updated_at: after.toISOString(),
    };

    if (statusCode !== null && statusCode >= 200 && statusCode < 300) {
      await this.settle(attempted, "delivered");
      if (subscription.failing_since !== undefined) {
        await deps.store.subscriptions.updateSubscription(subscription.org_id, subscription.id, {
          failing_since: null,
        });
      }
      deps.metrics.count("DeliveriesSucceeded");
      return "done";
    }
    if (statusCode === 410)
      return this.disableAndCancel(subscription, attempted, "The endpoint answered 410 Gone.");

    deps.metrics.count("DeliveryAttemptsFailed");
    const failingSince = subscription.failing_since ?? after.toISOString();
    if (subscription.failing_since === undefined) {
      await deps.store.subscriptions.updateSubscription(subscription.org_id, subscription.id, {
        failing_since: failingSince,
      });
    } else if (after.getTime() - Date.parse(failingSince) >= FAILING_DISABLES_AFTER_MS) {
      return this.disableAndCancel(
        subscription,
        attempted,
        `Every delivery has failed since ${failingSince}.`,
      );
    }
    const retryAfter =
      outcome.kind === "answered" && (statusCode === 429 || statusCode === 503)
        ? parseRetryAfter(outcome.retryAfter, after)
        : undefined;
    const delay = retryDelayMs(attempts, retryAfter);
    const lastError = outcome.kind === "failed" ? outcome.error.slice(0, 200) : undefined;
    if (delay === undefined) {
      await this.settle(attempted, "failed", { last_error: lastError });
      await deps.queue.sendToDeadLetter("delivery", JSON.stringify(message));
      deps.metrics.count("DeliveriesFailed");
      return "done";
    }
    const next = new Date(after.getTime() + delay).toISOString();
    await deps.store.deliveries.saveDeliveries([
      { ...attempted, status: "retrying", next_attempt_at: next, last_error: lastError },
    ]);
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

  /** Saves a delivery that will not be tried again. */
  private async settle(
    record: DeliveryRecord,
    status: "delivered" | "cancelled" | "failed",
    extras: Partial<DeliveryRecord> = {},
  ): Promise<void> {
    await this.deps.store.deliveries.saveDeliveries([
      { ...record, status, next_attempt_at: null, ...extras },
    ]);
  }

  private async cancel(record: DeliveryRecord, reason: string): Promise<AttemptResult> {
    const updated = { ...record, updated_at: this.deps.clock.now().toISOString() };
    await this.settle(updated, "cancelled", { last_error: reason });
    return "done";
  }

  /** Disables the subscription (410 Gone, or failing for days) and cancels this delivery. */
  private async disableAndCancel(
    subscription: SubscriptionRecord,
    attempted: DeliveryRecord,
    reason: string,
  ): Promise<AttemptResult> {
    await this.deps.store.subscriptions.updateSubscription(subscription.org_id, subscription.id, {
      status: "disabled",
      disabled_reason: reason,
      updated_at: attempted.updated_at,
    });
    this.deps.logger.info("subscription disabled", { subscriptionId: subscription.id, reason });
    await this.settle(attempted, "cancelled");
    return "done";
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
