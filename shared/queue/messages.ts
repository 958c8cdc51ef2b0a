/** Parsing queue message bodies: they come from our own queues, but are checked all the same. */
import * as z from "zod";
import { CHANGE_KINDS } from "../changes/types.js";
import type { DeliveryMessage, FanoutMessage } from "./port.js";

const FanoutMessageSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("bulletin"),
    bulletin_id: z.string().min(1),
    change: z.enum(CHANGE_KINDS),
  }),
  z.object({
    kind: z.literal("sighting"),
    bulletin_id: z.string().min(1),
    sighting_id: z.string().min(1),
  }),
]);

const DeliveryMessageSchema = z.object({
  subscription_id: z.string().min(1),
  event_at: z.string().min(1),
  webhook_id: z.string().min(1),
  org_id: z.string().min(1).optional(),
  series: z.number().int().nonnegative().optional(),
});

export function parseFanoutMessage(body: string): FanoutMessage {
  return FanoutMessageSchema.parse(JSON.parse(body));
}

export function parseDeliveryMessage(body: string): DeliveryMessage {
  return DeliveryMessageSchema.parse(JSON.parse(body));
}
