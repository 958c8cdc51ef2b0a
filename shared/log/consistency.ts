/**
 * Consistency proofs (RFC 9162 §2.1.4): the hashes that show the tree of `oldSize`
 * leaves is a prefix of the tree of `newSize` leaves — the log was only appended to,
 * never rewritten or forked. Generation reads hashes from any {@link HashSource};
 * verification is RFC 9162 §2.1.4.2's algorithm, with the two cases it leaves to the
 * caller (an empty old tree, equal sizes) decided here.
 */

import { LogError } from "./errors.js";
import { assertHash, hashesEqual, nodeHash } from "./hashing.js";
import {
  assertTreeSize,
  isPowerOfTwo,
  type LeafRange,
  rangeHashes,
  splitPoint,
} from "./subtrees.js";
import type { HashSource, TreeHead } from "./types.js";

/** Two hashes per level at most; anything longer is refused before any hashing. */
const MAX_PROOF_LENGTH = 128;

function assertSizes(oldSize: number, newSize: number): void {
  assertTreeSize(oldSize, "The old tree size");
  assertTreeSize(newSize, "The new tree size");
  if (oldSize > newSize) {
    throw new LogError(
      "ERR_LOG_INCONSISTENT",
      `A tree of ${newSize} leaves cannot extend one of ${oldSize}: the log shrank.`,
    );
  }
}

/**
 * The ranges whose hashes make up PROOF(oldSize, D[0:newSize]) (RFC 9162 §2.1.4.1), in
 * the proof's order. Empty when there is nothing to prove (old size 0 or equal sizes).
 */
export function consistencyProofRanges(oldSize: number, newSize: number): LeafRange[] {
  assertSizes(oldSize, newSize);
  if (oldSize === 0 || oldSize === newSize) return [];
  const rootFirst: LeafRange[] = [];
  let start = 0;
  let end = newSize;
  let m = oldSize;
  let complete = true; // SUBPROOF's b: the old tree is this whole subtree's left edge
  for (;;) {
    const n = end - start;
    if (m === n) {
      if (!complete) rootFirst.push({ start, end });
      break;
    }
    const k = splitPoint(n);
    if (m <= k) {
      rootFirst.push({ start: start + k, end });
      end = start + k;
    } else {
      rootFirst.push({ start, end: start + k });
      start += k;
      m -= k;
      complete = false;
    }
  }
  return rootFirst.reverse();
}

export async function proveConsistency(
  oldSize: number,
  newSize: number,
  source: HashSource,
): Promise<Uint8Array[]> {
  return rangeHashes(consistencyProofRanges(oldSize, newSize), (subtrees) =>
    source.readHashes(subtrees),
  );
}

function inconsistent(older: TreeHead, newer: TreeHead, why: string): LogError {
  return new LogError(
    "ERR_LOG_INCONSISTENT",
    `The tree of ${newer.size} leaves does not extend the tree of ${older.size}: ${why}`,
  );
}

/**
 * Verifies that `newer` extends `older`. Throws `ERR_LOG_INCONSISTENT` for a log that
 * shrank, two different roots at one size (a fork), or a proof that does not hold.
 */
export function verifyConsistency(
  older: TreeHead,
  newer: TreeHead,
  proof: readonly Uint8Array[],
): void {
  assertSizes(older.size, newer.size);
  assertHash(older.rootHash, "The old root hash");
  assertHash(newer.rootHash, "The new root hash");
  for (const hash of proof) assertHash(hash, "A consistency proof hash");
  if (proof.length > MAX_PROOF_LENGTH) throw inconsistent(older, newer, "the proof is too long.");
  if (older.size === newer.size) {
    if (proof.length !== 0) throw inconsistent(older, newer, "equal sizes need an empty proof.");
    if (!hashesEqual(older.rootHash, newer.rootHash)) {
      throw inconsistent(older, newer, "two different roots for one size (a fork).");
    }
    return;
  }
  if (older.size === 0) {
    // Every tree extends the empty one; RFC 9162 proves nothing here.
    if (proof.length !== 0) throw inconsistent(older, newer, "an empty tree needs an empty proof.");
    return;
  }
  if (proof.length === 0) throw inconsistent(older, newer, "the proof is empty.");

  const path = isPowerOfTwo(older.size) ? [older.rootHash, ...proof] : [...proof];
  let fn = older.size - 1;
  let sn = newer.size - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0] as Uint8Array;
  let sr = fr;
  for (const c of path.slice(1)) {
    if (sn === 0) throw inconsistent(older, newer, "the proof is too long.");
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw inconsistent(older, newer, "the proof is too short.");
  if (!hashesEqual(fr, older.rootHash)) {
    throw inconsistent(older, newer, "the old tree is not a prefix of the new one.");
  }
  if (!hashesEqual(sr, newer.rootHash)) {
    throw inconsistent(older, newer, "the proof does not lead to the new root.");
  }
}
