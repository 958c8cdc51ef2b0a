/** The served shapes of subscriptions and deliveries (DESIGN §9). Secrets never appear here. */
import type { DeliveryRecord, SubscriptionRecord } from "./types.js";

export interface SubscriptionView {
  id: string;
  url: string;
  events: string[];
  filter: SubscriptionRecord["filter"];
  status: SubscriptionRecord["status"];
  disabled_reason?: string;
  created_at: string;
}

export function toSubscriptionView(record: SubscriptionRecord): SubscriptionView {
  const view: SubscriptionView = {
    id: record.id,
    url: record.url,
    events: [...record.events],
    filter: record.filter,
    status: record.status,
    created_at: record.created_at,
  };
  if (record.status === "disabled" && record.disabled_reason !== undefined)
    view.disabled_reason = record.disabled_reason;
  return view;
}

export interface DeliveryView {
  webhook_id: string;
  event_type: string;
  event_id: string;
  status: DeliveryRecord["status"];
  attempts: number;
  last_status_code: number | null;
  next_attempt_at: string | null;
  updated_at: string;
}

export function toDeliveryView(record: DeliveryRecord): DeliveryView {
  return {
    webhook_id: record.webhook_id,
    event_type: record.event_type,
    event_id: record.event_id,
    status: record.status,
    attempts: record.attempts,
    last_status_code: record.last_status_code,
    next_attempt_at: record.next_attempt_at,
    updated_at: record.updated_at,
  };
}
