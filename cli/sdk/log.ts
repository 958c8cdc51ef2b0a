/**
 * Auditing a hub's transparency log (DESIGN §14) from a partner's own code: verify a
 * checkpoint with the log's key, an inclusion proof (as `GET /v1/bulletins/{id}/proof`
 * answers it), a consistency proof; and, from the log's tiles alone — fetched over any
 * `fetch` and checked against the checkpoint before use — prove that a receipt is in a
 * checkpoint and that one checkpoint extends another.
 *
 * Runs in browsers as in Node: it imports nothing from `node:` (a test bundles it for
 * the browser), hashes with @noble/hashes and verifies Ed25519 with WebCrypto.
 *
 *   import { TransparencyLog, verifyCheckpoint } from "cordon/cli/sdk/log.js";
 */

import { base64 } from "@scure/base";
import { openCheckpoint, type VerifiedCheckpoint } from "../../shared/log/checkpoint.js";
import {
  verifyConsistency as checkConsistency,
  proveConsistency,
} from "../../shared/log/consistency.js";
import { LogError } from "../../shared/log/errors.js";
import { hashesEqual, leafHash } from "../../shared/log/hashing.js";
import { verifyInclusion as checkInclusion, proveInclusion } from "../../shared/log/inclusion.js";
import { receiptLeafData } from "../../shared/log/leaves.js";
import {
  hashesAtLevel,
  hashInTile,
  TILE_WIDTH,
  tilePath,
  tileWidth,
} from "../../shared/log/tiles.js";
import type { TileAddress, TreeHead } from "../../shared/log/types.js";
import { type TileFetcher, VerifiedTileReader } from "../../shared/log/verified-tiles.js";
import { ed25519NoteVerifier } from "../../shared/log/verifier-key.js";
import { LogVerificationError } from "./errors.js";

export type { LogVerificationCode } from "./errors.js";
export type { TreeHead, VerifiedCheckpoint };
export { LogVerificationError };

/** Runs `action`, re-throwing the log module's errors as the SDK's. */
async function checked<T>(action: () => Promise<T> | T): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw asSdkError(error);
  }
}

function asSdkError(error: unknown): unknown {
  if (error instanceof LogError) {
    return new LogVerificationError(error.code, error.message, { cause: error });
  }
  return error;
}

/** A proof's hashes as the wire carries them (base64) or as bytes. */
export type ProofHashes = readonly (string | Uint8Array)[];

function proofBytes(proof: ProofHashes): Uint8Array[] {
  return proof.map((hash) => {
    if (typeof hash !== "string") return hash;
    try {
      return base64.decode(hash);
    } catch {
      throw new LogError("ERR_LOG_HASH_MALFORMED", "A proof hash is not base64.");
    }
  });
}

// ---------------------------------------------------------------------------------
// Checkpoints and proofs

/**
 * Verifies a checkpoint (the text of `GET /v1/log/checkpoint`) with the log's verifier
 * key (`GET /v1/log/key`, obtained once out of band and pinned). Its origin must be the
 * key's name, and `options.origin` too when given.
 */
export async function verifyCheckpoint(
  text: string,
  verifierKey: string,
  options: { origin?: string } = {},
): Promise<VerifiedCheckpoint> {
  return checked(async () => {
    const verifier = await ed25519NoteVerifier(verifierKey.trim());
    if (options.origin !== undefined && options.origin !== verifier.name) {
      throw new LogError(
        "ERR_LOG_ORIGIN_MISMATCH",
        `The key is for the log ${verifier.name}, not ${options.origin}.`,
      );
    }
    return openCheckpoint(text, verifier);
  });
}

export interface InclusionArguments {
  /** The change's receipt (compact JWS); or give `leafData`. */
  receipt?: string;
  /** The leaf data itself (SHA-256 of the receipt), instead of `receipt`. */
  leafData?: Uint8Array;
  /** The leaf index: the change's `seq`. */
  index: number;
  /** The RFC 9162 inclusion path, base64 hashes or bytes. */
  proof: ProofHashes;
  /** The tree head it is in: a verified checkpoint. */
  checkpoint: TreeHead;
}

function leafDataOf(args: { receipt?: string; leafData?: Uint8Array }): Uint8Array {
  if (args.leafData !== undefined) return args.leafData;
  if (args.receipt !== undefined) return receiptLeafData(args.receipt.trim());
  throw new LogError("ERR_LOG_ARGUMENT", "Give the receipt or its leaf data.");
}

