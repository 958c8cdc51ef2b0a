/**
 * The arithmetic of RFC 6962 trees: which complete subtrees make up a range of leaves,
 * and how their hashes fold into the range's Merkle Tree Hash. Sizes and indexes are
 * JavaScript numbers, so no bitwise operator appears here (they truncate to 32 bits);
 * a log of 2^53 changes is far beyond any hub.
 */

import { LogError } from "./errors.js";
import { nodeHash } from "./hashing.js";
import type { Subtree } from "./types.js";

/** A half-open range of leaves [start, end). */
export interface LeafRange {
  start: number;
  end: number;
}

export function assertTreeSize(size: number, what = "The tree size"): void {
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new LogError("ERR_LOG_ARGUMENT", `${what} must be a non-negative safe integer.`);
  }
}

/** The largest power of two strictly below `n` (n ≥ 2): RFC 6962's split point k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export function isPowerOfTwo(n: number): boolean {
  if (n < 1) return false;
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}

/** 2^level as a number (exact up to 2^53). */
export function pow2(level: number): number {
  return 2 ** level;
}

/**
 * The complete subtrees, left to right, whose hashes fold into MTH(D[start:end]). For
 * the ranges RFC 6962 proofs use (start aligned to every power of two up to the
 * range's length) this is the RFC's own recursive split; the largest aligned subtree is
 * taken at each step.
 */
export function rangeSubtrees(range: LeafRange): Subtree[] {
  const subtrees: Subtree[] = [];
  let start = range.start;
  while (start < range.end) {
    let level = 0;
    while (start % pow2(level + 1) === 0 && start + pow2(level + 1) <= range.end) level += 1;
    subtrees.push({ level, index: start / pow2(level) });
    start += pow2(level);
  }
  return subtrees;
}

/** Folds the hashes of a range's subtrees (left to right) into the range's hash. */
export function foldRange(hashes: readonly Uint8Array[]): Uint8Array {
  const last = hashes.at(-1);
  if (last === undefined) throw new LogError("ERR_LOG_ARGUMENT", "An empty range has no hash.");
  let hash = last;
  for (let i = hashes.length - 2; i >= 0; i -= 1) hash = nodeHash(hashes[i] as Uint8Array, hash);
  return hash;
}

/** The Merkle Tree Hash of 2^k consecutive hashes (a perfect tree over them). */
export function perfectTreeHash(hashes: readonly Uint8Array[]): Uint8Array {
  let level = [...hashes];
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      next.push(nodeHash(level[i] as Uint8Array, level[i + 1] as Uint8Array));
    }
    level = next;
  }
  const root = level[0];
  if (root === undefined) throw new LogError("ERR_LOG_ARGUMENT", "No hashes to combine.");
  return root;
}

/**
 * Reads the hashes of several ranges with one request to the source, and folds each:
 * a proof asks for all of its subtrees together so a tile source fetches each tile once.
 */
export async function rangeHashes(
  ranges: readonly LeafRange[],
  readHashes: (subtrees: readonly Subtree[]) => Promise<Uint8Array[]>,
): Promise<Uint8Array[]> {
  const perRange = ranges.map(rangeSubtrees);
  const hashes = await readHashes(perRange.flat());
  const folded: Uint8Array[] = [];
  let at = 0;
  for (const subtrees of perRange) {
    folded.push(foldRange(hashes.slice(at, at + subtrees.length)));
    at += subtrees.length;
  }
  return folded;
}
