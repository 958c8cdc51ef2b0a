/**
 * Checking a bulletin without trusting the hub: the publisher's own JWS against the
 * publisher's published keys, and the hub's receipt against the hub's keys. A key
 * revoked after the bulletin was received still proves it: the receipt, signed by the
 * hub, shows the bulletin reached the hub before the key was revoked.
 */
import type { BulletinPayload } from "../../shared/bulletins/schema.js";
import {
  contentSha256,
  decodeBulletinJws,
  verifyBulletinJws,
} from "../../shared/signatures/bulletin-jws.js";
import { SignatureError } from "../../shared/signatures/errors.js";
import { parsePublicJwk } from "../../shared/signatures/keys.js";
import { type ReceiptClaims, verifyReceipt } from "../../shared/signatures/receipt.js";
import type { DecodedJws, Jwks, PublicJwk } from "../../shared/signatures/types.js";
import { BulletinVerificationError } from "./errors.js";
import type { KeyStatus, OrgJwks } from "./types.js";

export type { ReceiptClaims };
export { verifyReceipt };

export interface VerifyBulletinOptions {
  /** The hub's receipt for this bulletin; checked when `hubJwks` is given too. */
  receipt?: string;
  /** The hub's JWKS (`/.well-known/jwks.json`). */
  hubJwks?: Jwks;
}

export interface VerifiedBulletin {
  /** The payload exactly as the publisher signed it. */
  payload: BulletinPayload;
  /** The publisher key that signed it. */
  kid: string;
  /** Lowercase hex SHA-256 of the signed payload bytes. */
  contentSha256: string;
  /** The key's status in the publisher's JWKS; `unknown` for a plain JWKS without history. */
  keyStatus: KeyStatus | "unknown";
  /** When the key was revoked, if it was. */
  keyRevokedAt: string | null;
  /** The receipt's claims, when a receipt and the hub's JWKS were given. */
  receipt?: ReceiptClaims;
  /**
   * Whether the hub received the bulletin before its key was revoked: only known for a
   * revoked key whose receipt was checked. A bulletin signed with a revoked key is
   * to be trusted only when this is true.
   */
  receivedBeforeRevocation?: boolean;
}

/**
 * Verifies a bulletin JWS with the publisher's key named by its header `kid` — any
 * status, since revoked keys stay published so old bulletins stay verifiable — and,
 * given a receipt and the hub's JWKS, that the receipt is the hub's and is about this
 * very bulletin. Throws a {@link BulletinVerificationError} on any failure.
 */
export async function verifyBulletin(
  jws: string,
  publisherJwks: OrgJwks | Jwks,
  options: VerifyBulletinOptions = {},
): Promise<VerifiedBulletin> {
  let decoded: DecodedJws;
  try {
    decoded = decodeBulletinJws(jws.trim());
  } catch (cause) {
    throw new BulletinVerificationError(
      "ERR_BULLETIN_MALFORMED",
      `This is not a bulletin JWS: ${messageOf(cause)}`,
      { cause },
    );
  }
  const kid = decoded.header.kid;
  const published = (publisherJwks.keys as readonly (PublicJwk & HistoryMembers)[]).find(
    (key) => key.kid === kid,
  );
  if (published === undefined) {
    throw new BulletinVerificationError(
      "ERR_BULLETIN_KEY_UNKNOWN",
      `The publisher has published no key with kid ${kid}.`,
    );
  }
  try {
    await verifyBulletinJws(decoded, parsePublicJwk(published));
  } catch (cause) {
    throw new BulletinVerificationError(
      "ERR_BULLETIN_SIGNATURE",
      `The publisher's signature does not verify: ${messageOf(cause)}`,
      { cause },
    );
  }
  const payload = decoded.payload as BulletinPayload;
  const sha = contentSha256(decoded);
  const keyStatus = published.status ?? "unknown";
  const keyRevokedAt = published.revoked_at ?? null;
  const result: VerifiedBulletin = {
    payload,
    kid,
    contentSha256: sha,
    keyStatus,
    keyRevokedAt,
  };

  if (options.receipt !== undefined && options.hubJwks !== undefined) {
    let claims: ReceiptClaims;
    try {
      claims = await verifyReceipt(options.receipt.trim(), options.hubJwks);
    } catch (cause) {
      throw new BulletinVerificationError(
        "ERR_RECEIPT_SIGNATURE",
        `The receipt does not verify with the hub's keys: ${messageOf(cause)}`,
        { cause },
      );
    }
    const mismatch = receiptMismatch(claims, { id: payload.id, issuer: payload.issuer, kid, sha });
    if (mismatch !== undefined) {
      throw new BulletinVerificationError(
        "ERR_RECEIPT_MISMATCH",
        `The receipt is not about this bulletin: its ${mismatch} differs.`,
      );
    }
    result.receipt = claims;
    if (keyRevokedAt !== null) {
      result.receivedBeforeRevocation = Date.parse(claims.received_at) < Date.parse(keyRevokedAt);
    }
  }
  return result;
}

/** What `GET /v1/orgs/{id}/jwks` adds to each key; absent from a plain JWKS. */
interface HistoryMembers {
  status?: KeyStatus;
  revoked_at?: string | null;
}

function receiptMismatch(
  claims: ReceiptClaims,
  expected: { id: string; issuer: string; kid: string; sha: string },
): string | undefined {
  if (claims.id !== expected.id) return "id";
  if (claims.issuer !== expected.issuer) return "issuer";
  if (claims.kid !== expected.kid) return "kid";
  if (claims.content_sha256 !== expected.sha) return "content_sha256";
  return undefined;
}

function messageOf(cause: unknown): string {
  if (cause instanceof SignatureError) return `${cause.message} (${cause.code})`;
  return cause instanceof Error ? cause.message : String(cause);
}