/**
 * Verifies that the receipt is leaf `index` of the checkpoint's tree. Throws a
 * {@link LogVerificationError} (`ERR_LOG_INCLUSION_INVALID`) when it is not.
 */
export function verifyInclusion(args: InclusionArguments): void {
  try {
    checkInclusion(leafHash(leafDataOf(args)), args.index, args.checkpoint, proofBytes(args.proof));
  } catch (error) {
    throw asSdkError(error);
  }
}

/**
 * Verifies that `newer` extends `older` (RFC 9162 §2.1.4). Throws
 * `ERR_LOG_INCONSISTENT` for a fork (same size, other root), a log that shrank, or a
 * proof that does not hold.
 */
export function verifyConsistency(args: {
  older: TreeHead;
  newer: TreeHead;
  proof: ProofHashes;
}): void {
  try {
    checkConsistency(args.older, args.newer, proofBytes(args.proof));
  } catch (error) {
    throw asSdkError(error);
  }
}

// ---------------------------------------------------------------------------------
// Tiles

/** Anything that can fetch the log's tiles: {@link TransparencyLog}, or a test double. */
export interface TileSource {
  fetchTile: TileFetcher;
}

export interface TransparencyLogOptions {
  /** The hub's base URL, e.g. `https://hub.example`; the log is at `<url>/v1/log/`. */
  url: string;
  /**
   * The fetch to use (default: the global one). The log's routes need a signed request
   * or a feed token (DESIGN §11): pass a fetch that signs, or `headers` with a token.
   */
  fetch?: typeof fetch;
  /** Sent with every request, e.g. `{ authorization: "Bearer cft_…" }`. */
  headers?: Record<string, string>;
}

/** No Cordon leaf is larger than 32 bytes; a bundle is 256 × 34. Anything far larger is refused. */
const MAX_RESOURCE_BYTES = 1 << 20;

/** The log's HTTP routes: checkpoint, verifier key, tiles and entry bundles. */
export class TransparencyLog implements TileSource {
  readonly prefix: string;
  readonly #fetch: typeof fetch;
  readonly #headers: Record<string, string>;

  constructor(options: TransparencyLogOptions) {
    this.prefix = `${options.url.replace(/\/+$/, "")}/v1/log/`;
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#headers = options.headers ?? {};
  }

  /** The current checkpoint's text, unverified: pass it to {@link verifyCheckpoint}. */
  async fetchCheckpoint(): Promise<string> {
    return new TextDecoder().decode(await this.#require("checkpoint", "text/plain"));
  }

  /** The log's verifier key as the hub states it. Pin it once; never trust it per call. */
  async fetchVerifierKey(): Promise<string> {
    return new TextDecoder().decode(await this.#require("key", "text/plain")).trim();
  }

  /** The current checkpoint, verified with the pinned key. */
  async latestCheckpoint(verifierKey: string): Promise<VerifiedCheckpoint> {
    return verifyCheckpoint(await this.fetchCheckpoint(), verifierKey);
  }

  /** A tile's bytes as served (unchecked), or `undefined` when the log has none there. */
  fetchTile: TileFetcher = (tile: TileAddress) =>
    this.#get(tilePath(tile), "application/octet-stream");

  async #require(path: string, accept: string): Promise<Uint8Array> {
    const bytes = await this.#get(path, accept);
    if (bytes === undefined)
      throw new LogVerificationError("ERR_LOG_FETCH", `GET ${path} answered 404.`);
    return bytes;
  }

  /** GETs `<prefix><path>`: its bytes, or `undefined` for a 404. */
  async #get(path: string, accept: string): Promise<Uint8Array | undefined> {
    return checked(async () => {
      let response: Response;
      try {
        response = await this.#fetch(`${this.prefix}${path}`, {
          headers: { accept, ...this.#headers },
        });
      } catch (cause) {
        throw new LogError("ERR_LOG_FETCH", `GET ${path} failed: ${String(cause)}`, { cause });
      }
      if (response.status === 404) return undefined;
      if (!response.ok) {
        throw new LogError("ERR_LOG_FETCH", `GET ${path} answered ${response.status}.`);
      }
      const declared = Number(response.headers.get("content-length") ?? "0");
      if (declared > MAX_RESOURCE_BYTES) {
        throw new LogError("ERR_LOG_FETCH", `GET ${path} answered ${declared} bytes.`);
      }
      const bytes = new Uint8Array(await response.arrayBuffer());
      if (bytes.length > MAX_RESOURCE_BYTES) {
        throw new LogError("ERR_LOG_FETCH", `GET ${path} answered ${bytes.length} bytes.`);
      }
      return bytes;
    });
  }
}

