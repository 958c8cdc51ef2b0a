/**
 * The change feed as a caller reads it (DESIGN §4, §9): every change it may see, in
 * the hub's change order, each item showing the bulletin's current state. Cursors
 * are opaque and stateless: they hold a position in the feed and nothing else.
 *
 * A feed position is taken by an append before it is claimed by its bulletin. A
 * reader that meets an unclaimed position claims it itself (the claim is a
 * conditional write that exactly one party wins), so a position is either the
 * change's one place in the feed or a duplicate that every reader skips alike.
 */
import { ValidationError } from "../errors/errors.js";
import type { HubDeps } from "../hub/deps.js";
import type { Organisation } from "../orgs/types.js";
import type { FeedEntry } from "../store/types.js";
import type { BulletinRecord, BulletinView, RedNotice } from "./types.js";
import { toSharedView } from "./view.js";
import { isVisibleTo } from "./visibility.js";
import type { FeedPage } from "./wire.js";

export const FEED_DEFAULT_LIMIT = 50;
export const FEED_MAX_LIMIT = 100;
/** A page ends before its body would pass this. */
export const FEED_MAX_PAGE_BYTES = 4 * 1000 * 1000;
/** Changes examined per request at most, so a caller who sees little cannot make a page expensive. */
const MAX_SCAN = 1000;
const SCAN_BATCH = 100;
/**
 * Once a page is full, one more visible change is all it looks for (to say has_more):
 * it looks in batches this small, not SCAN_BATCH's full bulletins. A divisor of
 * SCAN_BATCH and MAX_SCAN, so the scan budget ends where it always did.
 */
const PROBE_BATCH = 10;
const CURSOR_PREFIX = "f1.";

type Deps = Pick<HubDeps, "store" | "clock">;

export async function readFeedPage(
  deps: Deps,
  caller: Organisation,
  cursor: string | undefined,
  limit: number,
): Promise<FeedPage> {
  const start = decodeFeedCursor(cursor);
  const now = deps.clock.now();
  const items: (BulletinView | RedNotice)[] = [];
  let bytes = 64;
  let position = start;
  let lastReturned: number | undefined;
  let scanned = 0;
  let hasMore = false;

  scan: while (true) {
    const batch = items.length === limit ? PROBE_BATCH : SCAN_BATCH;
    const entries = await deps.store.feed.readFeed(position, batch);
    const records = await deps.store.bulletins.getBulletins([
      ...new Set(entries.map((e) => e.bulletin_id)),
    ]);
    for (const entry of entries) {
      const record = records.get(entry.bulletin_id);
      const current = record === undefined ? false : await holdsPosition(deps, record, entry);
      if (record !== undefined && current && isVisibleTo(record, caller)) {
        if (items.length === limit) {
          // One more visible change exists: there is more, and the page ends before it.
          hasMore = true;
          break scan;
        }
        const size = sizeBound(record);
        if (items.length > 0 && bytes + size > FEED_MAX_PAGE_BYTES) {
          hasMore = true;
          break scan;
        }
        items.push(toSharedView(record, now));
        bytes += size;
        lastReturned = entry.seq;
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

  return {
    items,
    next_cursor: nextCursor(cursor, start, position, lastReturned, hasMore, items.length),
    has_more: hasMore,
  };
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
  count: number,
): string {
  if (count > 0 && lastReturned !== undefined)
    return encodeFeedCursor(hasMore ? lastReturned : scannedTo);
  if (hasMore && scannedTo > start) return encodeFeedCursor(scannedTo);
  return given ?? encodeFeedCursor(start);
}

/**
 * A TLP:RED bulletin is a notice in the feed: id, issuer, TLP, status, time, and a
 * revocation's reason of at most 1,000 characters (6 bytes each at worst, escaped).
 */
const RED_NOTICE_BOUND = 8 * 1024;

/**
 * An upper bound of an item's bytes in the page, without serialising it twice: its
 * JWS, the payload decoded from it (re-serialised JSON is never longer than the
 * compact JSON signed), the receipt and the few members around them.
 */
function sizeBound(record: BulletinRecord): number {
  if (record.tlp === "red") return RED_NOTICE_BOUND;
  return record.jws.length + Math.ceil((record.jws.length * 3) / 4) + record.receipt.length + 1024;
}

/** Whether this feed position is the change's own (claiming it if nobody has). */
async function holdsPosition(
  deps: Deps,
  record: BulletinRecord,
  entry: FeedEntry,
): Promise<boolean> {
  const state = record.changes[entry.change];
  if (state === undefined) return false;
  const claimed =
    state.seq ?? (await deps.store.bulletins.claimChangeSeq(record.id, entry.change, entry.seq));
  state.seq = claimed;
  return claimed === entry.seq;
}

export function encodeFeedCursor(position: number): string {
  return CURSOR_PREFIX + Buffer.from(String(position), "utf8").toString("base64url");
}

export function decodeFeedCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  if (cursor.startsWith(CURSOR_PREFIX)) {
    const text = Buffer.from(cursor.slice(CURSOR_PREFIX.length), "base64url").toString("utf8");
    if (/^(0|[1-9][0-9]{0,14})$/.test(text) && encodeFeedCursor(Number(text)) === cursor)
      return Number(text);
  }
  throw ValidationError.at("/cursor", "the cursor is not one this hub issued");
}
