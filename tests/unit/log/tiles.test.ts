import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeEntryBundle, encodeEntryBundle } from "../../../shared/log/entry-bundle.js";
import { LogError } from "../../../shared/log/errors.js";
import { leafHash } from "../../../shared/log/hashing.js";
import { pow2 } from "../../../shared/log/subtrees.js";
import {
  appendLeaves,
  type BuiltTile,
  EMPTY_EDGE,
  edgeFromTiles,
  type LogEdge,
} from "../../../shared/log/tile-builder.js";
import {
  allTiles,
  formatTileIndex,
  parseTilePath,
  partialTiles,
  TILE_WIDTH,
  tilePath,
  tilesAdded,
} from "../../../shared/log/tiles.js";
import type { TileAddress } from "../../../shared/log/types.js";
import { leafDataList, ReferenceTree } from "../../helpers/merkle-reference.js";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const paths = (tiles: readonly TileAddress[]) => tiles.map(tilePath);

function errorCode(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof LogError) return error.code;
    throw error;
  }
  return undefined;
}

function edgeHex(edge: LogEdge) {
  return {
    size: edge.size,
    levels: edge.levels.map((l) => l.map(hex)),
    entries: edge.entries.map(hex),
  };
}

/** Appends `leaves` in chunks of the given sizes; answers every tile written, by path. */
function buildInChunks(leaves: readonly Uint8Array[], chunks: readonly number[]) {
  const written = new Map<string, string>();
  const outputs: BuiltTile[][] = [];
  let edge: LogEdge = EMPTY_EDGE;
  let rootHash: Uint8Array = new Uint8Array(0);
  let at = 0;
  for (const chunk of chunks) {
    const result = appendLeaves(edge, leaves.slice(at, at + chunk));
    at += chunk;
    rootHash = result.rootHash;
    outputs.push(result.tiles);
    for (const tile of result.tiles) {
      const before = written.get(tile.path);
      // An immutable store: a path is never written twice with other bytes.
      if (before !== undefined) expect(hex(tile.bytes)).toBe(before);
      written.set(tile.path, hex(tile.bytes));
    }
    edge = result.edge;
  }
  return { written, outputs, edge, rootHash };
}

describe("tile paths (C2SP tlog-tiles)", () => {
  it("writes <N> in 3-digit groups and partial tiles with .p/<W>", () => {
    expect(formatTileIndex(0)).toBe("000");
    expect(formatTileIndex(999)).toBe("999");
    expect(formatTileIndex(1000)).toBe("x001/000");
    expect(formatTileIndex(1234067)).toBe("x001/x234/067");
    expect(tilePath({ level: 0, index: 1234067, width: 256 })).toBe("tile/0/x001/x234/067");
    expect(tilePath({ level: 2, index: 5, width: 8 })).toBe("tile/2/005.p/8");
    expect(tilePath({ level: "entries", index: 1000, width: 1 })).toBe("tile/entries/x001/000.p/1");
  });

  it("parses every path it writes back to the same tile", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 0, max: 63 }), fc.constant("entries" as const)),
        fc.maxSafeNat(),
        fc.integer({ min: 1, max: 256 }),
        (level, index, width) => {
          const tile = { level, index, width } as TileAddress;
          expect(parseTilePath(tilePath(tile))).toEqual(tile);
        },
      ),
    );
  });

  it.each([
    "tile/00/000",
    "tile/01/000",
    "tile/64/000",
    "tile/0/5",
    "tile/0/x000/005",
    "tile/0/x1/005",
    "tile/0/005.p/0",
    "tile/0/005.p/08",
    "tile/0/005.p/256",
    "tile/0/005.p/",
    "tile/0/005/",
    "tile/data/000",
    "/tile/0/000",
    "tile/0/000.p/5/",
    "tile/0/x999/x999/x999/x999/x999/x999/999",
  ])("refuses the non-canonical path %s", (path) => {
    expect(errorCode(() => parseTilePath(path))).toBe("ERR_LOG_TILE_PATH");
  });
});

