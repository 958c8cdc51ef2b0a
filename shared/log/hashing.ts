/**
 * RFC 6962 / RFC 9162 §2.1.1 Merkle tree hashing, with domain separation between leaves
 * and interior nodes so no leaf can pose as a node: leaf = SHA-256(0x00 ‖ data),
 * node = SHA-256(0x01 ‖ left ‖ right), and the empty tree's root is SHA-256 of nothing.
 * @noble/hashes rather than node:crypto, so the same code runs in browsers.
 */

import { sha256 } from "@noble/hashes/sha2.js";
import { LogError } from "./errors.js";
import { HASH_SIZE } from "./types.js";

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

/** The root of the tree with no leaves: SHA-256(""). */
export const EMPTY_ROOT: Uint8Array = sha256(new Uint8Array(0));

export function leafHash(data: Uint8Array): Uint8Array {
  const input = new Uint8Array(1 + data.length);
  input[0] = LEAF_PREFIX;
  input.set(data, 1);
  return sha256(input);
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  const input = new Uint8Array(1 + 2 * HASH_SIZE);
  input[0] = NODE_PREFIX;
  input.set(left, 1);
  input.set(right, 1 + HASH_SIZE);
  return sha256(input);
}

/** SHA-256 of `bytes`: leaf data is the digest of a receipt, not the receipt itself. */
export function sha256Digest(bytes: Uint8Array): Uint8Array {
  return sha256(bytes);
}

/** Compares two hashes. Not constant-time: every hash in the log is public. */
export function hashesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

/** Refuses anything that is not exactly one hash (a caller's proof, a root). */
export function assertHash(hash: Uint8Array, what: string): void {
  if (!(hash instanceof Uint8Array) || hash.length !== HASH_SIZE) {
    throw new LogError("ERR_LOG_HASH_MALFORMED", `${what} is not a ${HASH_SIZE}-byte hash.`);
  }
}
