/** Webhook subscriptions and their deliveries (DESIGN §6, §9). */
import type { Category } from "../bulletins/schema.js";
import type { ChangeKind } from "../changes/types.js";
import type { Chain, IndicatorType } from "../indicators/index.js";

export const EVENT_TYPES = ["bulletin.published", "bulletin.revoked", "sighting.reported"] as const;
export type EventType = (typeof EVENT_TYPES)[number];
export type DeliveryEventType = EventType | "ping";

export const MAX_SUBSCRIPTIONS_PER_ORG = 25;

export interface SubscriptionFilter {
  categories?: Category[];
  chains?: Chain[];
  indicator_types?: IndicatorType[];
  issuers?: string[];
  min_confidence?: number;
}

export const SUBSCRIPTION_STATUSES = ["active", "disabled"] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

export interface SubscriptionRecord {
  id: string;
  org_id: string;
  url: string;
  events: EventType[];
  filter: SubscriptionFilter;
  status: SubscriptionStatus;
  disabled_reason?: string;
  /** Sealed (encrypted) `whsec_…` secret; never logged, never served after creation. */
  secret: string;
  /** The secret before the last rotation, which keeps signing until `expires_at`. */
  previous_secret?: { sealed: string; expires_at: string };
  /** Set at the first failed attempt since the last success. */
  failing_since?: string;
  created_at: string;
  updated_at: string;
}

export const DELIVERY_STATUSES = [
  "pending",
  "retrying",
  "delivered",
  "failed",
  "cancelled",
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** What a delivery carries, by reference: the body is built when it is sent. */
export type EventRef =
  | { kind: "bulletin"; bulletin_id: string; change: ChangeKind }
  | { kind: "sighting"; bulletin_id: string; sighting_id: string }
  | { kind: "ping" };

export interface DeliveryRecord {
  subscription_id: string;
  org_id: string;
  /** Stable per event × subscription: subscribers de-duplicate on it. */
  webhook_id: string;
  event_type: DeliveryEventType;
  event_id: string;
  /** When the event happened; orders the deliveries list, newest first. */
  event_at: string;
  ref: EventRef;
  status: DeliveryStatus;
  attempts: number;
  last_status_code: number | null;
  last_error?: string;
  next_attempt_at: string | null;
  created_at: string;
  updated_at: string;
}
