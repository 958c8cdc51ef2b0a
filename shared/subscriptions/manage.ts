/**
 * Managing subscriptions (DESIGN §6, §9, §15): create (with a secret shown once), list,
 * read, delete, re-enable, rotate the secret, test with a ping (at most one a minute),
 * list deliveries, read one with its attempts, and resend one. Another organisation's
 * subscription does not exist for the caller, nor does an expired delivery.
 */
import { ConflictError, NotFoundError, ValidationError } from "../errors/errors.js";
import { parseOrThrow } from "../errors/zod.js";
import type { HubDeps } from "../hub/deps.js";
import type { Organisation } from "../orgs/types.js";
import { admitPing } from "../ratelimits/limiter.js";
import { newWebhookSecret } from "../webhooks/signing.js";
import { checkWebhookUrl, UnsafeUrlError } from "../webhooks/url-safety.js";
import { messageOf, newDelivery } from "./deliveries.js";
import { CreateSubscriptionSchema, PatchSubscriptionSchema } from "./schema.js";
import {
  type DeliveryRecord,
  isExpired,
  MAX_SUBSCRIPTIONS_PER_ORG,
  type SubscriptionRecord,
} from "./types.js";
import {
  type DeliveryDetail,
  type DeliveryView,
  type SubscriptionView,
  toDeliveryDetail,
  toDeliveryView,
  toSubscriptionView,
} from "./view.js";

/** How long the secret before a rotation keeps signing. */
export const PREVIOUS_SECRET_MS = 24 * 60 * 60 * 1000;

export async function createSubscription(
  deps: HubDeps,
  caller: Organisation,
  body: unknown,
): Promise<SubscriptionView & { secret: string }> {
  const parsed = parseOrThrow(CreateSubscriptionSchema, body);
  try {
    await checkWebhookUrl(parsed.url, deps.webhooks.policy, deps.webhooks.resolver);
  } catch (error) {
    if (error instanceof UnsafeUrlError) throw ValidationError.at("/url", error.message);
    throw error;
  }
  const now = deps.clock.now().toISOString();
  const id = deps.newId();
  const secret = newWebhookSecret();
  const record: SubscriptionRecord = {
    id,
    org_id: caller.id,
    url: parsed.url,
    events: parsed.events,
    filter: parsed.filter,
    status: "active",
    secret: await deps.secrets.seal(secret, id),
    created_at: now,
    updated_at: now,
  };
  if (!(await deps.store.subscriptions.addSubscription(record, MAX_SUBSCRIPTIONS_PER_ORG))) {
    throw new ConflictError(
      `An organisation holds at most ${MAX_SUBSCRIPTIONS_PER_ORG} subscriptions.`,
    );
  }
  return { ...toSubscriptionView(record), secret };
}

export async function listSubscriptions(
  deps: HubDeps,
  caller: Organisation,
): Promise<{ items: SubscriptionView[] }> {
  const records = await deps.store.subscriptions.listSubscriptions(caller.id);
  return {
    items: records.sort((a, b) => a.created_at.localeCompare(b.created_at)).map(toSubscriptionView),
  };
}

export async function ownSubscription(
  deps: Pick<HubDeps, "store">,
  caller: Organisation,
  id: string,
): Promise<SubscriptionRecord> {
  const record = await deps.store.subscriptions.getSubscription(caller.id, id);
  if (record === undefined) throw new NotFoundError("subscription");
  return record;
}

export async function deleteSubscription(
  deps: HubDeps,
  caller: Organisation,
  id: string,
): Promise<void> {
  if (!(await deps.store.subscriptions.deleteSubscription(caller.id, id)))
    throw new NotFoundError("subscription");
}

/** Re-enables a disabled subscription. Events published while it was disabled stay undelivered. */
export async function patchSubscription(
  deps: HubDeps,
  caller: Organisation,
  id: string,
  body: unknown,
): Promise<SubscriptionView> {
  const record = await ownSubscription(deps, caller, id);
  parseOrThrow(PatchSubscriptionSchema, body);
  const updatedAt = deps.clock.now().toISOString();
  const updated = await deps.store.subscriptions.updateSubscription(caller.id, id, {
    status: "active",
    disabled_reason: null,
    failing_since: null,
    updated_at: updatedAt,
  });
  if (!updated) throw new NotFoundError("subscription");
  // The subscription as just written, without reading it back.
  const { disabled_reason: _reason, failing_since: _since, ...kept } = record;
  return toSubscriptionView({ ...kept, status: "active", updated_at: updatedAt });
}