describe("which tiles a tree has", () => {
  it("follows the spec's examples (sizes 70,000 and 256)", () => {
    const tiles = [...allTiles(70_000)].filter((tile) => tile.level !== "entries");
    const full = (level: number) =>
      tiles.filter((t) => t.level === level && t.width === TILE_WIDTH).length;
    const partial = (level: number) =>
      tiles.filter((t) => t.level === level && t.width < TILE_WIDTH).map((t) => t.width);
    expect([full(0), partial(0)]).toEqual([273, [112]]);
    expect([full(1), partial(1)]).toEqual([1, [17]]);
    expect([full(2), partial(2)]).toEqual([0, [1]]);
    expect(tiles.some((t) => (t.level as number) > 2)).toBe(false);
    expect(paths(partialTiles(256))).toEqual(["tile/1/000.p/1"]);
    expect(paths(partialTiles(0))).toEqual([]);
  });

  it("adds, between two sizes, the tiles of the new size that the old one lacked", () => {
    fc.assert(
      fc.property(fc.nat({ max: 200_000 }), fc.nat({ max: 200_000 }), (a, b) => {
        const [oldSize, newSize] = a <= b ? [a, b] : [b, a];
        const before = new Set(paths([...allTiles(oldSize)]));
        const expected = paths([...allTiles(newSize)]).filter((path) => !before.has(path));
        expect(paths(tilesAdded(oldSize, newSize)).sort()).toEqual(expected.sort());
      }),
      { numRuns: 60 },
    );
  });
});

describe("entry bundles", () => {
  it("round-trips entries as uint16 length + bytes", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 256 }), (entries) => {
        const bytes = encodeEntryBundle(entries);
        expect(bytes.length).toBe(entries.reduce((sum, e) => sum + 2 + e.length, 0));
        expect(decodeEntryBundle(bytes).map(hex)).toEqual(entries.map(hex));
      }),
    );
    expect(hex(encodeEntryBundle([Uint8Array.of(0xab), new Uint8Array(0)]))).toBe("0001ab0000");
  });

  it("refuses truncated bundles and more than 256 entries", () => {
    expect(errorCode(() => decodeEntryBundle(Uint8Array.of(0, 2, 1)))).toBe("ERR_LOG_TILE_INVALID");
    expect(errorCode(() => decodeEntryBundle(Uint8Array.of(0)))).toBe("ERR_LOG_TILE_INVALID");
    const tooMany = new Uint8Array(257 * 2); // 257 empty entries
    expect(errorCode(() => decodeEntryBundle(tooMany))).toBe("ERR_LOG_TILE_INVALID");
    expect(errorCode(() => encodeEntryBundle([new Uint8Array(65_536)]))).toBe("ERR_LOG_ARGUMENT");
  });
});

