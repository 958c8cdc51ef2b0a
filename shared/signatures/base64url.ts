/**
 * Canonical unpadded base64url (RFC 7515 §2). Decoders may skip characters they do
 * not know and ignore trailing bits, so two different strings could decode to one
 * byte string; Cordon compares JWS strings (idempotent re-posts, stored bytes), so
 * only the one canonical spelling of a byte string is accepted. Node's Buffer does
 * the work where there is one (it is many times faster), @scure/base elsewhere.
 */

import { base64urlnopad } from "@scure/base";
import { NodeBuffer } from "./native.js";

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Decodes `text`, or answers `undefined` if it is not the canonical encoding of its bytes. */
export function decodeBase64UrlCanonical(text: string): Uint8Array | undefined {
  if (!BASE64URL.test(text) || text.length % 4 === 1) return undefined;
  let bytes: Uint8Array;
  if (NodeBuffer !== undefined) {
    const buffer = NodeBuffer.from(text, "base64url");
    bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } else {
    try {
      bytes = base64urlnopad.decode(text);
    } catch {
      return undefined; // @scure/base refuses non-zero padding bits itself
    }
  }
  return encodeBase64Url(bytes) === text ? bytes : undefined;
}

export function encodeBase64Url(bytes: Uint8Array): string {
  if (NodeBuffer !== undefined) {
    return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64url");
  }
  return base64urlnopad.encode(bytes);
}

/** Equal bytes (not constant-time: for comparing what was verified, not secrets). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}
