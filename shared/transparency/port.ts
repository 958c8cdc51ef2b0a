/**
 * The transparency log's storage as the hub uses it (DESIGN §14): the writer's port
 * (shared/log/writer.ts) and finding a tile to serve. `shared/store/dynamo/log.ts`
 * implements it over the one table; docs/store.md says why the table and not a bucket.
 */
import type { TileAddress } from "../log/types.js";
import type { LogStore } from "../log/writer.js";

export interface TransparencyStore extends LogStore {
  /** A stored tile or bundle's bytes, or `undefined` when none is stored at that address. */
  findTile(tile: TileAddress): Promise<Uint8Array | undefined>;
}
