/** The served shapes of subscriptions and deliveries (DESIGN §9). Secrets never appear here. */
import * as z from "zod";
import { SubscriptionFilterSchema } from "./schema.js";
import {
  DELIVERY_STATUSES,
  type DeliveryRecord,
  EVENT_TYPES,
  MAX_ATTEMPT_LOG,
  SUBSCRIPTION_STATUSES,
  type SubscriptionRecord,
} from "./types.js";

export const SubscriptionViewSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.enum(EVENT_TYPES)),
    filter: SubscriptionFilterSchema,
    status: z.enum(SUBSCRIPTION_STATUSES),
    disabled_reason: z.string().optional(),
    created_at: z.string(),
  })
  .meta({ id: "Subscription" });
export type SubscriptionView = z.infer<typeof SubscriptionViewSchema>;

export const CreatedSubscriptionSchema = SubscriptionViewSchema.extend({
  secret: z.string().describe("whsec_…: shown once, keep it to verify v1 signatures"),
}).meta({ id: "CreatedSubscription" });

export const SubscriptionListSchema = z
  .object({ items: z.array(SubscriptionViewSchema) })
  .meta({ id: "SubscriptionList" });
export const SecretSchema = z.object({ secret: z.string() }).meta({ id: "Secret" });
export const PingSchema = z
  .object({ webhook_id: z.string(), status: z.literal("pending") })
  .meta({ id: "PingAccepted" });

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

export const DeliveryViewSchema = z
  .object({
    webhook_id: z.string(),
    event_type: z.enum([...EVENT_TYPES, "ping"]),
    event_id: z.string(),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.number(),
    last_status_code: z.number().nullable(),
    last_error: z
      .string()
      .nullable()
      .describe(
        "The last attempt's error code (ECONNREFUSED, timeout, tls_error, …) or why the delivery was cancelled; null when the last attempt got a whole answer",
      ),
    next_attempt_at: z.string().nullable(),
    updated_at: z.string(),
  })
  .meta({ id: "Delivery" });
export type DeliveryView = z.infer<typeof DeliveryViewSchema>;

export const DeliveryPageSchema = z
  .object({ items: z.array(DeliveryViewSchema), next_cursor: z.string().nullable() })
  .meta({ id: "DeliveryPage" });

export const AttemptSchema = z
  .object({
    number: z.number().describe("1 for the first attempt, counting on across resends"),
    at: z.string(),
    duration_ms: z.number(),
    status_code: z.number().nullable(),
    error: z
      .string()
      .nullable()
      .describe(
        "ECONNREFUSED, ECONNRESET, ENOTFOUND, … (network codes as Node names them), connect_timeout, timeout, tls_error, redirect_refused, url_refused, response_too_large, network_error; null when a whole answer came back",
      ),
    response_excerpt: z
      .string()
      .nullable()
      .describe("The first 256 bytes of the answer's body, as UTF-8 with invalid bytes replaced"),
  })
  .meta({ id: "DeliveryAttempt" });

/** `GET /v1/subscriptions/{id}/deliveries/{webhook_id}` (DESIGN §15). */
export const DeliveryDetailSchema = DeliveryViewSchema.extend({
  created_at: z.string(),
  attempt_log: z
    .array(AttemptSchema)
    .describe(`The latest attempts, oldest first (at most ${MAX_ATTEMPT_LOG})`),
}).meta({ id: "DeliveryDetail" });
export type DeliveryDetail = z.infer<typeof DeliveryDetailSchema>;

export function toDeliveryView(record: DeliveryRecord): DeliveryView {
  return {
    webhook_id: record.webhook_id,
    event_type: record.event_type,
    event_id: record.event_id,
    status: record.status,
    attempts: record.attempts,
    last_status_code: record.last_status_code,
    last_error: record.last_error ?? null,
    next_attempt_at: record.next_attempt_at,
    updated_at: record.updated_at,
  };
}

export function toDeliveryDetail(record: DeliveryRecord): DeliveryDetail {
  return {
    ...toDeliveryView(record),
    created_at: record.created_at,
    attempt_log: (record.attempt_log ?? []).map((entry) => ({ ...entry })),
  };
}
