/**
 * Sightings (DESIGN §5, §9): "we saw this", reported on a bulletin the reporter can
 * see, stored, and sent to the bulletin's issuer alone. Unless the reporter discloses
 * itself, the issuer sees a pseudonym that is stable per bulletin and reporter, so
 * repeats can be told apart without revealing who reported.
 */
import { createHmac } from "node:crypto";
import { base32nopad } from "@scure/base";
import { summariseIndicators } from "../bulletins/indicators-of.js";
import { visibleBulletin } from "../bulletins/lifecycle.js";
import { payloadOf } from "../bulletins/view.js";
import { outboxDue } from "../changes/protocol.js";
import { NotFoundError, ValidationError } from "../errors/errors.js";
import { parseOrThrow } from "../errors/zod.js";
import type { HubDeps } from "../hub/deps.js";
import { checkIndicator } from "../indicators/index.js";
import type { Organisation } from "../orgs/types.js";
import {
  SightingBodySchema,
  type SightingRecord,
  type SightingView,
  toSightingView,
} from "./types.js";

export { MAX_NOTE_BYTES, SightingBodySchema } from "./types.js";

export async function reportSighting(
  deps: HubDeps,
  caller: Organisation,
  body: unknown,
): Promise<SightingView> {
  // The bulletin is looked up first: a hidden or missing one is a 404 before any 422.
  const bulletinId = (body as { bulletin_id?: unknown } | null)?.bulletin_id;
  const bulletin =
    typeof bulletinId === "string" ? await visibleBulletin(deps, caller, bulletinId) : undefined;
  const parsed = parseOrThrow(SightingBodySchema, body);
  if (bulletin === undefined) throw new Error("a valid sighting names its bulletin");
  const indicator = normalisedIndicator(parsed.indicator);
  if (!summariseIndicators(payloadOf(bulletin)).normalised.includes(indicator)) {
    throw ValidationError.at("/indicator", "the indicator is not one the bulletin names");
  }
  const now = deps.clock.now();
  const record: SightingRecord = {
    id: deps.newId(),
    bulletin_id: bulletin.id,
    bulletin_issuer: bulletin.issuer,
    reporter:
      parsed.disclose === true ? caller.id : pseudonym(deps.pseudonymKey, bulletin.id, caller.id),
    reporter_org: caller.id,
    indicator,
    note: parsed.note ?? null,
    reported_at: now.toISOString(),
  };
  await deps.store.sightings.putSighting(record, outboxDue(now));
  deps.metrics.count("SightingsReported");
  await deps.queue
    .sendFanout([{ kind: "sighting", bulletin_id: record.bulletin_id, sighting_id: record.id }])
    .catch((error: unknown) =>
      deps.logger.warn("a sighting waits for the sweeper", {
        sightingId: record.id,
        error: String(error),
      }),
    );
  return toSightingView(record);
}

export async function listSightings(
  deps: HubDeps,
  caller: Organisation,
  bulletinId: string,
  limit: number,
  cursor: string | undefined,
): Promise<{ items: SightingView[]; next_cursor: string | null; has_more: boolean }> {
  const bulletin = await visibleBulletin(deps, caller, bulletinId);
  // Sightings are the issuer's alone; to anyone else the list does not exist.
  if (bulletin.issuer !== caller.id) throw new NotFoundError("bulletin");
  const page = await deps.store.sightings.listSightings(bulletin.id, limit, cursor);
  return {
    items: page.items.map(toSightingView),
    next_cursor: page.next ?? null,
    has_more: page.next !== undefined,
  };
}

/** Stable per bulletin and reporter, unlinkable across bulletins without the hub's key. */
export function pseudonym(key: Uint8Array, bulletinId: string, reporterId: string): string {
  const mac = createHmac("sha256", key).update(`${bulletinId}\n${reporterId}`).digest();
  return `anon-${base32nopad.encode(mac.subarray(0, 10)).toLowerCase()}`;
}

function normalisedIndicator(input: string | Record<string, unknown>): string {
  if (typeof input !== "string") {
    const check = checkIndicator(input);
    if (!check.ok)
      throw ValidationError.at(`/indicator${check.error.pointer}`, check.error.message);
    return check.normalised;
  }
  return input.trim();
}
