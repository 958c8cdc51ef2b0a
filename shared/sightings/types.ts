/** Sightings: "we saw this", flowing back to a bulletin's publisher (DESIGN §5, §9). */
import * as z from "zod";
import { UlidSchema } from "../bulletins/schema.js";

export interface SightingRecord {
  id: string;
  bulletin_id: string;
  /** The bulletin's issuer: the only organisation the sighting is shown to. */
  bulletin_issuer: string;
  /** What the publisher sees: the reporter's id if it disclosed itself, else a pseudonym. */
  reporter: string;
  /** Who reported, kept for the hub's audit trail; never served. */
  reporter_org: string;
  indicator: string;
  note: string | null;
  reported_at: string;
  fanned_out?: boolean;
}

/** The wire shape of a sighting (`POST /v1/sightings`, the list, webhook `data`). */
export const SightingViewSchema = z
  .object({
    id: z.string(),
    bulletin_id: z.string(),
    reporter: z
      .string()
      .describe("the reporter's organisation id if it disclosed itself, else a pseudonym anon-…"),
    indicator: z.string().describe("the normalised indicator"),
    note: z.string().nullable(),
    reported_at: z.string(),
  })
  .meta({ id: "Sighting" });
export type SightingView = z.infer<typeof SightingViewSchema>;

export const SightingPageSchema = z
  .object({
    items: z.array(SightingViewSchema),
    next_cursor: z.string().nullable(),
    has_more: z.boolean(),
  })
  .meta({ id: "SightingPage" });

export function toSightingView(record: SightingRecord): SightingView {
  return {
    id: record.id,
    bulletin_id: record.bulletin_id,
    reporter: record.reporter,
    indicator: record.indicator,
    note: record.note,
    reported_at: record.reported_at,
  };
}

/** 1 KiB of UTF-8. */
export const MAX_NOTE_BYTES = 1024;

/** `POST /v1/sightings`. */
export const SightingBodySchema = z.strictObject({
  bulletin_id: UlidSchema,
  indicator: z.union([z.string().min(1).max(600), z.record(z.string(), z.unknown())], {
    error: "indicator is an indicator object or its normalised form",
  }),
  note: z
    .string()
    .refine(
      (note) => new TextEncoder().encode(note).length <= MAX_NOTE_BYTES,
      `a note is at most ${MAX_NOTE_BYTES} bytes of UTF-8`,
    )
    .nullable()
    .optional(),
  disclose: z.boolean().optional(),
});
