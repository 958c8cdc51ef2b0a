/**
 * The root hash of a tree of any size, read from a hash source: the fold of the
 * complete subtrees that make up [0, size), at most one per bit of the size.
 */

import { EMPTY_ROOT } from "./hashing.js";
import { assertTreeSize, rangeHashes } from "./subtrees.js";
import type { HashSource } from "./types.js";

export async function treeRoot(size: number, source: HashSource): Promise<Uint8Array> {
  assertTreeSize(size);
  if (size === 0) return EMPTY_ROOT;
  const [root] = await rangeHashes([{ start: 0, end: size }], (subtrees) =>
    source.readHashes(subtrees),
  );
  return root as Uint8Array;
}
