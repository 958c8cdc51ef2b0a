/**
 * Screening (DESIGN §5, §9): one result per input, in order, with the visible active
 * bulletins naming it. The index answers from its own entries, so 1,000 clean inputs
 * cost ten batched reads and hits cost nothing more.
 */
import * as z from "zod";
import { parseOrThrow } from "../errors/zod.js";
import type { HubDeps } from "../hub/deps.js";
import { checkIndicator } from "../indicators/index.js";
import type { Organisation } from "../orgs/types.js";
import type { IndexedBulletin } from "../store/types.js";
import { effectiveStatus } from "./status.js";
import { isVisibleTo } from "./visibility.js";
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
  const index = await deps.store.bulletins.lookupIndicators(normalised);
  const now = deps.clock.now();
  const candidates = new Map<string, IndexedBulletin[]>();
  for (const [indicator, entries] of index) {
    const live = entries.filter(
      (entry) =>
        (entry.status === "active" || entry.status === "pending") &&
        isVisibleTo(entry, caller) &&
        effectiveStatus({ status: "active", valid_until: entry.valid_until }, now) === "active",
    );
    if (live.length > 0) candidates.set(indicator, live);
  }
  const committed = await committedContents(deps, [...candidates.values()].flat());
  const matchesOf = (indicator: string): ScreenMatch[] =>
    (candidates.get(indicator) ?? [])
      .filter(
        (entry) => entry.status === "active" || committed.get(entry.id) === entry.content_sha256,
      )
      .sort(newestFirst)
      .map(toMatch);

  let hits = 0;
  const results = checks.map((check, i): ScreenResult => {
    const input = indicators[i];
    if (!check.ok) return invalidScreenResult(input, check.error);
    const matches = matchesOf(check.normalised);
    if (matches.length > 0) hits += 1;
    return {
      input,
      normalised: check.normalised,
      match_count: matches.length,
      matches: matches.slice(0, MAX_MATCHES),
    };
  });
  deps.metrics.count("ScreenCalls");
  deps.metrics.count("ScreenedIndicators", indicators.length);
  if (hits > 0) deps.metrics.count("ScreenHits", hits);
  return { results };
}

/**
 * Index entries are written `pending` before their bulletin commits, and the outbox
 * mirrors the committed status into them right after. A pending entry is therefore a
 * publish in flight or one that never committed — perhaps one that lost a race on the
 * same id with other content: only the bulletin item can tell, by its content hash
 * (and whether it is still active).
 */
async function committedContents(
  deps: Pick<HubDeps, "store">,
  entries: IndexedBulletin[],
): Promise<Map<string, string>> {
  const pending = [
    ...new Set(entries.filter((entry) => entry.status === "pending").map((entry) => entry.id)),
  ];
  return pending.length === 0 ? new Map() : deps.store.bulletins.activeContents(pending);
}

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
