/**
 * A page of the collection (TAXII §5.3 objects, §5.6 manifest): the reader's visible
 * changes in log order from a position, each contributing the objects it adds
 * (change-objects.ts), until `limit`. A page ends between two changes unless a single
 * change holds more than `limit` objects, so `X-TAXII-Date-Added-Last` is always safe
 * as the next `added_after`. `more` comes with `next` exactly when more may follow.
 *
 * Work per request is bounded: at most MAX_SCAN log entries (in queries of 100, growing
 * to 1,000 while they hold nothing the reader may see), bulletins read in growing chunks while the page has room, at most
 * MAX_READ_BYTES of them (by the log's size bound of each) — beyond the first chunk,
 * which is always read, so every request makes progress — and one batched read of
 * introductions per chunk (plus one write for each that is new).
 */
import type { LoggedChange } from "../changes/types.js";
import type { HubDeps } from "../hub/deps.js";
import {
  type ChangeMaterial,
  candidatesOf,
  materialsOf,
  occurrencesOf,
  type ServedObject,
  servedOf,
} from "./change-objects.js";
import type { Filters } from "./filters.js";
import { introduce } from "./introductions.js";
import { encodeNext, type Position } from "./position.js";
import { type ExportReader, isReadBy } from "./reader.js";

export const MAX_SCAN = 10_000;
/** Log entries per query: few at first (a page needs few changes), more while none is visible. */
const FIRST_SCAN_BATCH = 100;
const MAX_SCAN_BATCH = 1000;
const PROBE_BATCH = 10;
/** Bulletins read first; later chunks are sized by what the changes read so far served. */
const FIRST_CHUNK = 4;
const MAX_CHUNK = 100;
export const MAX_READ_BYTES = 8 * 1000 * 1000;

export interface CollectionPage {
  objects: ServedObject[];
  more: boolean;
  /** Set exactly when `more` is. */
  next?: string;
}

type Deps = Pick<HubDeps, "store" | "clock">;

export async function readCollectionPage(
  deps: Deps,
  reader: ExportReader,
  start: Position,
  limit: number,
  filters: Filters,
): Promise<CollectionPage> {
  const objects: ServedObject[] = [];
  const now = deps.clock.now();
  let after = start.seq - 1;
  let scanned = 0;
  let readBytes = 0;
  let chunkSize = FIRST_CHUNK;
  let changesRead = 0;
  const page = (next: Position | undefined): CollectionPage =>
    next === undefined ? { objects, more: false } : { objects, more: true, next: encodeNext(next) };

  let scanBatch = FIRST_SCAN_BATCH;
  while (true) {
    const batch = Math.min(scanBatch, MAX_SCAN - scanned);
    const entries = await deps.store.changes.changesAfter(after, batch);
    scanned += entries.length;
    const visible = entries.filter((entry) => isReadBy(entry, reader));
    if (visible.length === 0) scanBatch = Math.min(MAX_SCAN_BATCH, scanBatch * 2);
    for (let from = 0; from < visible.length; ) {
      if (readBytes >= MAX_READ_BYTES)
        return page({ seq: (visible[from] as LoggedChange).seq, skip: 0 });
      const chunk = takeChunk(visible, from, chunkSize, MAX_READ_BYTES - readBytes);
      readBytes += chunk.reduce((sum, entry) => sum + entry.view_bytes, 0);
      from += chunk.length;
      const materials = await materialsOf(deps, reader, chunk);
      const changes = materials.map((material) => ({
        material,
        candidates: candidatesOf(material, now),
      }));
      const servedAt = await introduce(
        deps,
        reader,
        changes.flatMap(({ material, candidates }) =>
          occurrencesOf(material.entry, candidates, reader),
        ),
      );
      for (const { material, candidates } of changes) {
        const stop = addChange(objects, material, candidates, filters, servedAt, start, limit);
        if (stop === "full") {
          const more = await hasMoreAfter(
            deps,
            reader,
            material.entry.seq,
            entries,
            batch,
            scanned,
          );
          return page(more ? { seq: material.entry.seq + 1, skip: 0 } : undefined);
        }
        if (stop !== undefined) return page(stop);
      }
      changesRead += chunk.length;
      chunkSize = nextChunkSize(chunkSize, objects.length, changesRead, limit);
    }
    const last = entries.at(-1);
    if (last !== undefined) after = last.seq;
    if (entries.length < batch) return page(undefined);
    if (scanned >= MAX_SCAN) return page({ seq: after + 1, skip: 0 });
  }
}

/**
 * Adds what one change serves. Answers where the page ends: "full" right after this
 * change, a position inside or before it, or undefined to go on.
 */
function addChange(
  objects: ServedObject[],
  material: ChangeMaterial,
  candidates: ReturnType<typeof candidatesOf>,
  filters: Filters,
  servedAt: ReadonlyMap<string, number>,
  start: Position,
  limit: number,
): Position | "full" | undefined {
  const seq = material.entry.seq;
  const skip = seq === start.seq ? start.skip : 0;
  const served = servedOf(material.entry, candidates, filters, servedAt).filter(
    ({ place }) => place >= skip,
  );
  if (served.length === 0) return undefined;
  const room = limit - objects.length;
  if (served.length > room) {
    // A page ends between changes, unless this change alone is larger than a page.
    if (objects.length > 0) return { seq, skip: 0 };
    objects.push(...served.slice(0, room).map(({ served }) => served));
    return { seq, skip: (served[room] as { place: number }).place };
  }
  objects.push(...served.map(({ served }) => served));
  return objects.length === limit ? "full" : undefined;
}

/** Enough changes to fill the page at the rate served so far (twice as many when none served). */
function nextChunkSize(last: number, served: number, changes: number, limit: number): number {
  if (served === 0) return Math.min(MAX_CHUNK, last * 2);
  const perChange = served / changes;
  const wanted = Math.ceil(((limit - served) / perChange) * 1.25) + 1;
  return Math.max(1, Math.min(MAX_CHUNK, wanted));
}

/** Entries from `from`, at most `size`, and within the byte budget (the first always). */
function takeChunk(
  visible: readonly LoggedChange[],
  from: number,
  size: number,
  bytesLeft: number,
): LoggedChange[] {
  const chunk: LoggedChange[] = [];
  let bytes = 0;
  for (let i = from; i < visible.length && chunk.length < size; i++) {
    const entry = visible[i] as LoggedChange;
    if (chunk.length > 0 && bytes + entry.view_bytes > bytesLeft) break;
    chunk.push(entry);
    bytes += entry.view_bytes;
  }
  return chunk;
}

/**
 * Whether any change the reader may see follows `seq`: the rest of the batch in hand,
 * then the log, within the scan budget (past it, there may be).
 */
async function hasMoreAfter(
  deps: Deps,
  reader: ExportReader,
  seq: number,
  batch: readonly LoggedChange[],
  asked: number,
  scanned: number,
): Promise<boolean> {
  if (batch.some((entry) => entry.seq > seq && isReadBy(entry, reader))) return true;
  if (batch.length < asked) return false;
  let after = batch.at(-1)?.seq ?? seq;
  let size = PROBE_BATCH;
  let budget = MAX_SCAN - scanned;
  while (budget > 0) {
    const probe = Math.min(size, budget);
    const entries = await deps.store.changes.changesAfter(after, probe);
    if (entries.some((entry) => isReadBy(entry, reader))) return true;
    if (entries.length < probe) return false;
    budget -= entries.length;
    after = (entries.at(-1) as LoggedChange).seq;
    size = Math.min(MAX_SCAN_BATCH, size * 10);
  }
  return true;
}