export async function rotateSecret(
  deps: HubDeps,
  caller: Organisation,
  id: string,
): Promise<{ secret: string }> {
  const record = await ownSubscription(deps, caller, id);
  const now = deps.clock.now();
  const secret = newWebhookSecret();
  await deps.store.subscriptions.updateSubscription(caller.id, id, {
    secret: await deps.secrets.seal(secret, id),
    previous_secret: {
      sealed: record.secret,
      expires_at: new Date(now.getTime() + PREVIOUS_SECRET_MS).toISOString(),
    },
    updated_at: now.toISOString(),
  });
  return { secret };
}

export async function testSubscription(
  deps: HubDeps,
  caller: Organisation,
  id: string,
): Promise<{ webhook_id: string; status: "pending" }> {
  const record = await ownSubscription(deps, caller, id);
  if (record.status !== "active")
    throw new ConflictError("This subscription is disabled; re-enable it first.");
  const now = deps.clock.now();
  await admitPing(deps, record.id, now);
  const pingId = `ping_${deps.newId()}`;
  const delivery = newDelivery(
    record,
    { type: "ping", id: pingId, at: now.toISOString(), ref: { kind: "ping" } },
    now,
  );
  await deps.store.deliveries.createDeliveries([delivery]);
  await deps.queue
    .sendDeliveries([messageOf(delivery)])
    .catch((error: unknown) =>
      deps.logger.warn("a ping waits for the sweeper", { error: String(error) }),
    );
  return { webhook_id: delivery.webhook_id, status: "pending" };
}

export async function listDeliveries(
  deps: HubDeps,
  caller: Organisation,
  id: string,
  limit: number,
  cursor: string | undefined,
): Promise<{ items: DeliveryView[]; next_cursor: string | null }> {
  await ownSubscription(deps, caller, id);
  const now = deps.clock.now();
  const page = await deps.store.deliveries.listDeliveries(id, limit, cursor);
  return {
    items: page.items.filter((record) => !isExpired(record, now)).map(toDeliveryView),
    next_cursor: page.next ?? null,
  };
}

/** One delivery with its attempts. Another organisation's subscription and an unknown id are alike. */
export async function getDelivery(
  deps: HubDeps,
  caller: Organisation,
  subscriptionId: string,
  webhookId: string,
): Promise<DeliveryDetail> {
  const { record } = await ownDelivery(deps, caller, subscriptionId, webhookId);
  return toDeliveryDetail(record);
}

/**
 * Sends a delivery again now, whatever its state ("resend"): it becomes pending, keeps
 * its attempts, and gets a fresh round of retries (DESIGN §15). A disabled subscription
 * must be re-enabled first, as for a ping.
 */
export async function resendDelivery(
  deps: HubDeps,
  caller: Organisation,
  subscriptionId: string,
  webhookId: string,
): Promise<DeliveryView> {
  const { subscription, record } = await ownDelivery(deps, caller, subscriptionId, webhookId);
  if (subscription.status !== "active")
    throw new ConflictError("This subscription is disabled; re-enable it first.");
  const now = deps.clock.now().toISOString();
  const { expires_at: _expires, ...kept } = record;
  const resent: DeliveryRecord = {
    ...kept,
    status: "pending",
    next_attempt_at: now,
    updated_at: now,
    series_start: record.attempts,
  };
  await deps.store.deliveries.reopenDelivery(resent);
  await deps.queue
    .sendDeliveries([messageOf(resent)])
    .catch((error: unknown) =>
      deps.logger.warn("a resend waits for the sweeper", { error: String(error) }),
    );
  return toDeliveryView(resent);
}

async function ownDelivery(
  deps: HubDeps,
  caller: Organisation,
  subscriptionId: string,
  webhookId: string,
): Promise<{ subscription: SubscriptionRecord; record: DeliveryRecord }> {
  const subscription = await deps.store.subscriptions.getSubscription(caller.id, subscriptionId);
  const record =
    subscription === undefined
      ? undefined
      : await deps.store.deliveries.findDelivery(subscriptionId, webhookId);
  if (subscription === undefined || record === undefined || isExpired(record, deps.clock.now()))
    throw new NotFoundError("delivery");
  return { subscription, record };
}