describe("the incremental tile builder", () => {
  const LEAVES = leafDataList(70_000);

  it("builds tiles whose hashes are the spec's MTH(D[(N·256+i)·256^L : …])", () => {
    // Prepare
    const size = 66_000; // three levels, partial tiles on each
    const reference = new ReferenceTree(LEAVES.slice(0, size));
    // Act
    const { written } = buildInChunks(LEAVES, [size]);
    // Assess: each tile against the bytes the definition gives, one comparison per tile.
    for (const tile of allTiles(size)) {
      const bytes = written.get(tilePath(tile));
      const first = tile.index * 256;
      if (tile.level === "entries") {
        expect(bytes).toBe(hex(encodeEntryBundle(LEAVES.slice(first, first + tile.width))));
        continue;
      }
      const span = pow2(8 * tile.level);
      const expected = Array.from({ length: tile.width }, (_, i) =>
        hex(reference.root((first + i) * span, (first + i + 1) * span)),
      ).join("");
      expect(bytes, tilePath(tile)).toBe(expected);
    }
  });

  it("gives identical tiles and roots however the leaves are batched", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 600 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer({ min: 0, max: 600 }), { minLength: 1, maxLength: 8 }),
        (chunksA, chunksB) => {
          // Prepare: two writers, each batching differently, up to the same total.
          const total = chunksA.reduce((a, b) => a + b, 0);
          const sumB = chunksB.reduce((a, b) => a + b, 0);
          const chunksB2 = [...chunksB, Math.max(0, total - sumB)];
          const b = trimTo(chunksB2, total);
          // Act
          const first = buildInChunks(LEAVES, chunksA);
          const second = buildInChunks(LEAVES, b);
          const scratch = buildInChunks(LEAVES, [total]);
          // Assess: every tile of the final tree, byte for byte, in all three.
          for (const tile of allTiles(total)) {
            const path = tilePath(tile);
            expect(first.written.get(path), path).toBe(scratch.written.get(path));
            expect(second.written.get(path), path).toBe(scratch.written.get(path));
          }
          // Shared paths (partials of sizes both checkpointed) agree too.
          for (const [path, bytes] of first.written) {
            const other = second.written.get(path);
            if (other !== undefined) expect(other).toBe(bytes);
          }
          expect(edgeHex(first.edge)).toEqual(edgeHex(scratch.edge));
          expect(edgeHex(second.edge)).toEqual(edgeHex(scratch.edge));
        },
      ),
      { numRuns: 15 },
    );
  });

  it("writes exactly the tiles the new size adds, and the roots of the reference", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 600 }), { maxLength: 8 }), (chunks) => {
        let edge: LogEdge = EMPTY_EDGE;
        let at = 0;
        const reference = new ReferenceTree(LEAVES.slice(0, 5_000));
        for (const chunk of chunks) {
          const result = appendLeaves(edge, LEAVES.slice(at, at + chunk));
          expect(result.tiles.map((t) => t.path).sort()).toEqual(
            paths(tilesAdded(at, at + chunk)).sort(),
          );
          at += chunk;
          expect(hex(result.rootHash)).toBe(hex(reference.root(0, at)));
          edge = result.edge;
        }
      }),
      { numRuns: 20 },
    );
  });

  it("rebuilds the edge from stored partial tiles, and refuses a corrupted store", async () => {
    // Prepare
    const { written, edge, rootHash } = buildInChunks(LEAVES, [300, 65_536 - 300, 1_234]);
    const size = 65_536 + 1_234;
    const head = { size, rootHash };
    const read = async (tile: TileAddress) =>
      Buffer.from(written.get(tilePath(tile)) as string, "hex");
    // Act
    const rebuilt = await edgeFromTiles(head, read);
    // Assess
    expect(edgeHex(rebuilt)).toEqual(edgeHex(edge));
    const next = appendLeaves(rebuilt, LEAVES.slice(size, size + 10));
    expect(hex(next.rootHash)).toBe(hex(buildInChunks(LEAVES, [size + 10]).rootHash));
    // A flipped byte in a partial tile, or another root, is refused.
    const corrupt = async (tile: TileAddress) => {
      const bytes = await read(tile);
      if (tile.level === 1) bytes[5] = (bytes[5] as number) ^ 1;
      return bytes;
    };
    await expect(edgeFromTiles(head, corrupt)).rejects.toMatchObject({
      code: "ERR_LOG_TILE_INVALID",
    });
    const badEntries = async (tile: TileAddress) => {
      const bytes = await read(tile);
      if (tile.level === "entries") bytes[7] = (bytes[7] as number) ^ 1;
      return bytes;
    };
    await expect(edgeFromTiles(head, badEntries)).rejects.toMatchObject({
      code: "ERR_LOG_TILE_INVALID",
    });
  });

  it("refuses an edge that does not fit its size, and oversized leaves", () => {
    const { edge } = buildInChunks(LEAVES, [300]);
    expect(errorCode(() => appendLeaves({ ...edge, size: 301 }, []))).toBe("ERR_LOG_ARGUMENT");
    expect(errorCode(() => appendLeaves({ ...edge, entries: [] }, []))).toBe("ERR_LOG_ARGUMENT");
    expect(errorCode(() => appendLeaves(edge, [new Uint8Array(65_536)]))).toBe("ERR_LOG_ARGUMENT");
    // Appending nothing writes nothing and keeps the root.
    const same = appendLeaves(edge, []);
    expect(same.tiles).toEqual([]);
    expect(hex(same.rootHash)).toBe(hex(new ReferenceTree(LEAVES.slice(0, 300)).root()));
    expect(hex(leafHash(LEAVES[0] as Uint8Array))).toBe(
      hex(new ReferenceTree(LEAVES.slice(0, 1)).root()),
    );
  });
});

/** The chunk list cut or padded so it sums to exactly `total`. */
function trimTo(chunks: readonly number[], total: number): number[] {
  const out: number[] = [];
  let left = total;
  for (const chunk of chunks) {
    const take = Math.min(chunk, left);
    out.push(take);
    left -= take;
  }
  if (left > 0) out.push(left);
  return out;
}
