/** The served shapes of subscriptions and deliveries (DESIGN §9). Secrets never appear here. */
import * as z from "zod";
import { SubscriptionFilterSchema } from "./schema.js";
import {
  DELIVERY_STATUSES,
  type DeliveryRecord,
  EVENT_TYPES,
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
    next_attempt_at: z.string().nullable(),
    updated_at: z.string(),
  })
  .meta({ id: "Delivery" });
export type DeliveryView = z.infer<typeof DeliveryViewSchema>;

export const DeliveryPageSchema = z
  .object({ items: z.array(DeliveryViewSchema), next_cursor: z.string().nullable() })
  .meta({ id: "DeliveryPage" });

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
