/**
 * SHA-256 in the two spellings the wire contract uses: lowercase hex for
 * `content_sha256` (DESIGN §9) and unpadded base64url for a token's `bsh` and for
 * JWK thumbprints (RFC 7638). node:crypto is used because this code only runs on
 * Node and its native hash is the fastest there.
 */

import { createHash } from "node:crypto";

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export function sha256Base64Url(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("base64url");
}
