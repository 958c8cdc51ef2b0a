/**
 * A {@link HashSource} over hash tiles: any complete subtree of a tree of `size` leaves
 * is one hash of a tile, or the perfect tree over up to 128 consecutive hashes of one.
 * Used by the hub (tiles from its store) and by verifiers (tiles checked against the
 * checkpoint first, see verified-tiles.ts); each tile is read once per request.
 */

import { LogError } from "./errors.js";
import { perfectTreeHash, pow2 } from "./subtrees.js";
import { hashInTile, TILE_HEIGHT, TILE_WIDTH, tileWidth } from "./tiles.js";
import type { HashSource, HashTileAddress, Subtree } from "./types.js";

/** Reads the bytes of one hash tile of exactly the address's width. */
export type HashTileReader = (tile: HashTileAddress) => Promise<Uint8Array>;

/** Where a subtree's hash lives: which tile, and which of its hashes fold into it. */
export interface SubtreeInTile {
  tile: HashTileAddress;
  /** The first hash of the tile that the subtree covers. */
  position: number;
  /** How many hashes (a power of two, at most 128) fold into the subtree's hash. */
  count: number;
}

/** Locates a subtree in the tiles of a tree of `size`; refuses one not complete in it. */
export function locateSubtree(subtree: Subtree, size: number): SubtreeInTile {
  const { level, index } = subtree;
  if (!Number.isInteger(level) || level < 0 || !Number.isSafeInteger(index) || index < 0) {
    throw new LogError("ERR_LOG_ARGUMENT", "A subtree has a non-negative level and index.");
  }
  if ((index + 1) * pow2(level) > size) {
    throw new LogError(
      "ERR_LOG_ARGUMENT",
      `Subtree ${index} of level ${level} is not complete in a tree of ${size} leaves.`,
    );
  }
  const tileLevel = Math.floor(level / TILE_HEIGHT);
  const count = pow2(level - tileLevel * TILE_HEIGHT);
  const first = index * count; // its first hash among all hashes of tileLevel
  const tileIndex = Math.floor(first / TILE_WIDTH);
  const width = tileWidth(tileLevel, tileIndex, size);
  return {
    tile: { level: tileLevel, index: tileIndex, width },
    position: first - tileIndex * TILE_WIDTH,
    count,
  };
}

/** The hash of a located subtree, given the bytes of its tile. */
export function subtreeHashInTile(where: SubtreeInTile, tile: Uint8Array): Uint8Array {
  if (where.count === 1) return hashInTile(tile, where.position);
  const hashes: Uint8Array[] = [];
  for (let i = 0; i < where.count; i += 1) hashes.push(hashInTile(tile, where.position + i));
  return perfectTreeHash(hashes);
}

function tileKey(tile: HashTileAddress): string {
  return `${tile.level}/${tile.index}/${tile.width}`;
}

/** A hash source for the tree of `size` leaves whose tiles `readTile` supplies. */
export function tileHashSource(size: number, readTile: HashTileReader): HashSource {
  return {
    async readHashes(subtrees) {
      const located = subtrees.map((subtree) => locateSubtree(subtree, size));
      const tiles = new Map<string, Promise<Uint8Array>>();
      for (const { tile } of located) {
        const key = tileKey(tile);
        if (!tiles.has(key)) tiles.set(key, readTile(tile));
      }
      const bytes = new Map<string, Uint8Array>();
      await Promise.all(
        [...tiles].map(async ([key, pending]) => {
          bytes.set(key, await pending);
        }),
      );
      return located.map((where) =>
        subtreeHashInTile(where, bytes.get(tileKey(where.tile)) as Uint8Array),
      );
    },
  };
}
