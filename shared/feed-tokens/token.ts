/**
 * The token itself: `cft_<id>_<43 base64url characters>` (256 random bits), shown to its
 * holder once. The hub keeps only its SHA-256 and compares digests in constant time;
 * an unknown id is compared against a fixed digest all the same, so an unknown id and
 * a wrong secret take one path.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

const TOKEN = /^cft_([0-9A-HJKMNP-TV-Z]{26})_([A-Za-z0-9_-]{43})$/;
/** Compared with when no token has the id presented: matches nothing (no text hashes to it). */
const NO_DIGEST = Buffer.alloc(32);

/** A new token for the id: 256 bits from the system's CSPRNG. */
export function newFeedToken(id: string): string {
  return `cft_${id}_${randomBytes(32).toString("base64url")}`;
}

/** The id a token carries, if it has a token's form. */
export function feedTokenId(token: string): string | undefined {
  return TOKEN.exec(token)?.[1];
}

/** What the hub stores: base64url SHA-256 of the token text. */
export function feedTokenDigest(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("base64url");
}

/**
 * Whether `token` hashes to `stored` (undefined: no token has this id). One SHA-256 and
 * one constant-time comparison of 32 bytes, whatever the answer.
 */
export function matchesDigest(token: string, stored: string | undefined): boolean {
  const presented = createHash("sha256").update(token, "utf8").digest();
  const expected = stored === undefined ? undefined : Buffer.from(stored, "base64url");
  const against = expected?.length === 32 ? expected : NO_DIGEST;
  return digestsEqual(presented, against) && against !== NO_DIGEST;
}

/** The one comparison of digests (exported so a test can check every path goes through it). */
export const comparison = {
  equal: (a: Buffer, b: Buffer): boolean => timingSafeEqual(a, b),
};

function digestsEqual(a: Buffer, b: Buffer): boolean {
  return comparison.equal(a, b);
}
