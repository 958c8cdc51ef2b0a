/**
 * Receipts (DESIGN §4): the hub's signed statement of when it received a bulletin,
 * so anyone can tell whether a bulletin predates the revocation of the key that
 * signed it. Signed with the hub's current key, whose `kid` is in the header, and
 * verified against the hub's published JWKS.
 */

import * as z from "zod";
import { toPointer } from "../json/strict-json.js";
import { decodeCompactJws, jsonPayloadBytes, signCompactJws, verifyDecodedJws } from "./compact.js";
import { SignatureError } from "./errors.js";
import type { Jwks, SigningKey } from "./types.js";

export const RECEIPT_TYP = "cordon-receipt+jws";

export interface ReceiptClaims {
  /** The bulletin id. */
  id: string;
  /** The publishing organisation. */
  issuer: string;
  /** The publisher key that signed the bulletin (not the hub key). */
  kid: string;
  content_sha256: string;
  /** RFC 3339 UTC. */
  received_at: string;
}

export const ReceiptClaimsSchema: z.ZodType<ReceiptClaims> = z.object({
  id: z.string().min(1),
  issuer: z.string().min(1),
  kid: z.string().min(1),
  content_sha256: z.string().regex(/^[0-9a-f]{64}$/, "content_sha256 is 64 lowercase hex digits."),
  received_at: z.string().min(1),
});

/** Signs a receipt; members are written in a fixed order so equal claims give equal bytes. */
export async function signReceipt(claims: ReceiptClaims, hubKey: SigningKey): Promise<string> {
  const ordered: ReceiptClaims = {
    id: claims.id,
    issuer: claims.issuer,
    kid: claims.kid,
    content_sha256: claims.content_sha256,
    received_at: claims.received_at,
  };
  return signCompactJws(jsonPayloadBytes(ordered), RECEIPT_TYP, hubKey);
}

/** Verifies a receipt against the hub's JWKS, choosing the key by the header's `kid`. */
export async function verifyReceipt(receipt: string, hubJwks: Jwks): Promise<ReceiptClaims> {
  const decoded = decodeCompactJws(receipt, RECEIPT_TYP);
  const jwk = hubJwks.keys.find((key) => key.kid === decoded.header.kid);
  if (jwk === undefined) {
    throw new SignatureError("ERR_JWS_KID_UNKNOWN", "No hub key has this kid.", {
      pointer: "/kid",
      segment: "header",
    });
  }
  await verifyDecodedJws(decoded, jwk);
  const parsed = ReceiptClaimsSchema.safeParse(decoded.payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SignatureError(
      issue?.code === "invalid_type" && issue.path.length === 0
        ? "ERR_JWS_PAYLOAD_NOT_OBJECT"
        : "ERR_JWS_MALFORMED",
      "The receipt claims are not valid.",
      { pointer: toPointer(issue?.path ?? []), segment: "payload" },
    );
  }
  return parsed.data;
}
