/**
 * Reading a log's tiles without trusting whoever serves them (DESIGN §14). Every tile
 * is checked before any hash of it is used: the partial tiles of the checkpoint's size
 * must recompute the checkpoint's root, and every full tile must hash to its entry in
 * its parent tile, itself checked the same way up to the root. Entry bundles must hash
 * to their level-0 tile. (Go x/mod 0.7.0's TileHashReader is not relied on for this.)
 *
 * The fetching is injected — an HTTP client in the SDK, the store in tests — so this
 * stays pure and runs in browsers.
 */

import { decodeEntryBundle } from "./entry-bundle.js";
import { LogError } from "./errors.js";
import { hashesEqual, leafHash } from "./hashing.js";
import { foldRange, perfectTreeHash, rangeSubtrees } from "./subtrees.js";
import { locateSubtree, subtreeHashInTile, tileHashSource } from "./tile-source.js";
import {
  FULL_TILE_BYTES,
  hashInTile,
  partialTiles,
  TILE_WIDTH,
  tileHashes,
  tilePath,
  tileWidth,
} from "./tiles.js";
import {
  HASH_SIZE,
  type HashSource,
  type HashTileAddress,
  type TileAddress,
  type TreeHead,
} from "./types.js";

/**
 * Fetches a tile or bundle's bytes, or `undefined` when the log has no such resource
 * (HTTP 404). Any other failure should throw `ERR_LOG_FETCH`.
 */
export type TileFetcher = (tile: TileAddress) => Promise<Uint8Array | undefined>;

/** Level-0 tiles and bundles are many; keep only the most recent few of them. */
const LEAF_TILE_CACHE = 64;

function invalid(tile: TileAddress, why: string): LogError {
  return new LogError("ERR_LOG_TILE_INVALID", `Tile ${tilePath(tile)} ${why}`);
}

export class VerifiedTileReader {
  readonly head: TreeHead;
  readonly #fetch: TileFetcher;
  /** Checked tiles above level 0, and the checked right edge: few, kept for the reader's life. */
  readonly #upper = new Map<string, Promise<Uint8Array>>();
  readonly #leafTiles = new Map<string, Promise<Uint8Array>>();
  #edge: Promise<Map<string, Uint8Array>> | undefined;

  constructor(head: TreeHead, fetchTile: TileFetcher) {
    this.head = head;
    this.#fetch = fetchTile;
  }

  /** A hash source over checked tiles: proofs built from it need no further trust. */
  hashSource(): HashSource {
    return tileHashSource(this.head.size, (tile) => this.readTile(tile));
  }

  /** The bytes of a hash tile of the checkpoint's tree, checked before they are returned. */
  async readTile(tile: HashTileAddress): Promise<Uint8Array> {
    const width = tileWidth(tile.level, tile.index, this.head.size);
    if (width === 0 || width !== tile.width) {
      throw new LogError(
        "ERR_LOG_ARGUMENT",
        `The tree of ${this.head.size} has no ${tilePath(tile)}.`,
      );
    }
    if (width < TILE_WIDTH) {
      const edge = await this.#checkedEdge();
      return edge.get(tilePath(tile)) as Uint8Array;
    }
    const cache = tile.level === 0 ? this.#leafTiles : this.#upper;
    const key = tilePath(tile);
    let pending = cache.get(key);
    if (pending === undefined) {
      pending = this.#checkFullTile(tile);
      cache.set(key, pending);
      pending.catch(() => cache.delete(key));
      if (cache === this.#leafTiles && cache.size > LEAF_TILE_CACHE) {
        cache.delete(cache.keys().next().value as string);
      }
    }
    return pending;
  }

  /** The leaf hash of leaf `index`, from its checked level-0 tile. */
  async leafHash(index: number): Promise<Uint8Array> {
    const [hash] = await this.hashSource().readHashes([{ level: 0, index }]);
    return hash as Uint8Array;
  }

