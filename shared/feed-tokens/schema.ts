/** Wire shapes of feed tokens (DESIGN §11): one zod schema each, for parsing, types and OpenAPI. */
import * as z from "zod";
import { TimestampSchema } from "../bulletins/schema.js";
import {
  FEED_TOKEN_MAX_DAYS,
  FEED_TOKEN_MAX_TLP,
  FEED_TOKEN_MIN_MINUTES,
  FEED_TOKEN_STATUSES,
} from "./types.js";

export const CreateFeedTokenSchema = z
  .strictObject({
    name: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .regex(/^[^\p{Cc}]*$/u, "a name has no control characters")
      .describe("what the token is for, e.g. the platform that will use it"),
    expires_at: TimestampSchema.optional().describe(
      `when the token stops working: ${FEED_TOKEN_MIN_MINUTES} minutes to ${FEED_TOKEN_MAX_DAYS} days ahead (the default)`,
    ),
  })
  .meta({ id: "CreateFeedToken" });
export type CreateFeedToken = z.infer<typeof CreateFeedTokenSchema>;

export const FeedTokenViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    created_at: z.string(),
    expires_at: z.string(),
    max_tlp: z.literal(FEED_TOKEN_MAX_TLP),
    status: z.enum(FEED_TOKEN_STATUSES),
  })
  .meta({ id: "FeedToken" });
export type FeedTokenView = z.infer<typeof FeedTokenViewSchema>;

export const CreatedFeedTokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    token: z
      .string()
      .describe("cft_<id>_<43 base64url characters>: shown once; the hub keeps only its SHA-256"),
    created_at: z.string(),
    expires_at: z.string(),
    max_tlp: z.literal(FEED_TOKEN_MAX_TLP),
  })
  .meta({ id: "CreatedFeedToken" });
export type CreatedFeedToken = z.infer<typeof CreatedFeedTokenSchema>;

export const FeedTokenListSchema = z
  .object({ items: z.array(FeedTokenViewSchema) })
  .meta({ id: "FeedTokenList" });
