/**
 * What the log's routes serve (DESIGN §14): the latest checkpoint — a log with no
 * checkpoint yet serves a size-0 one, signed when asked — and the tiles and entry
 * bundles of that checkpoint and the ones before it. A tile path that is not the
 * spec's one spelling, or that lies beyond the latest checkpoint (written ahead by a
 * step still in flight), is no tile: 404 alike.
 */
import { NotFoundError } from "../errors/errors.js";
import type { HubDeps } from "../hub/deps.js";
import { signCheckpoint } from "../log/checkpoint.js";
import { EMPTY_ROOT } from "../log/hashing.js";
import { parseTilePath, TILE_WIDTH, tileWidth } from "../log/tiles.js";
import type { TileAddress, TreeHead } from "../log/types.js";
import { logIdentity } from "./identity.js";

export type ServeDeps = Pick<HubDeps, "store" | "audience" | "hubKeys">;

export interface ServedCheckpoint extends TreeHead {
  /** The signed note, as `GET /v1/log/checkpoint` answers it. */
  note: string;
}

export async function latestCheckpoint(deps: ServeDeps): Promise<ServedCheckpoint> {
  const head = await deps.store.log.readHead();
  if (head !== undefined)
    return { size: head.size, rootHash: head.rootHash, note: head.checkpoint };
  const identity = logIdentity(deps);
  const empty = { size: 0, rootHash: EMPTY_ROOT };
  const note = await signCheckpoint(
    { origin: identity.origin, ...empty, extensions: [] },
    await identity.signers(),
  );
  return { ...empty, note };
}

/** The bytes at a tile path below `/v1/log/` (`tile/0/x001/234.p/7`, `tile/entries/000`). */
export async function servedTile(deps: ServeDeps, path: string): Promise<Uint8Array> {
  const tile = tileAt(path);
  const head = await deps.store.log.readHead();
  if (!isWithin(tile, head?.size ?? 0)) throw new NotFoundError("tile");
  const bytes = await deps.store.log.findTile(tile);
  if (bytes === undefined) throw new NotFoundError("tile");
  return bytes;
}

function tileAt(path: string): TileAddress {
  try {
    return parseTilePath(path);
  } catch {
    throw new NotFoundError("tile");
  }
}

/**
 * Whether the tile is one of a checkpoint up to `size`: a full tile of that tree, or a
 * partial one no wider than that tree's (the partial tiles of earlier checkpoints).
 */
function isWithin(tile: TileAddress, size: number): boolean {
  const width = tileWidth(tile.level, tile.index, size);
  return tile.width === TILE_WIDTH ? width === TILE_WIDTH : tile.width <= width;
}
