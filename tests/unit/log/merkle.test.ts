import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  consistencyProofRanges,
  proveConsistency,
  verifyConsistency,
} from "../../../shared/log/consistency.js";
import { LogError } from "../../../shared/log/errors.js";
import { EMPTY_ROOT, leafHash } from "../../../shared/log/hashing.js";
import {
  proveInclusion,
  rootFromInclusionProof,
  verifyInclusion,
} from "../../../shared/log/inclusion.js";
import { treeRoot } from "../../../shared/log/root.js";
import { pow2 } from "../../../shared/log/subtrees.js";
import { tileHashSource } from "../../../shared/log/tile-source.js";
import type { HashSource, TreeHead } from "../../../shared/log/types.js";
import { MemoryLog } from "../../helpers/log-memory.js";
import { leafDataList, ReferenceTree } from "../../helpers/merkle-reference.js";

const LEAVES = leafDataList(2_100);
const REFERENCE = new ReferenceTree(LEAVES);

/** Subtree hashes straight from the reference MTH over the leaves they cover. */
const referenceSource = (tree: ReferenceTree): HashSource => ({
  async readHashes(subtrees) {
    return subtrees.map(({ level, index }) =>
      tree.root(index * pow2(level), (index + 1) * pow2(level)),
    );
  },
});

function head(size: number, tree: ReferenceTree = REFERENCE): TreeHead {
  return { size, rootHash: tree.root(0, size) };
}

/** Hashes as hex: vitest compares strings far faster than byte arrays. */
function hex(hashes: Uint8Array | readonly Uint8Array[]): string | string[] {
  if (hashes instanceof Uint8Array) return Buffer.from(hashes).toString("hex");
  return hashes.map((hash) => Buffer.from(hash).toString("hex"));
}

function errorCode(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof LogError) return error.code;
    throw error;
  }
  return undefined;
}

/** A copy of `hashes` with one bit of one hash flipped. */
function flipped(hashes: readonly Uint8Array[], which: number, bit: number): Uint8Array[] {
  return hashes.map((hash, i) => {
    if (i !== which) return hash;
    const copy = hash.slice();
    copy[bit >> 3] = (copy[bit >> 3] as number) ^ (1 << (bit & 7));
    return copy;
  });
}

