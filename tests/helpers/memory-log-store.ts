/**
 * The transparency log's store port (shared/transparency/port.ts) in memory, as the
 * table keeps it: committed changes by seq, immutable tiles, a head replaced only at the
 * size it was read at. Unit tests of the writer's schedule drive it with a fake clock.
 */

import type { BuiltTile } from "../../shared/log/tile-builder.js";
import { tilePath } from "../../shared/log/tiles.js";
import type { TileAddress } from "../../shared/log/types.js";
import type { LoggedChange, LogHead } from "../../shared/log/writer.js";
import type { TransparencyStore } from "../../shared/transparency/port.js";

export class MemoryLogStore implements TransparencyStore {
  readonly changes: LoggedChange[] = [];
  readonly tiles = new Map<string, Uint8Array>();
  readonly heads: LogHead[] = [];
  head: LogHead | undefined;

  /** Commits changes with receipts made from their seq. */
  commit(count: number): void {
    for (let i = 0; i < count; i += 1) {
      const seq = this.changes.length;
      this.changes.push({ seq, receipt: `aGVhZA.${seq.toString(36)}.c2ln` });
    }
  }

  async readHead() {
    return this.head;
  }

  async readChanges(fromSeq: number, limit: number) {
    return this.changes.slice(fromSeq, fromSeq + limit);
  }

  async readTile(tile: TileAddress) {
    const bytes = this.tiles.get(tilePath(tile));
    if (bytes === undefined) throw new Error(`no ${tilePath(tile)}`);
    return bytes;
  }

  async findTile(tile: TileAddress) {
    return this.tiles.get(tilePath(tile));
  }

  async putTiles(tiles: readonly BuiltTile[]) {
    for (const tile of tiles) if (!this.tiles.has(tile.path)) this.tiles.set(tile.path, tile.bytes);
  }

  async advanceHead(expectedSize: number, next: LogHead) {
    if ((this.head?.size ?? 0) !== expectedSize) return false;
    this.head = next;
    this.heads.push(next);
    return true;
  }
}
