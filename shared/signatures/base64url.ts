/**
 * Canonical unpadded base64url (RFC 7515 §2). Node's decoder skips characters it does
 * not know and ignores trailing bits, so two different strings could decode to one
 * byte string; Cordon compares JWS strings (idempotent re-posts, stored bytes), so
 * only the one canonical spelling of a byte string is accepted.
 */

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Decodes `text`, or answers `undefined` if it is not the canonical encoding of its bytes. */
export function decodeBase64UrlCanonical(text: string): Uint8Array | undefined {
  if (!BASE64URL.test(text) || text.length % 4 === 1) return undefined;
  const bytes = Buffer.from(text, "base64url");
  if (bytes.toString("base64url") !== text) return undefined;
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function encodeBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64url");
}
