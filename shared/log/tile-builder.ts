/**
 * The incremental tile builder: from the right edge of the tree (its partial tiles,
 * which is all a writer needs) and new leaf data, the tiles and entry bundles to store
 * and the new root. A pure function of its input, so two writers that append the same
 * leaves to the same edge produce byte-identical tiles at identical paths — the hub
 * stores tiles as immutable items and then advances the log head with a conditional
 * write; the loser of a race has written nothing that differs.
 *
 * The leaves must be the committed changes in `seq` order (leaf index = seq), never a
 * writer's own batch: that is what makes the output the same for every writer.
 */

import { decodeEntryBundle, encodeEntryBundle, MAX_ENTRY_BYTES } from "./entry-bundle.js";
import { LogError } from "./errors.js";
import { assertHash, EMPTY_ROOT, hashesEqual, leafHash } from "./hashing.js";
import { assertTreeSize, foldRange, perfectTreeHash, rangeSubtrees } from "./subtrees.js";
import { locateSubtree, subtreeHashInTile } from "./tile-source.js";
import {
  concatHashes,
  hashesAtLevel,
  partialTiles,
  TILE_WIDTH,
  tileHashes,
  tileLevels,
  tilePath,
} from "./tiles.js";
import type { HashTileAddress, TileAddress, TreeHead } from "./types.js";

/**
 * The right edge of a tree of `size` leaves: at each level, the hashes of its partial
 * tile (empty where the level's last tile is full or absent), and the leaf data of its
 * partial entry bundle.
 */
export interface LogEdge {
  size: number;
  /** `levels[L]` = the floor(size / 256^L) mod 256 hashes of level L's partial tile. */
  levels: readonly (readonly Uint8Array[])[];
  /** The size mod 256 leaf data of the partial entry bundle. */
  entries: readonly Uint8Array[];
}

/** One tile or entry bundle to store, with its path below the log prefix. */
export interface BuiltTile {
  address: TileAddress;
  path: string;
  bytes: Uint8Array;
}

export interface AppendResult {
  /** The edge of the new tree: the input of the next append. */
  edge: LogEdge;
  rootHash: Uint8Array;
  /** Full tiles completed and partial tiles of the new size, in a fixed order. */
  tiles: BuiltTile[];
}

export const EMPTY_EDGE: LogEdge = Object.freeze({ size: 0, levels: [], entries: [] });

function assertEdge(edge: LogEdge): void {
  assertTreeSize(edge.size, "The edge's tree size");
  const wrong = () =>
    new LogError("ERR_LOG_ARGUMENT", `The edge does not fit a tree of ${edge.size} leaves.`);
  if (edge.entries.length !== edge.size % TILE_WIDTH) throw wrong();
  const levelCount = Math.max(edge.levels.length, tileLevels(edge.size).length);
  for (let level = 0; level < levelCount; level += 1) {
    const hashes = edge.levels[level] ?? [];
    if (hashes.length !== hashesAtLevel(level, edge.size) % TILE_WIDTH) throw wrong();
    for (const hash of hashes) assertHash(hash, "An edge hash");
  }
}

/** The root of the tree whose right edge this is (all the root needs). */
export function edgeRoot(edge: LogEdge): Uint8Array {
  if (edge.size === 0) return EMPTY_ROOT;
  const hashes = rangeSubtrees({ start: 0, end: edge.size }).map((subtree) => {
    const where = locateSubtree(subtree, edge.size);
    const partial = edge.levels[where.tile.level] ?? [];
    return subtreeHashInTile(where, concatHashes(partial));
  });
  return foldRange(hashes);
}

