import { describe, expect, it } from "vitest";
import { openCheckpoint } from "../../../shared/log/checkpoint.js";
import { proveConsistency, verifyConsistency } from "../../../shared/log/consistency.js";
import { receiptLeafData } from "../../../shared/log/leaves.js";
import type { BuiltTile } from "../../../shared/log/tile-builder.js";
import { tilePath } from "../../../shared/log/tiles.js";
import type { TileAddress } from "../../../shared/log/types.js";
import { VerifiedTileReader } from "../../../shared/log/verified-tiles.js";
import { ed25519NoteVerifier } from "../../../shared/log/verifier-key.js";
import {
  extendLog,
  type LoggedChange,
  type LogHead,
  type LogStore,
} from "../../../shared/log/writer.js";
import { generateLogKey } from "../../helpers/log-memory.js";
import { ReferenceTree } from "../../helpers/merkle-reference.js";

const receipt = (seq: number) => `aGVhZA.${seq.toString(36)}.c2ln`;

/** Yields to other tasks, so two writers' steps interleave. */
const yieldNow = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A store as the hub's would be: immutable tiles, a conditional head, committed changes. */
class MemoryLogStore implements LogStore {
  readonly changes: LoggedChange[] = [];
  readonly tiles = new Map<string, Uint8Array>();
  readonly heads: LogHead[] = [];
  head: LogHead | undefined;
  conflicts = 0;

  commit(count: number): void {
    for (let i = 0; i < count; i += 1) {
      const seq = this.changes.length;
      this.changes.push({ seq, receipt: receipt(seq) });
    }
  }

  async readHead() {
    await yieldNow();
    return this.head;
  }

  async readChanges(fromSeq: number, limit: number) {
    await yieldNow();
    return this.changes.slice(fromSeq, fromSeq + limit);
  }

  async readTile(tile: TileAddress) {
    const bytes = this.tiles.get(tilePath(tile));
    if (bytes === undefined) throw new Error(`no ${tilePath(tile)}`);
    return bytes;
  }

  async putTiles(tiles: readonly BuiltTile[]) {
    for (const tile of tiles) {
      await yieldNow();
      const stored = this.tiles.get(tile.path);
      if (stored === undefined) this.tiles.set(tile.path, tile.bytes);
      else if (Buffer.compare(stored, tile.bytes) !== 0) this.conflicts += 1;
    }
  }

  async advanceHead(expectedSize: number, next: LogHead) {
    await yieldNow();
    if ((this.head?.size ?? 0) !== expectedSize) return false;
    if (this.head === undefined && expectedSize !== 0) return false;
    this.head = next;
    this.heads.push(next);
    return true;
  }
}

async function assertEveryHeadExtendsTheLast(store: MemoryLogStore, verifierKey: string) {
  const verifier = await ed25519NoteVerifier(verifierKey);
  const fetchTile = async (tile: TileAddress) => store.tiles.get(tilePath(tile));
  for (let i = 0; i < store.heads.length; i += 1) {
    const head = store.heads[i] as LogHead;
    const checkpoint = await openCheckpoint(head.checkpoint, verifier);
    expect(checkpoint.size).toBe(head.size);
    if (i === 0) continue;
    const older = store.heads[i - 1] as LogHead;
    const tiles = new VerifiedTileReader(head, fetchTile).hashSource();
    verifyConsistency(older, head, await proveConsistency(older.size, head.size, tiles));
  }
}

describe("the log writer", () => {
  it("appends committed changes in seq order and signs a checkpoint per step", async () => {
    // Prepare
    const key = await generateLogKey("hub.test/v1/log");
    const store = new MemoryLogStore();
    const options = { origin: key.origin, signer: key.signer, maxChanges: 1_000 };
    // Act: changes arrive in bursts; the writer runs after each.
    const outcomes: string[] = [];
    for (const burst of [1, 0, 255, 1, 2_300, 7]) {
      store.commit(burst);
      for (;;) {
        const result = await extendLog(store, options);
        outcomes.push(result.outcome);
        if (result.outcome !== "extended") break;
      }
    }
    // Assess
    const reference = new ReferenceTree(store.changes.map((c) => receiptLeafData(c.receipt)));
    expect(store.head?.size).toBe(2_564);
    expect(Buffer.from(store.head?.rootHash ?? []).toString("hex")).toBe(
      Buffer.from(reference.root()).toString("hex"),
    );
    expect(store.heads.map((h) => h.size)).toEqual([1, 256, 257, 1_257, 2_257, 2_557, 2_564]);
    expect(outcomes.filter((o) => o === "lost-race")).toEqual([]);
    await assertEveryHeadExtendsTheLast(store, key.verifierKey);
  });

  it("never forks when two writers race: identical tiles, one head per step", async () => {
    // Prepare
    const key = await generateLogKey("hub.test/v1/log");
    const store = new MemoryLogStore();
    const options = { origin: key.origin, signer: key.signer, maxChanges: 300 };
    const outcomes: string[] = [];
    // Act: both writers run after every burst, concurrently.
    for (const burst of [5, 400, 1, 700, 90]) {
      store.commit(burst);
      for (let round = 0; round < 6; round += 1) {
        const results = await Promise.all([extendLog(store, options), extendLog(store, options)]);
        outcomes.push(...results.map((r) => r.outcome));
      }
    }
    // Assess
    expect(outcomes).toContain("lost-race");
    expect(store.conflicts).toBe(0);
    expect(store.head?.size).toBe(1_196);
    await assertEveryHeadExtendsTheLast(store, key.verifierKey);
  });

  it("refuses changes out of seq order and a corrupted edge, leaving the head alone", async () => {
    const key = await generateLogKey("hub.test/v1/log");
    const options = { origin: key.origin, signer: key.signer };
    const gap = new MemoryLogStore();
    gap.changes.push({ seq: 0, receipt: receipt(0) }, { seq: 2, receipt: receipt(2) });
    await expect(extendLog(gap, options)).rejects.toMatchObject({ code: "ERR_LOG_ARGUMENT" });
    expect(gap.head).toBeUndefined();

    const corrupt = new MemoryLogStore();
    corrupt.commit(300);
    await extendLog(corrupt, options);
    const partial = corrupt.tiles.get("tile/0/001.p/44") as Uint8Array;
    partial[0] = (partial[0] as number) ^ 1;
    corrupt.commit(1);
    await expect(extendLog(corrupt, options)).rejects.toMatchObject({
      code: "ERR_LOG_TILE_INVALID",
    });
    expect(corrupt.head?.size).toBe(300);
  });
});
