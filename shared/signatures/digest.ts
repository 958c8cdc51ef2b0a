/**
 * SHA-256 in the two spellings the wire contract uses: lowercase hex for
 * `content_sha256` (DESIGN §9) and unpadded base64url for a token's `bsh` and for
 * JWK thumbprints (RFC 7638). Node's native hash where there is one (the hub hashes
 * every request body), @noble/hashes in a browser.
 */

import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { encodeBase64Url } from "./base64url.js";
import { nodeCrypto } from "./native.js";

export function sha256Hex(bytes: Uint8Array): string {
  if (nodeCrypto !== undefined) return nodeCrypto.createHash("sha256").update(bytes).digest("hex");
  return bytesToHex(sha256(bytes));
}

export function sha256Base64Url(bytes: Uint8Array): string {
  if (nodeCrypto !== undefined) {
    return nodeCrypto.createHash("sha256").update(bytes).digest("base64url");
  }
  return encodeBase64Url(sha256(bytes));
}
