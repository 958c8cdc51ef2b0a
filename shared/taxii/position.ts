/**
 * Where a TAXII page starts (§3.4): a place in the hub's log — the change at `seq`,
 * from its `skip`th candidate object on — given by `next`, by `added_after`, or both
 * (then the later of the two, so `next` keeps working beside the `added_after` of the
 * first request, as OpenCTI sends them). `added_after` becomes the first change whose
 * `at` is after it: `at` strictly increases with `seq` (DESIGN §10), so a search over
 * the log finds it, galloping back from the tail, where polling clients ask.
 */

import { BadRequestError } from "../errors/errors.js";
import type { HubDeps } from "../hub/deps.js";
import { compareTimestamps } from "../interop/history.js";

export interface Position {
  seq: number;
  /** Candidate objects of the change at `seq` already served. */
  skip: number;
}

export const START: Position = { seq: 0, skip: 0 };
const CURSOR_PREFIX = "t1.";
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

export function encodeNext(position: Position): string {
  return (
    CURSOR_PREFIX + Buffer.from(`${position.seq}:${position.skip}`, "utf8").toString("base64url")
  );
}

export function decodeNext(next: string): Position {
  if (next.startsWith(CURSOR_PREFIX)) {
    const text = Buffer.from(next.slice(CURSOR_PREFIX.length), "base64url").toString("utf8");
    const match = /^(0|[1-9][0-9]{0,14}):(0|[1-9][0-9]{0,4})$/.exec(text);
    if (match !== null) {
      const position = { seq: Number(match[1]), skip: Number(match[2]) };
      if (encodeNext(position) === next) return position;
    }
  }
  throw new BadRequestError("next is not a value this hub issued: send the next of the last page.");
}

/** A TAXII timestamp: RFC 3339 in UTC (`Z`), as TAXII and STIX write them. */
export function parseTimestamp(name: string, value: string): string {
  if (!RFC3339.test(value) || Number.isNaN(Date.parse(value))) {
    throw new BadRequestError(`${name} must be a timestamp such as 2026-01-01T00:00:00.000Z.`);
  }
  return value;
}

export function laterOf(a: Position, b: Position): Position {
  if (a.seq !== b.seq) return a.seq > b.seq ? a : b;
  return a.skip >= b.skip ? a : b;
}

/** The first change added after `timestamp` (the log's length when there is none). */
export async function firstChangeAfter(
  deps: Pick<HubDeps, "store">,
  timestamp: string,
): Promise<number> {
  const changes = deps.store.changes;
  const tail = await changes.lastChange();
  if (tail === undefined || compareTimestamps(tail.at, timestamp) <= 0) {
    return tail === undefined ? 0 : tail.seq + 1;
  }
  const isAfter = async (seq: number): Promise<boolean> => {
    const [entry] = await changes.changesAfter(seq - 1, 1);
    return entry === undefined || compareTimestamps(entry.at, timestamp) > 0;
  };
  // Gallop back from the tail to a change at or before the timestamp, then bisect.
  let after = tail.seq;
  let step = 1;
  let before = -1;
  while (after > 0) {
    const probe = Math.max(0, after - step);
    if (await isAfter(probe)) {
      after = probe;
      step *= 2;
    } else {
      before = probe;
      break;
    }
  }
  while (after - before > 1) {
    const middle = Math.floor((before + after) / 2);
    if (await isAfter(middle)) after = middle;
    else before = middle;
  }
  return after;
}
