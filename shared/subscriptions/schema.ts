/** Wire schemas of subscriptions (DESIGN §6, §9). */
import * as z from "zod";
import { CATEGORIES } from "../bulletins/schema.js";
import { CHAINS, INDICATOR_TYPES } from "../indicators/index.js";
import { OrgIdSchema } from "../orgs/schema.js";
import { EVENT_TYPES } from "./types.js";

const uniqueList = <T extends z.ZodType>(item: T, max: number) =>
  z
    .array(item)
    .min(1)
    .max(max)
    .refine((values) => new Set(values).size === values.length, "values must not repeat");

export const SubscriptionFilterSchema = z.strictObject({
  categories: uniqueList(z.enum(CATEGORIES), CATEGORIES.length).optional(),
  chains: uniqueList(z.enum(CHAINS), CHAINS.length).optional(),
  indicator_types: uniqueList(z.enum(INDICATOR_TYPES), INDICATOR_TYPES.length).optional(),
  issuers: uniqueList(OrgIdSchema, 100).optional(),
  min_confidence: z.int().min(0).max(100).optional(),
});

export const CreateSubscriptionSchema = z.strictObject({
  url: z.string().min(1).max(2048),
  events: uniqueList(z.enum(EVENT_TYPES), EVENT_TYPES.length),
  filter: SubscriptionFilterSchema.default({}),
});

/** Only re-enabling is a change a subscriber makes; disabling is the hub's answer to a 410. */
export const PatchSubscriptionSchema = z.strictObject({ status: z.literal("active") });