describe("the Merkle tree against the RFC 6962 reference", () => {
  it("gives the empty tree the root SHA-256('')", async () => {
    expect(Buffer.from(EMPTY_ROOT).toString("hex")).toBe(
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
    expect(await treeRoot(0, referenceSource(new ReferenceTree([])))).toEqual(EMPTY_ROOT);
  });

  it("has the reference root at every size from 1 to 1,000, built tile by tile", async () => {
    // Prepare
    const log = new MemoryLog();
    for (let size = 1; size <= 1_000; size += 1) {
      // Act
      const { head: built } = log.append([LEAVES[size - 1] as Uint8Array]);
      const fromTiles = await treeRoot(
        size,
        tileHashSource(size, (tile) => log.readTile(tile)),
      );
      // Assess
      const expected = REFERENCE.root(0, size);
      expect(hex(built.rootHash), `size ${size}`).toBe(hex(expected));
      expect(hex(fromTiles), `size ${size} from tiles`).toBe(hex(expected));
    }
  });

  it("makes the reference inclusion proof for every leaf of every tree up to 64", async () => {
    for (let size = 1; size <= 64; size += 1) {
      const tree = head(size);
      for (let index = 0; index < size; index += 1) {
        const proof = await proveInclusion(index, size, referenceSource(REFERENCE));
        expect(hex(proof)).toEqual(hex(REFERENCE.path(index, 0, size)));
        verifyInclusion(leafHash(LEAVES[index] as Uint8Array), index, tree, proof);
      }
    }
  });

  it("makes the reference consistency proof for every pair of trees up to 64", async () => {
    for (let newSize = 1; newSize <= 64; newSize += 1) {
      for (let oldSize = 1; oldSize <= newSize; oldSize += 1) {
        const proof = await proveConsistency(oldSize, newSize, referenceSource(REFERENCE));
        expect(hex(proof)).toEqual(
          hex(oldSize === newSize ? [] : REFERENCE.consistency(oldSize, newSize)),
        );
        verifyConsistency(head(oldSize), head(newSize), proof);
      }
    }
  });

  it("proves and verifies random inclusions; any changed bit, leaf or length fails", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2_000 }).chain((size) =>
          fc.record({
            size: fc.constant(size),
            index: fc.nat({ max: size - 1 }),
            bit: fc.nat({ max: 255 }),
            which: fc.nat(),
          }),
        ),
        async ({ size, index, bit, which }) => {
          // Act
          const proof = await proveInclusion(index, size, referenceSource(REFERENCE));
          // Assess
          const tree = head(size);
          const leaf = leafHash(LEAVES[index] as Uint8Array);
          expect(hex(proof)).toEqual(hex(REFERENCE.path(index, 0, size)));
          verifyInclusion(leaf, index, tree, proof);
          if (proof.length > 0) {
            const bad = flipped(proof, which % proof.length, bit);
            expect(errorCode(() => verifyInclusion(leaf, index, tree, bad))).toBe(
              "ERR_LOG_INCLUSION_INVALID",
            );
            expect(errorCode(() => verifyInclusion(leaf, index, tree, proof.slice(1)))).toBe(
              "ERR_LOG_INCLUSION_INVALID",
            );
          }
          const other = leafHash(LEAVES[(index + 1) % LEAVES.length] as Uint8Array);
          expect(errorCode(() => verifyInclusion(other, index, tree, proof))).toBe(
            "ERR_LOG_INCLUSION_INVALID",
          );
          expect(
            errorCode(() => verifyInclusion(leaf, index, tree, [...proof, tree.rootHash])),
          ).toBe("ERR_LOG_INCLUSION_INVALID");
          expect(
            errorCode(() =>
              verifyInclusion(
                leaf,
                index,
                { size, rootHash: flipped([tree.rootHash], 0, bit)[0] as Uint8Array },
                proof,
              ),
            ),
          ).toBe("ERR_LOG_INCLUSION_INVALID");
        },
      ),
      { numRuns: 200 },
    );
  });

  it("proves and verifies random consistency; a changed bit or a forked history fails", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 2, max: 2_000 }).chain((newSize) =>
          fc.record({
            newSize: fc.constant(newSize),
            oldSize: fc.integer({ min: 1, max: newSize - 1 }),
            bit: fc.nat({ max: 255 }),
            which: fc.nat(),
            fork: fc.nat(),
          }),
        ),
        async ({ newSize, oldSize, bit, which, fork }) => {
          // Act
          const proof = await proveConsistency(oldSize, newSize, referenceSource(REFERENCE));
          // Assess
          expect(hex(proof)).toEqual(hex(REFERENCE.consistency(oldSize, newSize)));
          const older = head(oldSize);
          const newer = head(newSize);
          verifyConsistency(older, newer, proof);
          const bad = flipped(proof, which % proof.length, bit);
          expect(errorCode(() => verifyConsistency(older, newer, bad))).toBe(
            "ERR_LOG_INCONSISTENT",
          );
          expect(errorCode(() => verifyConsistency(older, newer, proof.slice(0, -1)))).toBe(
            "ERR_LOG_INCONSISTENT",
          );
          // A fork: the same history but one leaf before oldSize replaced.
          const forkedLeaves = [...LEAVES.slice(0, newSize)];
          forkedLeaves[fork % oldSize] = new Uint8Array(32).fill(7);
          const forked = new ReferenceTree(forkedLeaves);
          const forkedHead = head(newSize, forked);
          const forkedProof = await proveConsistency(oldSize, newSize, referenceSource(forked));
          expect(errorCode(() => verifyConsistency(older, forkedHead, forkedProof))).toBe(
            "ERR_LOG_INCONSISTENT",
          );
          expect(errorCode(() => verifyConsistency(newer, older, proof))).toBe(
            "ERR_LOG_INCONSISTENT",
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it("decides the cases RFC 9162 leaves to the caller", () => {
    const tree = head(10);
    verifyConsistency({ size: 0, rootHash: EMPTY_ROOT }, tree, []);
    verifyConsistency(tree, tree, []);
    expect(consistencyProofRanges(0, 10)).toEqual([]);
    expect(consistencyProofRanges(10, 10)).toEqual([]);
    // Same size, different roots: a fork.
    expect(
      errorCode(() =>
        verifyConsistency(tree, head(10, new ReferenceTree(leafDataList(10, "other"))), []),
      ),
    ).toBe("ERR_LOG_INCONSISTENT");
    // A smaller tree after a larger one: the log shrank.
    expect(errorCode(() => verifyConsistency(tree, head(9), []))).toBe("ERR_LOG_INCONSISTENT");
    // A non-empty proof where none is needed.
    expect(errorCode(() => verifyConsistency(tree, tree, [tree.rootHash]))).toBe(
      "ERR_LOG_INCONSISTENT",
    );
    expect(errorCode(() => verifyConsistency(head(4), head(8), []))).toBe("ERR_LOG_INCONSISTENT");
  });

  it("refuses leaves outside the tree and malformed hashes", () => {
    const tree = head(5);
    const leaf = leafHash(LEAVES[0] as Uint8Array);
    expect(errorCode(() => rootFromInclusionProof(leaf, 5, 5, []))).toBe("ERR_LOG_ARGUMENT");
    expect(errorCode(() => rootFromInclusionProof(leaf, -1, 5, []))).toBe("ERR_LOG_ARGUMENT");
    expect(errorCode(() => rootFromInclusionProof(leaf, 0.5, 5, []))).toBe("ERR_LOG_ARGUMENT");
    expect(errorCode(() => verifyInclusion(leaf, 0, tree, [new Uint8Array(31)]))).toBe(
      "ERR_LOG_HASH_MALFORMED",
    );
    expect(errorCode(() => verifyInclusion(leaf.subarray(1), 0, tree, []))).toBe(
      "ERR_LOG_HASH_MALFORMED",
    );
    expect(
      errorCode(() =>
        verifyInclusion(
          leaf,
          0,
          tree,
          Array.from({ length: 65 }, () => leaf),
        ),
      ),
    ).toBe("ERR_LOG_INCLUSION_INVALID");
  });

  it("handles sizes beyond 2^32 without 32-bit truncation", () => {
    // Prepare: a leaf at index 2^32 + 5 of a tree of 2^33 leaves; its path has 33 hashes.
    const size = 2 ** 33;
    const index = 2 ** 32 + 5;
    const proof = Array.from({ length: 33 }, (_, i) => leafHash(Uint8Array.of(i)));
    const leaf = leafHash(Uint8Array.of(255));
    // Act
    const root = rootFromInclusionProof(leaf, index, size, proof);
    // Assess: the same proof read for a 32-bit-truncated index leads elsewhere.
    expect(root).not.toEqual(rootFromInclusionProof(leaf, 5, size, proof));
    expect(errorCode(() => rootFromInclusionProof(leaf, index, size, proof.slice(1)))).toBe(
      "ERR_LOG_INCLUSION_INVALID",
    );
  });
});