/** Appends `leaves` (leaf data, in seq order) to the tree whose right edge is `edge`. */
export function appendLeaves(edge: LogEdge, leaves: readonly Uint8Array[]): AppendResult {
  assertEdge(edge);
  for (const leaf of leaves) {
    if (!(leaf instanceof Uint8Array) || leaf.length > MAX_ENTRY_BYTES) {
      throw new LogError("ERR_LOG_ARGUMENT", `Leaf data is at most ${MAX_ENTRY_BYTES} bytes.`);
    }
  }
  assertTreeSize(edge.size + leaves.length, "The new tree size");
  const levels: Uint8Array[][] = edge.levels.map((hashes) => [...hashes]);
  const entries: Uint8Array[] = [...edge.entries];
  const tiles: BuiltTile[] = [];
  let size = edge.size;
  const emit = (address: TileAddress, bytes: Uint8Array) =>
    tiles.push({ address, path: tilePath(address), bytes });

  for (const leaf of leaves) {
    const tileIndex = Math.floor(size / TILE_WIDTH);
    entries.push(leaf);
    if (entries.length === TILE_WIDTH) {
      emit({ level: "entries", index: tileIndex, width: TILE_WIDTH }, encodeEntryBundle(entries));
      entries.length = 0;
    }
    let hash = leafHash(leaf);
    let level = 0;
    let index = tileIndex; // the index of the tile at `level` that `hash` joins
    for (;;) {
      const row = levels[level] ?? [];
      levels[level] = row;
      row.push(hash);
      if (row.length < TILE_WIDTH) break;
      emit({ level, index, width: TILE_WIDTH }, concatHashes(row));
      hash = perfectTreeHash(row);
      row.length = 0;
      level += 1;
      index = Math.floor(index / TILE_WIDTH);
    }
    size += 1;
  }

  const next: LogEdge = { size, levels: trimLevels(levels), entries };
  if (size !== edge.size) {
    const before = new Set(partialTiles(edge.size).map(tilePath));
    for (const address of partialTiles(size)) {
      const path = tilePath(address);
      if (before.has(path)) continue; // unchanged partial: already stored
      const bytes =
        address.level === "entries"
          ? encodeEntryBundle(entries)
          : concatHashes(levels[address.level] ?? []);
      tiles.push({ address, path, bytes });
    }
  }
  return { edge: next, rootHash: edgeRoot(next), tiles };
}

/** Drops empty levels above the last non-empty one, so equal trees have equal edges. */
function trimLevels(levels: Uint8Array[][]): Uint8Array[][] {
  const trimmed = [...levels];
  while (trimmed.length > 0 && (trimmed.at(-1) as Uint8Array[]).length === 0) trimmed.pop();
  return trimmed;
}

/**
 * Rebuilds the right edge of the tree `head` from its stored partial tiles and checks it
 * against the head's root, so a writer never appends to a corrupted edge.
 */
export async function edgeFromTiles(
  head: TreeHead,
  readTile: (tile: TileAddress) => Promise<Uint8Array>,
): Promise<LogEdge> {
  assertTreeSize(head.size);
  const levels: Uint8Array[][] = [];
  let entries: Uint8Array[] = [];
  for (const address of partialTiles(head.size)) {
    const bytes = await readTile(address);
    if (address.level === "entries") {
      entries = decodeEntryBundle(bytes);
      if (entries.length !== address.width) {
        throw new LogError("ERR_LOG_TILE_INVALID", `Bundle ${tilePath(address)} is malformed.`);
      }
    } else {
      levels[address.level] = tileHashes(bytes, address as HashTileAddress);
    }
  }
  for (let level = 0; level < levels.length; level += 1) levels[level] ??= [];
  const edge: LogEdge = { size: head.size, levels: trimLevels(levels), entries };
  if (!hashesEqual(edgeRoot(edge), head.rootHash)) {
    throw new LogError("ERR_LOG_TILE_INVALID", "The stored edge does not match the log head.");
  }
  const level0 = edge.levels[0] ?? [];
  entries.forEach((entry, i) => {
    if (!hashesEqual(leafHash(entry), level0[i] as Uint8Array)) {
      throw new LogError("ERR_LOG_TILE_INVALID", "The stored entries do not match their tile.");
    }
  });
  return edge;
}
