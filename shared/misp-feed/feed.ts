/**
 * The hub's MISP feed (DESIGN §13): `manifest.json`, `hashes.csv` and one
 * `<uuid>.json` per event, in MISP's feed format (interop/misp), for a reader who sees
 * what its organisation sees up to its credential's ceiling (TLP:RED never). One
 * bulletin is one event; `timestamp` is its last change's, so MISP fetches a revoked
 * or superseded bulletin again as an update.
 *
 * MISP's feed format has no paging: the manifest lists every event at once. Work per
 * request is bounded, so the index files list the events of the most recent changes:
 * at most MAX_EVENTS bulletins found within MAX_SCAN log entries read back from the
 * tail, and at most MAX_READ_BYTES of them (by the log's size bound of each); MISP
 * keeps the events it fetched before, so an event that falls off the manifest stays
 * in MISP. `hashes.csv` stops before MAX_HASHES_BYTES. An event by its uuid is one
 * read, whatever its age.
 */
import { bulletinOfUuid } from "../bulletins/canonical-id.js";
import type { LoggedChange } from "../changes/types.js";
import type { HubDeps } from "../hub/deps.js";
import type { BulletinHistory } from "../interop/history.js";
import {
  hashLines,
  type MispEvent,
  type MispManifestEntry,
  manifestEntry,
  mispEvent,
  mispEventHeader,
  mispEventUuid,
} from "../interop/misp/index.js";
import { historyOf } from "../interop/record-history.js";
import { type ExportReader, isReadBy } from "../taxii/reader.js";

export const MAX_EVENTS = 5000;
export const MAX_SCAN = 50_000;
export const MAX_READ_BYTES = 32 * 1000 * 1000;
export const MAX_HASHES_BYTES = 4 * 1000 * 1000;
const WINDOW = 1000;

type Deps = Pick<HubDeps, "store" | "clock">;

export async function mispManifest(
  deps: Deps,
  reader: ExportReader,
): Promise<Record<string, MispManifestEntry>> {
  const headers = (await recentHistories(deps, reader)).map((history) => ({
    Event: mispEventHeader(history),
  }));
  return Object.fromEntries(headers.map((event) => [event.Event.uuid, manifestEntry(event)]));
}

/** `hashes.csv`: `<md5 of an attribute value>,<event uuid>` lines, newest events first. */
export async function mispHashes(deps: Deps, reader: ExportReader): Promise<string> {
  const lines: string[] = [];
  let bytes = 0;
  for (const history of await recentHistories(deps, reader)) {
    const eventLines = hashLines(mispEvent(history));
    const size = eventLines.reduce((sum, line) => sum + line.length + 1, 0);
    if (bytes + size > MAX_HASHES_BYTES) break;
    lines.push(...eventLines);
    bytes += size;
  }
  return lines.map((line) => `${line}\n`).join("");
}

/** One event by its uuid; undefined when hidden or missing (alike). */
export async function mispEventByUuid(
  deps: Deps,
  reader: ExportReader,
  uuid: string,
): Promise<MispEvent | undefined> {
  const found = bulletinOfUuid(uuid);
  if (found === undefined) return undefined;
  const record = await deps.store.changes.bulletinByCanonicalId(found.canonicalId);
  if (record === undefined || mispEventUuid(record.id) !== uuid.toLowerCase()) return undefined;
  if (!isReadBy(record, reader)) return undefined;
  const names = await deps.store.orgs.getOrgs([record.issuer]);
  const history = historyOf(
    record,
    names.get(record.issuer)?.name ?? record.issuer,
    deps.clock.now(),
  );
  return history.changes.length === 0 ? undefined : mispEvent(history);
}

/** The histories of the bulletins changed most recently that the reader may see, newest first. */
async function recentHistories(deps: Deps, reader: ExportReader): Promise<BulletinHistory[]> {
  const latest = await recentChanges(deps, reader);
  const ids = latest.map((entry) => entry.bulletin_id);
  const issuers = [...new Set(latest.map((entry) => entry.issuer))];
  const [records, orgs] = await Promise.all([
    deps.store.changes.bulletins(ids),
    deps.store.orgs.getOrgs(issuers),
  ]);
  const now = deps.clock.now();
  return ids.flatMap((id) => {
    const record = records.get(id);
    if (record === undefined) return [];
    const history = historyOf(record, orgs.get(record.issuer)?.name ?? record.issuer, now);
    return history.changes.length === 0 ? [] : [history];
  });
}

/** The last change of each bulletin the reader may see, reading the log back from its tail. */
async function recentChanges(deps: Deps, reader: ExportReader): Promise<LoggedChange[]> {
  const tail = await deps.store.changes.lastChange();
  const latest = new Map<string, LoggedChange>();
  let upper = tail?.seq ?? -1;
  let scanned = 0;
  let bytes = 0;
  while (upper >= 0 && scanned < MAX_SCAN) {
    const from = Math.max(-1, upper - WINDOW);
    const entries = await deps.store.changes.changesAfter(from, upper - from);
    scanned += entries.length;
    for (const entry of entries.reverse()) {
      if (latest.has(entry.bulletin_id) || !isReadBy(entry, reader)) continue;
      if (latest.size === MAX_EVENTS || bytes + entry.view_bytes > MAX_READ_BYTES) {
        return [...latest.values()];
      }
      latest.set(entry.bulletin_id, entry);
      bytes += entry.view_bytes;
    }
    upper = from;
  }
  return [...latest.values()];
}
