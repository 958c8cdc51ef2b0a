/**
 * What a leaf of Cordon's log is (DESIGN §14): the 32-byte SHA-256 of a change's receipt
 * — the compact JWS's ASCII bytes, the publish receipt or the hub-signed change receipt
 * (`typ: "cordon-change+jws"`). Leaves reveal nothing; only a receipt's holder can find
 * it in the log.
 */

import { LogError } from "./errors.js";
import { leafHash, sha256Digest } from "./hashing.js";

/** Three base64url segments, the middle one possibly empty: a compact JWS. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$/;

/** The leaf data of a change: SHA-256 of its receipt's ASCII bytes. */
export function receiptLeafData(receipt: string): Uint8Array {
  if (!COMPACT_JWS.test(receipt)) {
    throw new LogError("ERR_LOG_RECEIPT_MALFORMED", "A receipt is a compact JWS.");
  }
  const bytes = new Uint8Array(receipt.length);
  for (let i = 0; i < receipt.length; i += 1) bytes[i] = receipt.charCodeAt(i);
  return sha256Digest(bytes);
}

/** The RFC 6962 leaf hash of a change, as level-0 tiles hold it. */
export function receiptLeafHash(receipt: string): Uint8Array {
  return leafHash(receiptLeafData(receipt));
}
