/** Creating delivery records: one per event × subscription, with a stable webhook-id. */
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
