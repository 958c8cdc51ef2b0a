/**
 * C2SP tlog-tiles addressing, height 8: which tiles and entry bundles a tree of a given
 * size has, their paths (`tile/<L>/<N>[.p/<W>]`, `tile/entries/<N>[.p/<W>]`, with
 * `<N>` as `x001/x234/067`), and reading hashes out of a tile's bytes.
 *
 * At level L, tile N holds the hashes of the complete subtrees of 256^L leaves numbered
 * N·256 … N·256 + 255; a tree of size s has floor(s / 256^(L+1)) full tiles at level L
 * and one partial tile of width floor(s / 256^L) mod 256 when that is not 0.
 */

import { LogError } from "./errors.js";
import { assertTreeSize } from "./subtrees.js";
import {
  type EntryBundleAddress,
  HASH_SIZE,
  type HashTileAddress,
  type TileAddress,
} from "./types.js";

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;
/** A full hash tile is 256 hashes: 8,192 bytes. */
export const FULL_TILE_BYTES = TILE_WIDTH * HASH_SIZE;
/** The spec's bound on `<L>`. */
export const MAX_TILE_LEVEL = 63;

/** 256^level: how many leaves one hash of a level-`level` tile covers. */
export function leavesPerHash(level: number): number {
  return TILE_WIDTH ** level;
}

/** How many hashes level `level` holds for a tree of `size` leaves (full and partial tiles). */
export function hashesAtLevel(level: number, size: number): number {
  return Math.floor(size / leavesPerHash(level));
}

/**
 * The width of tile `index` at `level` in a tree of `size` leaves (256 when full), or 0
 * when the tree has no such tile. Level "entries" counts like level 0.
 */
export function tileWidth(level: number | "entries", index: number, size: number): number {
  const count = hashesAtLevel(level === "entries" ? 0 : level, size);
  return Math.max(0, Math.min(TILE_WIDTH, count - index * TILE_WIDTH));
}

/** The levels a tree of `size` leaves has tiles at: 0 up to the last with a hash. */
export function tileLevels(size: number): number[] {
  assertTreeSize(size);
  const levels: number[] = [];
  for (let level = 0; hashesAtLevel(level, size) >= 1; level += 1) levels.push(level);
  return levels;
}

/**
 * The partial tiles (and the partial entry bundle) of a tree of `size` leaves: the
 * tree's right edge. Every checkpoint's partial tiles are served, and from them alone a
 * writer can append and a reader can recompute the root.
 */
export function partialTiles(size: number): TileAddress[] {
  const tiles: TileAddress[] = [];
  for (const level of tileLevels(size)) {
    const width = hashesAtLevel(level, size) % TILE_WIDTH;
    const index = Math.floor(hashesAtLevel(level, size) / TILE_WIDTH);
    if (width === 0) continue;
    if (level === 0) tiles.push({ level: "entries", index, width });
    tiles.push({ level, index, width });
  }
  return tiles;
}

/**
 * The tiles and bundles a tree of `newSize` has that one of `oldSize` had not: the full
 * tiles completed in between and the partial tiles at `newSize`. In path order within
 * each level, entry bundles first, then levels upwards.
 */
export function tilesAdded(oldSize: number, newSize: number): TileAddress[] {
  assertTreeSize(oldSize);
  assertTreeSize(newSize);
  if (newSize < oldSize) throw new LogError("ERR_LOG_ARGUMENT", "A log never shrinks.");
  const added: TileAddress[] = [];
  for (const level of tileLevels(newSize)) {
    const oldCount = hashesAtLevel(level, oldSize);
    const newCount = hashesAtLevel(level, newSize);
    if (newCount === oldCount) continue;
    const firstChanged = Math.floor(oldCount / TILE_WIDTH);
    const lastIndex = Math.floor((newCount - 1) / TILE_WIDTH);
    for (let index = firstChanged; index <= lastIndex; index += 1) {
      const width = tileWidth(level, index, newSize);
      if (level === 0) added.push({ level: "entries", index, width });
      added.push({ level, index, width });
    }
  }
  return added;
}

/** Every tile and bundle of a tree of `size` leaves, full and partial (tests, mirrors). */
export function* allTiles(size: number): Generator<TileAddress> {
  for (const level of tileLevels(size)) {
    const count = hashesAtLevel(level, size);
    const tiles = Math.ceil(count / TILE_WIDTH);
    for (let index = 0; index < tiles; index += 1) {
      const width = tileWidth(level, index, size);
      if (level === 0) yield { level: "entries", index, width };
      yield { level, index, width };
    }
  }
}

