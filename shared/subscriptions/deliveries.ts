/** Creating delivery records: one per event × subscription, with a stable webhook-id. */
import type { DeliveryMessage } from "../queue/port.js";
import { webhookId } from "../webhooks/signing.js";
import type { DeliveryEventType, DeliveryRecord, EventRef, SubscriptionRecord } from "./types.js";

export interface EventDescriptor {
  type: DeliveryEventType;
  id: string;
  at: string;
  ref: EventRef;
}

export function newDelivery(
  subscription: SubscriptionRecord,
  event: EventDescriptor,
  now: Date,
): DeliveryRecord {
  const at = now.toISOString();
  return {
    subscription_id: subscription.id,
    org_id: subscription.org_id,
    webhook_id: webhookId(event.id, subscription.id),
    event_type: event.type,
    event_id: event.id,
    event_at: event.at,
    ref: event.ref,
    status: "pending",
    attempts: 0,
    last_status_code: null,
    next_attempt_at: at,
    created_at: at,
    updated_at: at,
  };
}

/** The queue message for a delivery: its key, its subscriber (the message group) and its round of attempts. */
export function messageOf(delivery: DeliveryRecord): DeliveryMessage {
  return {
    subscription_id: delivery.subscription_id,
    event_at: delivery.event_at,
    webhook_id: delivery.webhook_id,
    org_id: delivery.org_id,
    series: delivery.series_start ?? 0,
  };
}
