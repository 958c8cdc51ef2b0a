/**
 * Types shared by the transparency log's modules (DESIGN §14) and their callers: tree
 * heads, the complete subtrees that proofs are made of, where hashes come from, and
 * tile addresses. Plain data only, so the hub, the SDK and a browser share them.
 */

/** Every hash in the log is a SHA-256 digest. */
export const HASH_SIZE = 32;

/** What a checkpoint commits to: the number of leaves and the RFC 6962 root over them. */
export interface TreeHead {
  size: number;
  rootHash: Uint8Array;
}

/**
 * A complete (perfect) subtree of the log: the 2^`level` leaves that start at leaf
 * `index · 2^level`. Every hash a proof needs is one of these, or the fold of a few.
 */
export interface Subtree {
  level: number;
  index: number;
}

/**
 * Where hashes come from: the hub's stored tiles, a verifying HTTP reader, or a tree in
 * memory. Asked for many subtrees at once so a tile-backed source fetches each tile once.
 * Answers the hashes in the order asked.
 */
export interface HashSource {
  readHashes(subtrees: readonly Subtree[]): Promise<Uint8Array[]>;
}

/**
 * A C2SP tlog-tiles hash tile: at `level` L, tile `index` N holds the hashes of the
 * complete subtrees of 256^L leaves numbered N·256 … N·256 + width − 1. `width` is 256
 * for a full tile, 1–255 for a partial one.
 */
export interface HashTileAddress {
  level: number;
  index: number;
  width: number;
}

/** An entry bundle: the leaf data of leaves N·256 … N·256 + width − 1. */
export interface EntryBundleAddress {
  level: "entries";
  index: number;
  width: number;
}

export type TileAddress = HashTileAddress | EntryBundleAddress;