/** A reader of the tiles of the tree `checkpoint`, each checked before it is used. */
export function verifiedTiles(source: TileSource, checkpoint: TreeHead): VerifiedTileReader {
  return new VerifiedTileReader(checkpoint, source.fetchTile);
}

export interface ReceiptInclusion {
  /** The leaf index (the change's seq). */
  index: number;
  /** The RFC 9162 inclusion path, base64, as `GET /v1/bulletins/{id}/proof` answers it. */
  proof: string[];
}

/**
 * Proves from the log's tiles alone that `receipt` is in the checkpoint's tree. With
 * `index` (the change's `seq`) only that leaf is checked (`ERR_LOG_ENTRY_MISMATCH` if it
 * is another change's); without, the level-0 tiles are searched
 * (`ERR_LOG_ENTRY_NOT_FOUND` if no leaf is the receipt's).
 */
export async function proveReceiptIncluded(
  source: TileSource,
  checkpoint: TreeHead,
  receipt: string,
  options: { index?: number } = {},
): Promise<ReceiptInclusion> {
  return checked(async () => {
    const wanted = leafHash(receiptLeafData(receipt.trim()));
    const tiles = verifiedTiles(source, checkpoint);
    let index = options.index;
    if (index !== undefined) {
      if (!Number.isSafeInteger(index) || index < 0 || index >= checkpoint.size) {
        throw new LogError(
          "ERR_LOG_ENTRY_NOT_FOUND",
          `Leaf ${index} is not in the tree of ${checkpoint.size} leaves.`,
        );
      }
      if (!hashesEqual(await tiles.leafHash(index), wanted)) {
        throw new LogError("ERR_LOG_ENTRY_MISMATCH", `Leaf ${index} is another change's.`);
      }
    } else {
      index = await findLeaf(tiles, wanted);
    }
    const proof = await proveInclusion(index, checkpoint.size, tiles.hashSource());
    checkInclusion(wanted, index, checkpoint, proof);
    return { index, proof: proof.map((hash) => base64.encode(hash)) };
  });
}

/** Searches the checked level-0 tiles, newest first (recent receipts are the usual question). */
async function findLeaf(tiles: VerifiedTileReader, wanted: Uint8Array): Promise<number> {
  const size = tiles.head.size;
  const count = Math.ceil(hashesAtLevel(0, size) / TILE_WIDTH);
  for (let n = count - 1; n >= 0; n -= 1) {
    const width = tileWidth(0, n, size);
    const tile = await tiles.readTile({ level: 0, index: n, width });
    for (let i = 0; i < width; i += 1) {
      if (hashesEqual(hashInTile(tile, i), wanted)) return n * TILE_WIDTH + i;
    }
  }
  throw new LogError(
    "ERR_LOG_ENTRY_NOT_FOUND",
    `No leaf of the tree of ${size} leaves is this receipt.`,
  );
}

/**
 * Proves from the tiles of `newer` alone that it extends `older`, both verified
 * checkpoints: the consistency proof is built from checked tiles and verified against
 * both roots. Throws `ERR_LOG_INCONSISTENT` on a fork, a rewrite or a log that shrank.
 */
export async function proveCheckpointExtends(
  source: TileSource,
  older: TreeHead,
  newer: TreeHead,
): Promise<{ proof: string[] }> {
  return checked(async () => {
    if (older.size > newer.size) {
      throw new LogError(
        "ERR_LOG_INCONSISTENT",
        `The log shrank from ${older.size} to ${newer.size} leaves.`,
      );
    }
    const tiles = verifiedTiles(source, newer);
    const proof = await proveConsistency(older.size, newer.size, tiles.hashSource());
    checkConsistency(older, newer, proof);
    return { proof: proof.map((hash) => base64.encode(hash)) };
  });
}

/** The leaf data of the entries of bundle `index`, checked against the checkpoint. */
export async function readEntries(
  source: TileSource,
  checkpoint: TreeHead,
  index: number,
): Promise<Uint8Array[]> {
  return checked(() => verifiedTiles(source, checkpoint).readEntries(index));
}
