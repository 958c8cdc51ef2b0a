/**
 * An in-memory transparency log for tests: the tile builder's output kept by path, with
 * a checkpoint signed at every size one asks for, and a `fetch`-shaped reader over it —
 * plus ways to make it misbehave (tamper with a tile, serve another log's tiles).
 */

import { signCheckpoint } from "../../shared/log/checkpoint.js";
import type { NoteSigner } from "../../shared/log/note.js";
import {
  appendLeaves,
  type BuiltTile,
  EMPTY_EDGE,
  type LogEdge,
} from "../../shared/log/tile-builder.js";
import { tilePath } from "../../shared/log/tiles.js";
import type { TileAddress, TreeHead } from "../../shared/log/types.js";
import type { TileFetcher } from "../../shared/log/verified-tiles.js";
import { ed25519NoteSigner, formatVerifierKey } from "../../shared/log/verifier-key.js";

export class MemoryLog {
  readonly tiles = new Map<string, Uint8Array>();
  readonly heads: TreeHead[] = [];
  #edge: LogEdge = EMPTY_EDGE;

  get size(): number {
    return this.#edge.size;
  }

  get head(): TreeHead {
    const head = this.heads.at(-1);
    if (head === undefined) throw new Error("nothing appended yet");
    return head;
  }

  /** Appends leaves and keeps the tiles; answers the new tree head. */
  append(leaves: readonly Uint8Array[]): { head: TreeHead; tiles: BuiltTile[] } {
    const result = appendLeaves(this.#edge, leaves);
    for (const tile of result.tiles) this.tiles.set(tile.path, tile.bytes);
    this.#edge = result.edge;
    const head = { size: result.edge.size, rootHash: result.rootHash };
    this.heads.push(head);
    return { head, tiles: result.tiles };
  }

  async readTile(address: TileAddress): Promise<Uint8Array> {
    const bytes = this.tiles.get(tilePath(address));
    if (bytes === undefined) throw new Error(`no tile ${tilePath(address)}`);
    return bytes;
  }

  /** A fetcher as an HTTP client would be: `undefined` for a tile the log lacks. */
  fetcher(): TileFetcher & { fetched: string[] } {
    const fetched: string[] = [];
    const fetch = async (address: TileAddress) => {
      const path = tilePath(address);
      fetched.push(path);
      const bytes = this.tiles.get(path);
      return bytes === undefined ? undefined : bytes.slice();
    };
    return Object.assign(fetch, { fetched });
  }
}

export interface LogKey {
  origin: string;
  signer: NoteSigner;
  verifierKey: string;
}

/** A fresh Ed25519 note key for the log `origin`. */
export async function generateLogKey(origin = "hub.test/v1/log"): Promise<LogKey> {
  const pair = (await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"])) as {
    privateKey: Parameters<typeof crypto.subtle.sign>[1];
    publicKey: Parameters<typeof crypto.subtle.sign>[1];
  };
  const publicKey = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
  return {
    origin,
    signer: await ed25519NoteSigner(origin, pair.privateKey, publicKey),
    verifierKey: formatVerifierKey(origin, publicKey),
  };
}

export function signHead(key: LogKey, head: TreeHead, extensions: string[] = []): Promise<string> {
  return signCheckpoint({ origin: key.origin, ...head, extensions }, key.signer);
}
