/**
 * The publisher's signature on a bulletin (DESIGN §4): a compact JWS with
 * `typ: "cordon-bulletin+jws"` over the UTF-8 JSON payload. The hub stores the JWS
 * byte for byte (invariant 4), so the content hash is taken over the signed bytes,
 * never over a re-serialisation.
 */

import {
  decodeCompactJws,
  jsonPayloadBytes,
  sha256Hex,
  signCompactJws,
  verifyDecodedJws,
} from "./compact.js";
import { SignatureError } from "./errors.js";
import type { DecodedJws, PublicJwk, Signer } from "./types.js";

export const BULLETIN_TYP = "cordon-bulletin+jws";

/** Signs a bulletin; the payload bytes are the UTF-8 of `JSON.stringify(payload)`. */
export async function signBulletin(payload: object, key: Signer): Promise<string> {
  return signCompactJws(jsonPayloadBytes(payload), BULLETIN_TYP, key);
}

/**
 * Strictly decodes a bulletin JWS without verifying it; its payload must be a JSON
 * object. A duplicate member name answers `ERR_JWS_DUPLICATE_MEMBER` with a pointer
 * relative to the payload (`/indicators/3/address`), as DESIGN §9 wants for 422s.
 */
export function decodeBulletinJws(jws: string): DecodedJws {
  const decoded = decodeCompactJws(jws, BULLETIN_TYP);
  const payload = decoded.payload;
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    throw new SignatureError("ERR_JWS_PAYLOAD_NOT_OBJECT", "The bulletin is not a JSON object.", {
      pointer: "",
      segment: "payload",
    });
  }
  return decoded;
}

/** Verifies a decoded bulletin with the publisher key named by its `kid`. */
export async function verifyBulletinJws(decoded: DecodedJws, jwk: PublicJwk): Promise<void> {
  // A token or receipt decoded elsewhere must not pass for a bulletin.
  if (decoded.header.typ !== BULLETIN_TYP) {
    throw new SignatureError("ERR_JWS_TYP", `The JWS typ must be ${BULLETIN_TYP}.`, {
      pointer: "/typ",
      segment: "header",
    });
  }
  await verifyDecodedJws(decoded, jwk);
}

/** Lowercase hex SHA-256 of the payload bytes (the decoded middle segment). */
export function contentSha256(decoded: DecodedJws): string {
  return sha256Hex(decoded.payloadBytes);
}
