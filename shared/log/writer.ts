/**
 * The log's single writer (DESIGN §14), storage left to a port the hub implements: read
 * the head, read the committed changes after it in `seq` order, extend the tiles from
 * the stored right edge, store the new tiles (immutable, written before the head moves),
 * sign a checkpoint, and advance the head with a conditional write on its size. Two
 * writers racing append the same committed changes, so they write byte-identical tiles;
 * only one head write succeeds and the log never forks.
 */

import { signCheckpoint } from "./checkpoint.js";
import { LogError } from "./errors.js";
import { receiptLeafData } from "./leaves.js";
import type { NoteSigner } from "./note.js";
import { appendLeaves, type BuiltTile, EMPTY_EDGE, edgeFromTiles } from "./tile-builder.js";
import type { TileAddress, TreeHead } from "./types.js";

/** What the hub keeps about the log: its tree head and the checkpoint that signs it. */
export interface LogHead extends TreeHead {
  /** The signed checkpoint note of this head, served at `GET /v1/log/checkpoint`. */
  checkpoint: string;
  /**
   * When the checkpoint was signed (epoch milliseconds): the writer's schedule keeps one
   * checkpoint per second at most, and its age is what an operator watches.
   */
  signedAt: number;
}

/** A committed change, as the log needs it. */
export interface LoggedChange {
  seq: number;
  /** The change's receipt (compact JWS): the publish receipt or the change receipt. */
  receipt: string;
}

/** The storage the log writer needs; the hub implements it over its table (or a bucket). */
export interface LogStore {
  /** The current head, read strongly consistently; `undefined` before the first checkpoint. */
  readHead(): Promise<LogHead | undefined>;
  /**
   * Up to `limit` committed changes from `fromSeq` on, in `seq` order, stopping before
   * the first `seq` not committed yet (a gap is a change still in flight).
   */
  readChanges(fromSeq: number, limit: number): Promise<LoggedChange[]>;
  /** A stored tile or bundle's bytes; throws if it is not stored. */
  readTile(tile: TileAddress): Promise<Uint8Array>;
  /**
   * Stores tiles that are not stored yet (put-if-absent). A tile already stored holds
   * the same bytes — a racing writer built it from the same changes — and is left alone.
   */
  putTiles(tiles: readonly BuiltTile[]): Promise<void>;
  /**
   * Replaces the head if, and only if, its size is still `expectedSize` (0 and no head
   * for the first write); false when another writer moved it first.
   */
  advanceHead(expectedSize: number, next: LogHead): Promise<boolean>;
}

export interface ExtendLogOptions {
  origin: string;
  /** The log's key, or keys while the hub rotates its key (each signs every checkpoint). */
  signer: NoteSigner | readonly NoteSigner[];
  /** Most changes appended by one call (bounds the tiles written per step). */
  maxChanges?: number;
  /** The clock that stamps `signedAt` (default: the system's). */
  now?: () => Date;
}

export type ExtendLogResult =
  | { outcome: "extended"; head: LogHead; tiles: number }
  | { outcome: "up-to-date"; head: LogHead | undefined }
  | { outcome: "lost-race"; head: LogHead | undefined };

const DEFAULT_MAX_CHANGES = 1_000;

/**
 * Appends the committed changes after the head and signs a checkpoint of the new size.
 * Call it within a second of a change, at most once a second per hub.
 */
export async function extendLog(
  store: LogStore,
  options: ExtendLogOptions,
): Promise<ExtendLogResult> {
  const head = await store.readHead();
  const size = head?.size ?? 0;
  const changes = await store.readChanges(size, options.maxChanges ?? DEFAULT_MAX_CHANGES);
  if (changes.length === 0) return { outcome: "up-to-date", head };
  changes.forEach((change, i) => {
    if (change.seq !== size + i) {
      throw new LogError(
        "ERR_LOG_ARGUMENT",
        `The log at size ${size} was given change ${change.seq}, not ${size + i}.`,
      );
    }
  });
  const edge =
    head === undefined ? EMPTY_EDGE : await edgeFromTiles(head, (tile) => store.readTile(tile));
  const result = appendLeaves(
    edge,
    changes.map((change) => receiptLeafData(change.receipt)),
  );
  await store.putTiles(result.tiles);
  const next: LogHead = {
    size: result.edge.size,
    rootHash: result.rootHash,
    checkpoint: await signCheckpoint(
      { origin: options.origin, size: result.edge.size, rootHash: result.rootHash, extensions: [] },
      options.signer,
    ),
    signedAt: (options.now?.() ?? new Date()).getTime(),
  };
  if (!(await store.advanceHead(size, next))) return { outcome: "lost-race", head };
  return { outcome: "extended", head: next, tiles: result.tiles.length };
}
