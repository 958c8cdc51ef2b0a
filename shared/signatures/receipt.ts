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
/** A revocation's or supersession's receipt (DESIGN §14): the hub's word on a change. */
export const CHANGE_RECEIPT_TYP = "cordon-change+jws";

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

/** What a change receipt says: which change of which bulletin, and its place in the log. */
export interface ChangeReceiptClaims {
  id: string;
  issuer: string;
  kind: "revoked" | "superseded";
  seq: number;
  /** RFC 3339 UTC with microseconds. */
  at: string;
}

export const ChangeReceiptClaimsSchema: z.ZodType<ChangeReceiptClaims> = z.object({
  id: z.string().min(1),
  issuer: z.string().min(1),
  kind: z.enum(["revoked", "superseded"]),
  seq: z.int().min(0),
  at: z.string().min(1),
});

/** Signs a change receipt, members in a fixed order. */
export async function signChangeReceipt(
  claims: ChangeReceiptClaims,
  hubKey: SigningKey,
): Promise<string> {
  const ordered: ChangeReceiptClaims = {
    id: claims.id,
    issuer: claims.issuer,
    kind: claims.kind,
    seq: claims.seq,
    at: claims.at,
  };
  return signCompactJws(jsonPayloadBytes(ordered), CHANGE_RECEIPT_TYP, hubKey);
}

/** Verifies a change receipt against the hub's JWKS. */
export async function verifyChangeReceipt(
  receipt: string,
  hubJwks: Jwks,
): Promise<ChangeReceiptClaims> {
  const decoded = decodeCompactJws(receipt, CHANGE_RECEIPT_TYP);
  const jwk = hubJwks.keys.find((key) => key.kid === decoded.header.kid);
  if (jwk === undefined) {
    throw new SignatureError("ERR_JWS_KID_UNKNOWN", "No hub key has this kid.", {
      pointer: "/kid",
      segment: "header",
    });
  }
  await verifyDecodedJws(decoded, jwk);
  const parsed = ChangeReceiptClaimsSchema.safeParse(decoded.payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SignatureError("ERR_JWS_MALFORMED", "The change receipt claims are not valid.", {
      pointer: toPointer(issue?.path ?? []),
      segment: "payload",
    });
  }
  return parsed.data;
}
