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
  /** Present while attempts keep timing out (see shared/webhooks/breaker.ts). */
  breaker?: BreakerState;
  created_at: string;
  updated_at: string;
}

/**
 * The circuit breaker of a subscription whose endpoint keeps timing out: attempts wait
 * until `open_until`, then go one at a time until one does not time out.
 */
export interface BreakerState {
  /** Attempts in a row that timed out (connecting or answering). */
  timeouts: number;
  open_until: string;
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
  /** The last attempt's error code, or why the delivery was cancelled. */
  last_error?: string;
  next_attempt_at: string | null;
  created_at: string;
  updated_at: string;
  /** The latest attempts, oldest first (at most MAX_ATTEMPT_LOG; `attempts` counts them all). */
  attempt_log?: AttemptLogEntry[];
  /** `attempts` when the delivery was last resent: the retry schedule counts from there. */
  series_start?: number;
  /** When a settled delivery stops being kept (30 days after it settled); absent while open. */
  expires_at?: string;
}

/** One attempt, as its owner reads it (DESIGN §15). Never the body sent, the URL or a secret. */
export interface AttemptLogEntry {
  /** 1 for the first attempt, counting on across resends. */
  number: number;
  at: string;
  duration_ms: number;
  status_code: number | null;
  /** A network code (ECONNREFUSED, …), or timeout, connect_timeout, tls_error, redirect_refused, url_refused, response_too_large. */
  error: string | null;
  /** The first 256 bytes of the answer, as UTF-8 with invalid bytes replaced. */
  response_excerpt: string | null;
}

/** Attempts a delivery keeps in its log: two full series of retries and more. */
export const MAX_ATTEMPT_LOG = 20;

/** How long a settled delivery is kept (DESIGN §15). */
export const DELIVERY_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

/** Whether a delivery is past its retention: absent for every reader, whatever the table still holds. */
export function isExpired(record: Pick<DeliveryRecord, "expires_at">, now: Date): boolean {
  return record.expires_at !== undefined && Date.parse(record.expires_at) <= now.getTime();
}
