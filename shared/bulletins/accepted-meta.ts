/**
 * What a bulletin's payload fixes, once accepted, of the fields screening and
 * visibility read: its TLP, category, confidence and instants in UTC (so they compare
 * as text). The hub stores exactly this (publish.ts), and a partner's mirror derives
 * it from the same signed payload (cli/sdk/mirror), so both screen on the same values.
 */
import { toUtcInstant } from "../changes/instants.js";
import type { BulletinPayload } from "./schema.js";
import type { BulletinMeta } from "./types.js";

export type AcceptedMeta = Pick<
  BulletinMeta,
  "tlp" | "category" | "confidence" | "issued_at" | "valid_until"
>;

export function acceptedMeta(payload: BulletinPayload): AcceptedMeta {
  return {
    tlp: payload.tlp,
    category: payload.category,
    confidence: payload.confidence,
    issued_at: toUtcInstant(payload.issued_at),
    valid_until: payload.valid_until == null ? null : toUtcInstant(payload.valid_until),
  };
}