  /** The leaf data of entry bundle `index`, each entry checked against its tile. */
  async readEntries(index: number): Promise<Uint8Array[]> {
    const width = tileWidth("entries", index, this.head.size);
    if (width === 0) {
      throw new LogError(
        "ERR_LOG_ARGUMENT",
        `The tree of ${this.head.size} has no bundle ${index}.`,
      );
    }
    const address: TileAddress = { level: "entries", index, width };
    const [bytes, tile] = await Promise.all([
      this.#fetchWithFallback(address),
      this.readTile({ level: 0, index, width }),
    ]);
    const entries = decodeEntryBundle(bytes);
    // A full bundle may stand in for a partial one that is no longer served.
    if (entries.length < width || (entries.length > width && entries.length !== TILE_WIDTH)) {
      throw invalid(address, `has ${entries.length} entries, not ${width}.`);
    }
    const used = entries.slice(0, width);
    used.forEach((entry, i) => {
      if (!hashesEqual(leafHash(entry), hashInTile(tile, i))) {
        throw invalid(address, `has an entry that is not leaf ${index * TILE_WIDTH + i}.`);
      }
    });
    return used;
  }

  /**
   * The partial tiles of the checkpoint's size, checked by recomputing the root from
   * them: the root is the fold of complete subtrees that all lie in those tiles.
   */
  #checkedEdge(): Promise<Map<string, Uint8Array>> {
    this.#edge ??= this.#loadEdge();
    this.#edge.catch(() => {
      this.#edge = undefined;
    });
    return this.#edge;
  }

  async #loadEdge(): Promise<Map<string, Uint8Array>> {
    const tiles = partialTiles(this.head.size).filter(
      (tile): tile is HashTileAddress => tile.level !== "entries",
    );
    const fetched = await Promise.all(tiles.map((tile) => this.#fetchWithFallback(tile)));
    const edge = new Map<string, Uint8Array>();
    tiles.forEach((tile, i) => {
      const bytes = fetched[i] as Uint8Array;
      // A full tile may stand in for a partial one that is no longer served.
      if (bytes.length !== tile.width * HASH_SIZE && bytes.length !== FULL_TILE_BYTES) {
        throw invalid(tile, `has ${bytes.length} bytes.`);
      }
      edge.set(tilePath(tile), bytes.slice(0, tile.width * HASH_SIZE));
    });
    const root = foldRange(
      rangeSubtrees({ start: 0, end: this.head.size }).map((subtree) => {
        const where = locateSubtree(subtree, this.head.size);
        return subtreeHashInTile(where, edge.get(tilePath(where.tile)) as Uint8Array);
      }),
    );
    if (!hashesEqual(root, this.head.rootHash)) {
      throw new LogError(
        "ERR_LOG_TILE_INVALID",
        `The log's partial tiles do not match the checkpoint's root for size ${this.head.size}.`,
      );
    }
    return edge;
  }

  /** A full tile, checked against its hash in the (checked) tile above it. */
  async #checkFullTile(tile: HashTileAddress): Promise<Uint8Array> {
    const parent: HashTileAddress = {
      level: tile.level + 1,
      index: Math.floor(tile.index / TILE_WIDTH),
      width: tileWidth(tile.level + 1, Math.floor(tile.index / TILE_WIDTH), this.head.size),
    };
    const [bytes, parentBytes] = await Promise.all([
      this.#fetchOrFail(tile),
      this.readTile(parent),
    ]);
    const hashes = tileHashes(bytes, tile);
    const expected = hashInTile(parentBytes, tile.index % TILE_WIDTH);
    if (!hashesEqual(perfectTreeHash(hashes), expected)) {
      throw invalid(tile, "does not match its hash in the tile above it.");
    }
    return bytes;
  }

  async #fetchOrFail(tile: TileAddress): Promise<Uint8Array> {
    const bytes = await this.#fetch(tile);
    if (bytes === undefined) {
      throw new LogError("ERR_LOG_FETCH", `The log does not serve ${tilePath(tile)}.`);
    }
    return bytes;
  }

  /** A partial tile, or the full tile that replaced it (C2SP allows deleting partials). */
  async #fetchWithFallback(tile: TileAddress): Promise<Uint8Array> {
    if (tile.width === TILE_WIDTH) return this.#fetchOrFail(tile);
    const partial = await this.#fetch(tile);
    if (partial !== undefined) return partial;
    return this.#fetchOrFail({ ...tile, width: TILE_WIDTH });
  }
}
