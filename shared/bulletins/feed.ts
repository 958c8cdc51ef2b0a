/**
 * The change feed as a caller reads it (DESIGN §4, §9, §10): every change it may see,
 * in the hub's log order, each item showing the bulletin's current state and the
 * change that its place reports. Cursors are opaque and stateless: they hold a
 * position in the log and nothing else.
 *
 * The log's entries carry what visibility and an item's size need, so a page is
 * chosen before any bulletin is read, and only the bulletins it returns are read.
 * Work per request is bounded: at most MAX_SCAN log entries (in queries of at most
 * SCAN_BATCH), then at most `limit` (≤ 100) bulletins, whose items stay under
 * FEED_MAX_PAGE_BYTES but for the first — however large other people's bulletins are.
 */
import type { Change, LoggedChange } from "../changes/types.js";
import { ValidationError } from "../errors/errors.js";
import type { HubDeps } from "../hub/deps.js";
import type { Organisation } from "../orgs/types.js";
import { toBulletinView, toRedNotice } from "./view.js";
import { isVisibleTo } from "./visibility.js";
import type { FeedItem, FeedPage } from "./wire.js";

export const FEED_DEFAULT_LIMIT = 50;
export const FEED_MAX_LIMIT = 100;
/** A page ends before its body would pass this. */
export const FEED_MAX_PAGE_BYTES = 4 * 1000 * 1000;
/** Log entries examined per request at most, so a caller who sees little cannot make a page expensive. */
export const MAX_SCAN = 1000;
const SCAN_BATCH = 100;
/**
 * Once a page is full, one more visible change is all it looks for (to say has_more):
 * it looks in batches this small. A divisor of SCAN_BATCH and MAX_SCAN, so the scan
 * budget ends where it always did.
 */
const PROBE_BATCH = 10;
const CURSOR_PREFIX = "f2.";
/** Before the first change (seq 0). */
const START = -1;

type Deps = Pick<HubDeps, "store" | "clock">;

export async function readFeedPage(
  deps: Deps,
  caller: Organisation,
  cursor: string | undefined,
  limit: number,
): Promise<FeedPage> {
  const start = decodeFeedCursor(cursor);
  const chosen: LoggedChange[] = [];
  let bytes = 64;
  let position = start;
  let scanned = 0;
  let hasMore = false;

  scan: while (true) {
    const batch = chosen.length === limit ? PROBE_BATCH : SCAN_BATCH;
    const entries = await deps.store.changes.changesAfter(position, batch);
    for (const entry of entries) {
      if (isVisibleTo(entry, caller)) {
        if (chosen.length === limit) {
          // One more visible change exists: there is more, and the page ends before it.
          hasMore = true;
          break scan;
        }
        if (chosen.length > 0 && bytes + entry.view_bytes > FEED_MAX_PAGE_BYTES) {
          hasMore = true;
          break scan;
        }
        chosen.push(entry);
        bytes += entry.view_bytes;
      }
      position = entry.seq;
    }
    scanned += entries.length;
    if (entries.length < batch) break;
    if (scanned >= MAX_SCAN) {
      hasMore = true;
      break;
    }
  }

  const lastReturned = chosen.at(-1)?.seq;
  return {
    items: await itemsOf(deps, chosen),
    next_cursor: nextCursor(cursor, start, position, lastReturned, hasMore),
    has_more: hasMore,
  };
}

/** Reads what the page returns: whole bulletins, but for TLP:RED only what its notice shows. */
async function itemsOf(deps: Deps, chosen: readonly LoggedChange[]): Promise<FeedItem[]> {
  const ids = (red: boolean) => [
    ...new Set(chosen.filter((e) => (e.tlp === "red") === red).map((e) => e.bulletin_id)),
  ];
  const [records, notices] = await Promise.all([
    deps.store.changes.bulletins(ids(false)),
    deps.store.changes.bulletinMetas(ids(true)),
  ]);
  const now = deps.clock.now();
  return chosen.flatMap((entry): FeedItem[] => {
    const change: Change = {
      seq: entry.seq,
      kind: entry.kind,
      at: entry.at,
      receipt: entry.receipt,
    };
    const record = records.get(entry.bulletin_id);
    if (record !== undefined) return [{ ...toBulletinView(record, now), change }];
    const notice = notices.get(entry.bulletin_id);
    if (notice !== undefined) return [{ ...toRedNotice(notice, now), change }];
    return [];
  });
}

/**
 * After returned items, resume right after the last one. With none, stay where the
 * given cursor stood — unless the scan stopped at its budget among changes this
 * caller may not see, when it must move on or the caller would never get past them.
 */
function nextCursor(
  given: string | undefined,
  start: number,
  scannedTo: number,
  lastReturned: number | undefined,
  hasMore: boolean,
): string {
  if (lastReturned !== undefined) return encodeFeedCursor(hasMore ? lastReturned : scannedTo);
  if (hasMore && scannedTo > start) return encodeFeedCursor(scannedTo);
  return given ?? encodeFeedCursor(start);
}

/** A cursor after the change at `seq` (−1: before the first). */
export function encodeFeedCursor(seq: number): string {
  return CURSOR_PREFIX + Buffer.from(String(seq), "utf8").toString("base64url");
}

export function decodeFeedCursor(cursor: string | undefined): number {
  if (cursor === undefined) return START;
  if (cursor.startsWith(CURSOR_PREFIX)) {
    const text = Buffer.from(cursor.slice(CURSOR_PREFIX.length), "base64url").toString("utf8");
    if (/^(-1|0|[1-9][0-9]{0,14})$/.test(text) && encodeFeedCursor(Number(text)) === cursor)
      return Number(text);
  }
  throw ValidationError.at("/cursor", "the cursor is not one this hub issued");
}