// ---------------------------------------------------------------------------------
// Paths

/** `<N>` in the spec's form: 3-digit groups, all but the last prefixed with `x`. */
export function formatTileIndex(index: number): string {
  if (!Number.isSafeInteger(index) || index < 0) {
    throw new LogError("ERR_LOG_ARGUMENT", "A tile index is a non-negative safe integer.");
  }
  const groups: string[] = [];
  let rest = index;
  do {
    groups.unshift(String(rest % 1000).padStart(3, "0"));
    rest = Math.floor(rest / 1000);
  } while (rest > 0);
  return groups.map((group, i) => (i < groups.length - 1 ? `x${group}` : group)).join("/");
}

/** The tile's path below the log prefix, e.g. `tile/0/x001/x234/067.p/8`. */
export function tilePath(tile: TileAddress): string {
  if (!Number.isInteger(tile.width) || tile.width < 1 || tile.width > TILE_WIDTH) {
    throw new LogError("ERR_LOG_ARGUMENT", "A tile's width is 1 to 256.");
  }
  if (tile.level !== "entries" && !isLevel(tile.level)) {
    throw new LogError("ERR_LOG_ARGUMENT", `A tile level is 0 to ${MAX_TILE_LEVEL}.`);
  }
  const partial = tile.width === TILE_WIDTH ? "" : `.p/${tile.width}`;
  return `tile/${tile.level}/${formatTileIndex(tile.index)}${partial}`;
}

function isLevel(level: number): boolean {
  return Number.isInteger(level) && level >= 0 && level <= MAX_TILE_LEVEL;
}

const TILE_PATH =
  /^tile\/(entries|0|[1-9][0-9]?)\/((?:x[0-9]{3}\/)*[0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/;

/**
 * Parses a tile path (below the log prefix) in its one canonical spelling: no leading
 * `x000/` groups, no leading zeros in `<L>` or `<W>`, `<W>` at most 255.
 */
export function parseTilePath(path: string): TileAddress {
  const match = TILE_PATH.exec(path);
  const refused = () => new LogError("ERR_LOG_TILE_PATH", "This is not a tlog-tiles path.");
  if (match === null) throw refused();
  const [, levelText, indexText, widthText] = match as unknown as [string, string, string, string?];
  const index = Number(indexText.replaceAll("x", "").replaceAll("/", ""));
  if (!Number.isSafeInteger(index) || formatTileIndex(index) !== indexText) throw refused();
  const width = widthText === undefined ? TILE_WIDTH : Number(widthText);
  if (widthText !== undefined && width >= TILE_WIDTH) throw refused();
  if (levelText === "entries") return { level: "entries", index, width };
  const level = Number(levelText);
  if (!isLevel(level)) throw refused();
  return { level, index, width };
}

// ---------------------------------------------------------------------------------
// Tile contents

/** Hash `position` of a hash tile's bytes. */
export function hashInTile(tile: Uint8Array, position: number): Uint8Array {
  const start = position * HASH_SIZE;
  if (position < 0 || start + HASH_SIZE > tile.length) {
    throw new LogError(
      "ERR_LOG_ARGUMENT",
      `A tile of ${tile.length} bytes has no hash ${position}.`,
    );
  }
  return tile.subarray(start, start + HASH_SIZE);
}

/** The hashes of a hash tile, refusing bytes that are not exactly `width` hashes. */
export function tileHashes(tile: Uint8Array, address: HashTileAddress): Uint8Array[] {
  if (tile.length !== address.width * HASH_SIZE) {
    throw new LogError(
      "ERR_LOG_TILE_INVALID",
      `Tile ${tilePath(address)} has ${tile.length} bytes, not ${address.width * HASH_SIZE}.`,
    );
  }
  const hashes: Uint8Array[] = [];
  for (let i = 0; i < address.width; i += 1) hashes.push(hashInTile(tile, i));
  return hashes;
}

export function concatHashes(hashes: readonly Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(hashes.length * HASH_SIZE);
  hashes.forEach((hash, i) => {
    bytes.set(hash, i * HASH_SIZE);
  });
  return bytes;
}

export function isHashTile(tile: TileAddress): tile is HashTileAddress {
  return tile.level !== "entries";
}

export function isEntryBundle(tile: TileAddress): tile is EntryBundleAddress {
  return tile.level === "entries";
}
