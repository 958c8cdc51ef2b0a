/**
 * The response shapes of bulletins, the feed, publishing and screening (DESIGN §9)
 * as zod schemas: the TypeScript types derive from them, and so does the OpenAPI
 * document — one definition per wire shape.
 */
import * as z from "zod";
import { ChangeSchema } from "../changes/types.js";
import { INDICATOR_ERROR_CODES, type IndicatorErrorCode } from "../indicators/index.js";
import { BulletinPayloadSchema, CATEGORIES, TLPS } from "./schema.js";
import { BULLETIN_STATUSES } from "./types.js";

/** A screening result names at most this many bulletins; `match_count` counts them all. */
export const MAX_MATCHES = 20;

export const RevocationSchema = z.object({ reason: z.string(), revoked_at: z.string() });

export const BulletinViewSchema = z
  .object({
    id: z.string(),
    issuer: z.string(),
    status: z.enum(BULLETIN_STATUSES),
    received_at: z.string(),
    content_sha256: z.string().describe("lowercase hex SHA-256 of the JWS payload bytes"),
    bulletin: BulletinPayloadSchema,
    jws: z.string().describe("the publisher's compact JWS, byte for byte as posted"),
    receipt: z.string().describe("a JWS by the hub (typ cordon-receipt+jws)"),
    revocation: RevocationSchema.optional(),
  })
  .meta({ id: "Bulletin" });

export const RedNoticeSchema = z
  .object({
    id: z.string(),
    issuer: z.string(),
    tlp: z.literal("red"),
    status: z.enum(BULLETIN_STATUSES),
    received_at: z.string(),
    revocation: RevocationSchema.optional(),
  })
  .meta({
    id: "RedNotice",
    description: "What leaves the hub of a TLP:RED bulletin outside a recipient's direct GET.",
  });

/** A feed item: the bulletin as it stands now, and the change that this place in the log reports. */
export const FeedItemSchema = z
  .union([
    BulletinViewSchema.extend({ change: ChangeSchema }),
    RedNoticeSchema.extend({ change: ChangeSchema }),
  ])
  .meta({ id: "FeedItem" });

/** The revoke answer: the bulletin, now revoked, and the revocation as logged (DESIGN §10). */
export const RevokedBulletinSchema = BulletinViewSchema.extend({
  change: ChangeSchema.nullable().describe(
    "the revocation's change; null only if the hub could not log it yet (it will)",
  ),
}).meta({ id: "RevokedBulletin" });

export const FeedPageSchema = z
  .object({
    items: z.array(FeedItemSchema),
    next_cursor: z.string(),
    has_more: z.boolean(),
  })
  .meta({ id: "FeedPage" });

export const PublishReceiptSchema = z
  .object({
    id: z.string(),
    received_at: z.string(),
    content_sha256: z.string(),
    receipt: z.string(),
    change: ChangeSchema.optional().describe("the publication's place in the log, once logged"),
  })
  .meta({ id: "PublishReceipt" });

export const ScreenMatchSchema = z.object({
  id: z.string(),
  issuer: z.string(),
  category: z.enum(CATEGORIES),
  tlp: z.enum(TLPS),
  confidence: z.number(),
  issued_at: z.string(),
});

export const ScreenResultSchema = z.object({
  input: z.unknown(),
  normalised: z.string().nullable(),
  error: z.object({ code: z.enum(INDICATOR_ERROR_CODES), message: z.string() }).optional(),
  match_count: z.number(),
  matches: z.array(ScreenMatchSchema).max(MAX_MATCHES),
});

export const ScreenResponseSchema = z
  .object({ results: z.array(ScreenResultSchema) })
  .meta({ id: "ScreenResponse" });

export type BulletinView = z.infer<typeof BulletinViewSchema>;
export type RedNotice = z.infer<typeof RedNoticeSchema>;
export type Revocation = z.infer<typeof RevocationSchema>;
export type FeedPage = z.infer<typeof FeedPageSchema>;
export type FeedItem = z.infer<typeof FeedItemSchema>;
export type RevokedBulletin = z.infer<typeof RevokedBulletinSchema>;
export type PublishReceipt = z.infer<typeof PublishReceiptSchema>;
export type ScreenMatch = z.infer<typeof ScreenMatchSchema>;
export type ScreenResult = z.infer<typeof ScreenResultSchema>;

/** The result for an input that is not a valid indicator: its error, and no matches. */
export function invalidScreenResult(
  input: unknown,
  error: { code: IndicatorErrorCode; message: string },
): ScreenResult {
  return {
    input,
    normalised: null,
    error: { code: error.code, message: error.message },
    match_count: 0,
    matches: [],
  };
}
