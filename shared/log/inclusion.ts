/**
 * Inclusion proofs (RFC 9162 §2.1.3): the audit path that shows leaf `index` is in the
 * tree of `size` leaves with a given root. Generation reads the path's hashes from any
 * {@link HashSource}; verification is RFC 9162 §2.1.3.2's algorithm and trusts nothing
 * but the leaf, the tree size and the root it is given.
 */

import { LogError } from "./errors.js";
import { assertHash, hashesEqual, nodeHash } from "./hashing.js";
import { assertTreeSize, type LeafRange, rangeHashes, splitPoint } from "./subtrees.js";
import type { HashSource, TreeHead } from "./types.js";

/** A path never has more hashes than the tree has levels (≤ 53 for a safe-integer size). */
const MAX_PATH_LENGTH = 64;

function assertLeafIn(index: number, size: number): void {
  assertTreeSize(size);
  if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
    throw new LogError("ERR_LOG_ARGUMENT", `Leaf ${index} is not in a tree of ${size} leaves.`);
  }
}

/**
 * The ranges whose hashes make up PATH(index, D[0:size]) (RFC 9162 §2.1.3.1), in the
 * order the proof lists them: from the leaf's sibling up to the root's other child.
 */
export function inclusionPathRanges(index: number, size: number): LeafRange[] {
  assertLeafIn(index, size);
  const rootFirst: LeafRange[] = [];
  let start = 0;
  let end = size;
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (index < start + k) {
      rootFirst.push({ start: start + k, end });
      end = start + k;
    } else {
      rootFirst.push({ start, end: start + k });
      start += k;
    }
  }
  return rootFirst.reverse();
}

/** The inclusion proof of leaf `index` in the tree of `size` leaves. */
export async function proveInclusion(
  index: number,
  size: number,
  source: HashSource,
): Promise<Uint8Array[]> {
  return rangeHashes(inclusionPathRanges(index, size), (subtrees) => source.readHashes(subtrees));
}

/**
 * The root that `proof` leads to from `leafHash` at `index` in a tree of `size`
 * (RFC 9162 §2.1.3.2 steps 1–5, before the final comparison).
 */
export function rootFromInclusionProof(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
): Uint8Array {
  assertLeafIn(index, size);
  assertHash(leafHash, "The leaf hash");
  if (proof.length > MAX_PATH_LENGTH) {
    throw new LogError("ERR_LOG_INCLUSION_INVALID", "The inclusion proof is too long.");
  }
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of proof) {
    assertHash(p, "An inclusion proof hash");
    if (sn === 0) {
      throw new LogError("ERR_LOG_INCLUSION_INVALID", "The inclusion proof is too long.");
    }
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) {
    throw new LogError("ERR_LOG_INCLUSION_INVALID", "The inclusion proof is too short.");
  }
  return r;
}

/**
 * Verifies that `leafHash` is leaf `index` of the tree `head`; throws
 * `ERR_LOG_INCLUSION_INVALID` when the proof does not lead to its root.
 */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  head: TreeHead,
  proof: readonly Uint8Array[],
): void {
  assertHash(head.rootHash, "The root hash");
  const root = rootFromInclusionProof(leafHash, index, head.size, proof);
  if (!hashesEqual(root, head.rootHash)) {
    throw new LogError(
      "ERR_LOG_INCLUSION_INVALID",
      `The inclusion proof for leaf ${index} does not lead to the root of the tree of ${head.size}.`,
    );
  }
}
