/**
 * The transparency log's store (shared/transparency/port.ts) over the one table
 * (docs/store.md): the head is one item, advanced with a conditional write on its
 * size, so two writers can never fork the log; tiles and entry bundles are immutable
 * items, put only where absent — a racing writer built the same bytes from the same
 * committed changes, and a stored tile that differs is refused, never overwritten.
 * The committed changes are the change log's own partition, read in `seq` order.
 */
import { mapConcurrent } from "../../async/concurrency.js";
import { LogError } from "../../log/errors.js";
import type { BuiltTile } from "../../log/tile-builder.js";
import { tilePath } from "../../log/tiles.js";
import type { TileAddress } from "../../log/types.js";
import type { LoggedChange, LogHead } from "../../log/writer.js";
import type { TransparencyStore } from "../../transparency/port.js";
import { key, LOG_PK } from "./keys.js";
import { type Item, projectionOf, type Table } from "./table.js";

const TILE_WRITE_CONCURRENCY = 8;
/**
 * The writer reads back the partial tiles it wrote last (the right edge) at its next
 * step; keeping the tiles it wrote saves those reads. Tiles never change at their
 * address, so a kept copy is never stale.
 */
const WRITTEN_TILES_KEPT = 64;
/** A change log page holds about 1–2 KB per change; DynamoDB pages stop at 1 MB. */
const CHANGE_PAGE = 500;

export class DynamoLogStore implements TransparencyStore {
  private readonly written = new Map<string, Uint8Array>();

  constructor(private readonly table: Table) {}

  async readHead(): Promise<LogHead | undefined> {
    const item = await this.table.get(key.logHead());
    if (item === undefined) return undefined;
    return {
      size: Number(item.size),
      rootHash: bytesOf(item.root),
      checkpoint: String(item.checkpoint),
      signedAt: Number(item.signed_at),
    };
  }

  async readChanges(fromSeq: number, limit: number): Promise<LoggedChange[]> {
    const changes: LoggedChange[] = [];
    let start: Item | undefined;
    do {
      const page = await this.table.query({
        KeyConditionExpression: "pk = :pk AND sk >= :from",
        ExpressionAttributeValues: { ":pk": LOG_PK, ":from": key.change(fromSeq).sk },
        ConsistentRead: true,
        Limit: Math.min(CHANGE_PAGE, limit - changes.length),
        ExclusiveStartKey: start,
        ...projectionOf(["seq", "receipt"]),
      });
      for (const item of page.items) {
        const seq = Number(item.seq);
        // A gap is a change still in flight: stop before it (the change log never leaves one).
        if (seq !== fromSeq + changes.length) return changes;
        changes.push({ seq, receipt: String(item.receipt) });
      }
      start = page.last;
    } while (start !== undefined && changes.length < limit);
    return changes;
  }

  async readTile(tile: TileAddress): Promise<Uint8Array> {
    const bytes = this.written.get(tilePath(tile)) ?? (await this.findTile(tile));
    if (bytes === undefined) {
      throw new LogError("ERR_LOG_FETCH", `The log has no stored ${tilePath(tile)}.`);
    }
    return bytes;
  }

  async findTile(tile: TileAddress): Promise<Uint8Array | undefined> {
    const item = await this.table.get(
      key.logTile(tile.level, tile.index, tile.width),
      projectionOf(["bytes"]),
    );
    return item === undefined ? undefined : bytesOf(item.bytes);
  }

  async putTiles(tiles: readonly BuiltTile[]): Promise<void> {
    await mapConcurrent(tiles, TILE_WRITE_CONCURRENCY, async (tile) => {
      const { level, index, width } = tile.address;
      const stored = await this.table.putIf({
        Item: { ...key.logTile(level, index, width), kind: "log-tile", bytes: tile.bytes },
        ConditionExpression: "attribute_not_exists(pk)",
      });
      if (!stored) {
        const existing = await this.findTile(tile.address);
        if (existing === undefined || !sameBytes(existing, tile.bytes)) {
          throw new LogError(
            "ERR_LOG_TILE_INVALID",
            `The stored ${tile.path} differs from the one built from the committed changes.`,
          );
        }
      }
      this.keep(tile);
    });
  }

  advanceHead(expectedSize: number, next: LogHead): Promise<boolean> {
    // No head is stored until the first checkpoint, which is never of size 0.
    const condition =
      expectedSize === 0
        ? { ConditionExpression: "attribute_not_exists(pk)" }
        : {
            ConditionExpression: "#size = :expected",
            ExpressionAttributeNames: { "#size": "size" },
            ExpressionAttributeValues: { ":expected": expectedSize },
          };
    return this.table.putIf({
      Item: {
        ...key.logHead(),
        kind: "log-head",
        size: next.size,
        root: next.rootHash,
        checkpoint: next.checkpoint,
        signed_at: next.signedAt,
      },
      ...condition,
    });
  }

  private keep(tile: BuiltTile): void {
    this.written.set(tile.path, tile.bytes);
    if (this.written.size > WRITTEN_TILES_KEPT) {
      this.written.delete(this.written.keys().next().value as string);
    }
  }
}

function bytesOf(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  throw new LogError("ERR_LOG_TILE_INVALID", "A stored log item holds no bytes.");
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}
