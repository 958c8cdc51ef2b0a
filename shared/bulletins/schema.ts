/**
 * The bulletin payload (DESIGN §4): the JSON a publisher signs. One zod schema gives
 * the parser, the TypeScript type and the OpenAPI component. Error paths become the
 * JSON pointers of a 422 (`/indicators/3/address`).
 */
import * as z from "zod";
import { IndicatorSchema } from "../indicators/index.js";
import { GroupNameSchema, OrgIdSchema } from "../orgs/schema.js";

export const CATEGORIES = [
  "terrorist_financing",
  "sanctions",
  "ransomware",
  "scam",
  "hack_theft",
  "darknet_market",
  "fraud",
  "csam",
  "other",
] as const;
export type Category = (typeof CATEGORIES)[number];

/** TLP 2.0. */
export const TLPS = ["clear", "green", "amber", "amber+strict", "red"] as const;
export type Tlp = (typeof TLPS)[number];

export const MAX_INDICATORS = 1000;
export const MAX_AUDIENCE = 500;

/** Crockford base32, 26 characters, timestamp part within 48 bits. */
export const UlidSchema = z
  .string()
  .regex(/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/, "must be a ULID (26 characters of Crockford base32)");

export const TimestampSchema = z.iso.datetime({
  offset: true,
  message: "must be an RFC 3339 timestamp",
});

const GROUP_PREFIX = "group:";

export const AudienceEntrySchema = z.union(
  [
    OrgIdSchema,
    z
      .string()
      .startsWith(GROUP_PREFIX)
      .pipe(z.templateLiteral([GROUP_PREFIX, GroupNameSchema])),
  ],
  { error: "must be an organisation id or group:<name>" },
);

export function isGroupEntry(entry: string): boolean {
  return entry.startsWith(GROUP_PREFIX);
}

export function groupName(entry: string): string {
  return entry.slice(GROUP_PREFIX.length);
}

export const BulletinPayloadSchema = z
  .strictObject({
    id: UlidSchema,
    issuer: OrgIdSchema,
    issued_at: TimestampSchema,
    title: z.string().trim().min(1).max(200),
    summary: z.string().max(4000).optional(),
    category: z.enum(CATEGORIES),
    tlp: z.enum(TLPS),
    audience: z.array(AudienceEntrySchema).max(MAX_AUDIENCE).optional(),
    confidence: z.int().min(0).max(100),
    valid_until: TimestampSchema.nullable().optional(),
    supersedes: UlidSchema.nullable().optional(),
    indicators: z
      .array(IndicatorSchema.meta({ id: "Indicator" }))
      .min(1, "a bulletin names at least one indicator")
      .max(MAX_INDICATORS, `a bulletin names at most ${MAX_INDICATORS} indicators`),
    references: z.array(z.string().min(1).max(256)).max(50).optional(),
  })
  .superRefine((bulletin, ctx) => {
    const audience = bulletin.audience ?? [];
    if (new Set(audience).size !== audience.length) {
      ctx.addIssue({
        code: "custom",
        path: ["audience"],
        message: "audience entries must not repeat",
      });
    }
    switch (bulletin.tlp) {
      case "clear":
      case "green":
        if (audience.length > 0) {
          ctx.addIssue({
            code: "custom",
            path: ["audience"],
            message: `TLP:${bulletin.tlp.toUpperCase()} takes no audience`,
          });
        }
        break;
      case "amber":
        if (audience.length === 0) {
          ctx.addIssue({
            code: "custom",
            path: ["audience"],
            message: "TLP:AMBER needs an audience",
          });
        }
        break;
      case "amber+strict":
      case "red":
        if (audience.length === 0) {
          ctx.addIssue({
            code: "custom",
            path: ["audience"],
            message: `TLP:${bulletin.tlp.toUpperCase()} needs an audience of organisations`,
          });
        }
        audience.forEach((entry, index) => {
          if (isGroupEntry(entry)) {
            ctx.addIssue({
              code: "custom",
              path: ["audience", index],
              message: `TLP:${bulletin.tlp.toUpperCase()} is shared with named organisations only, not groups`,
            });
          }
        });
        break;
    }
    if (
      bulletin.valid_until &&
      Date.parse(bulletin.valid_until) <= Date.parse(bulletin.issued_at)
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["valid_until"],
        message: "valid_until must be after issued_at",
      });
    }
    if (bulletin.supersedes === bulletin.id) {
      ctx.addIssue({
        code: "custom",
        path: ["supersedes"],
        message: "a bulletin cannot supersede itself",
      });
    }
  })
  .meta({ id: "BulletinPayload", description: "The JSON a publisher signs (DESIGN §4)." });

export type BulletinPayload = z.infer<typeof BulletinPayloadSchema>;

export const PublishBodySchema = z.strictObject({ jws: z.string().min(1) });
export const RevokeBodySchema = z.strictObject({ reason: z.string().trim().min(1).max(1000) });
