/**
 * Proof of possession for a key being added (DESIGN §3, `POST /v1/keys`): a compact
 * JWS made with the NEW key over `{iss, kid, iat}`, so no one registers a public key
 * they do not hold, or one held by another organisation. Every failure is
 * `ERR_PROOF_INVALID` except a proof outside its time window, `ERR_PROOF_STALE`; the
 * underlying code stays in `cause` for logs.
 */

import { decodeCompactJws, jsonPayloadBytes, signCompactJws, verifyDecodedJws } from "./compact.js";
import { SignatureError } from "./errors.js";
import type { PublicJwk, Signer } from "./types.js";

export const KEY_PROOF_TYP = "cordon-key-proof+jws";
/** A proof is good for five minutes after `iat` (DESIGN §3). */
export const KEY_PROOF_MAX_AGE_SECONDS = 300;
/** …and may be dated up to the usual clock skew ahead of the hub. */
export const KEY_PROOF_FUTURE_SKEW_SECONDS = 60;

export interface KeyProofClaims {
  iss: string;
  kid: string;
  iat: number;
}

export interface SignKeyProofInput {
  iss: string;
  /** The new key, which the proof is made with. */
  key: Signer;
  now?: Date;
}

export async function signKeyProof(input: SignKeyProofInput): Promise<string> {
  const claims: KeyProofClaims = {
    iss: input.iss,
    kid: input.key.kid,
    iat: Math.floor((input.now ?? new Date()).getTime() / 1000),
  };
  return signCompactJws(jsonPayloadBytes(claims), KEY_PROOF_TYP, input.key);
}

export interface VerifyKeyProofInput {
  /** The NEW key being registered (already parsed with PublicJwkSchema). */
  jwk: PublicJwk;
  /** The organisation registering it: the authenticated token's `iss`. */
  iss: string;
  now: Date;
}

export async function verifyKeyProof(proof: string, expected: VerifyKeyProofInput): Promise<void> {
  let claims: KeyProofClaims;
  try {
    const decoded = decodeCompactJws(proof, KEY_PROOF_TYP);
    if (decoded.header.kid !== expected.jwk.kid) {
      throw new SignatureError("ERR_PROOF_INVALID", "The proof's kid is not the new key's kid.");
    }
    claims = readClaims(decoded.payload);
    if (claims.iss !== expected.iss || claims.kid !== expected.jwk.kid) {
      throw new SignatureError("ERR_PROOF_INVALID", "The proof names another organisation or key.");
    }
    // verifyDecodedJws also refuses an alg that does not fit the new key.
    await verifyDecodedJws(decoded, expected.jwk);
  } catch (cause) {
    if (cause instanceof SignatureError && cause.code === "ERR_PROOF_INVALID") throw cause;
    if (cause instanceof SignatureError) {
      throw new SignatureError(
        "ERR_PROOF_INVALID",
        `The key proof is not valid: ${cause.message}`,
        {
          cause,
          ...(cause.pointer === undefined ? {} : { pointer: cause.pointer }),
          ...(cause.segment === undefined ? {} : { segment: cause.segment }),
        },
      );
    }
    throw cause;
  }
  const nowSeconds = expected.now.getTime() / 1000;
  if (
    claims.iat < nowSeconds - KEY_PROOF_MAX_AGE_SECONDS ||
    claims.iat > nowSeconds + KEY_PROOF_FUTURE_SKEW_SECONDS
  ) {
    throw new SignatureError(
      "ERR_PROOF_STALE",
      "The key proof must be made within the last 5 minutes.",
      { pointer: "/iat", segment: "payload" },
    );
  }
}

function readClaims(payload: unknown): KeyProofClaims {
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    throw new SignatureError("ERR_PROOF_INVALID", "The key proof payload is not an object.");
  }
  const { iss, kid, iat } = payload as Record<string, unknown>;
  if (typeof iss !== "string" || typeof kid !== "string" || !Number.isSafeInteger(iat)) {
    throw new SignatureError(
      "ERR_PROOF_INVALID",
      "The key proof needs iss and kid strings and an integer iat.",
    );
  }
  return { iss, kid, iat: iat as number };
}
