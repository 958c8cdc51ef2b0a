/**
 * Screening (DESIGN §5, §9): one result per input, in order, with the visible active
 * bulletins naming it, newest first. The index answers from its own entries, so 1,000
 * clean inputs cost ten batched reads and hits cost nothing more.
 */
import * as z from "zod";
import { parseOrThrow } from "../errors/zod.js";
import type { HubDeps } from "../hub/deps.js";
import { checkIndicator, type IndicatorCheck } from "../indicators/index.js";
import type { Organisation } from "../orgs/types.js";
import type { IndexedBulletin } from "../store/types.js";
import { effectiveStatus } from "./status.js";
import { isVisibleTo, type Viewer } from "./visibility.js";
import { invalidScreenResult, MAX_MATCHES, type ScreenMatch, type ScreenResult } from "./wire.js";

export const MAX_SCREEN_INPUTS = 1000;

export const ScreenBodySchema = z.strictObject({
  indicators: z
    .array(z.unknown())
    .min(1, "screen at least one indicator")
    .max(MAX_SCREEN_INPUTS, `screen at most ${MAX_SCREEN_INPUTS} indicators a call`),
});

export async function screen(
  deps: Pick<HubDeps, "store" | "clock" | "metrics">,
  caller: Organisation,
  body: unknown,
): Promise<{ results: ScreenResult[] }> {
  const { indicators } = parseOrThrow(ScreenBodySchema, body);
  const checks = indicators.map((input) => checkIndicator(input));
  const normalised = checks.flatMap((check) => (check.ok ? [check.normalised] : []));
  const index = await deps.store.changes.committedMatches(normalised);
  const results = screenAgainst(indicators, checks, (n) => index.get(n), caller, deps.clock.now());
  const hits = results.filter((result) => result.match_count > 0).length;
  deps.metrics.count("ScreenCalls");
  deps.metrics.count("ScreenedIndicators", indicators.length);
  if (hits > 0) deps.metrics.count("ScreenHits", hits);
  return { results };
}

/**
 * The answer to a screening, from the index entries of each normalised indicator:
 * one result per input, in order; for a valid one, the bulletins the caller may see
 * that are active now, newest first, at most MAX_MATCHES with the total counted.
 * Pure, so a partner's local mirror (DESIGN §17) answers exactly what the hub does.
 */
export function screenAgainst(
  inputs: readonly unknown[],
  checks: readonly IndicatorCheck[],
  entriesOf: (normalised: string) => readonly IndexedBulletin[] | undefined,
  caller: Viewer,
  now: Date,
): ScreenResult[] {
  return checks.map((check, i): ScreenResult => {
    const input = inputs[i];
    if (!check.ok) return invalidScreenResult(input, check.error);
    const matches = (entriesOf(check.normalised) ?? [])
      .filter(
        (entry) =>
          isVisibleTo(entry, caller) &&
          effectiveStatus({ status: entry.status, valid_until: entry.valid_until }, now) ===
            "active",
      )
      .sort(newestFirst)
      .map(toMatch);
    return {
      input,
      normalised: check.normalised,
      match_count: matches.length,
      matches: matches.slice(0, MAX_MATCHES),
    };
  });
}

/** Newest first by the instant issued (stored in UTC, so it compares as text), then by id. */
function newestFirst(a: IndexedBulletin, b: IndexedBulletin): number {
  return b.issued_at.localeCompare(a.issued_at) || b.id.localeCompare(a.id);
}

function toMatch(entry: IndexedBulletin): ScreenMatch {
  return {
    id: entry.id,
    issuer: entry.issuer,
    category: entry.category,
    tlp: entry.tlp,
    confidence: entry.confidence,
    issued_at: entry.issued_at,
  };
}
