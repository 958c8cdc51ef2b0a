/**
 * The checks every Cordon JWS gets — request tokens, bulletins, key proofs and
 * receipts alike (DESIGN §3 and §9 "Small print"): strict decoding before any key is
 * looked up, then signature verification through jose with an explicit allowlist.
 */

import { CompactSign, compactVerify, errors as joseErrors } from "jose";
import {
  escapePointer,
  parseStrictJson,
  parseStrictJsonBytes,
  type StrictJsonFailure,
} from "../json/strict-json.js";
import { decodeBase64UrlCanonical, sameBytes } from "./base64url.js";
import { type JwsSegment, SignatureError } from "./errors.js";
import {
  algorithmsForKey,
  assertAlgFitsKey,
  importSignKey,
  importVerifyKey,
  KID_PATTERN,
} from "./keys.js";
import type { DecodedJws, JwsHeader, PublicJwk, Signer, SigningAlg } from "./types.js";

export { sha256Base64Url, sha256Hex } from "./digest.js";
export type { DecodedJws, JwsHeader } from "./types.js";

/**
 * `none`, every HMAC algorithm (the public-key-as-HMAC-secret confusion) and every
 * RSA algorithm are outside this set and refused before any key is touched.
 */
export const ALLOWED_ALGORITHMS: readonly SigningAlg[] = Object.freeze([
  "EdDSA",
  "Ed25519",
  "ES256",
]);

/**
 * Only these header members. Anything else (`crit`, `b64`, `jwk`, `jku`, `x5u`, `x5c`,
 * `cty`, …) is refused: each either changes how the JWS is processed or names a key
 * from inside the message, and Cordon chooses keys only by `iss` and `kid`.
 */
const HEADER_MEMBERS: ReadonlySet<string> = new Set(["alg", "kid", "typ"]);

/** Ed25519 signatures and ES256 signatures (R‖S, RFC 7518 §3.4) are both 64 bytes. */
const SIGNATURE_BYTES = 64;

const textEncoder = new TextEncoder();

function isAllowedAlg(alg: unknown): alg is SigningAlg {
  return typeof alg === "string" && (ALLOWED_ALGORITHMS as readonly string[]).includes(alg);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function strictJsonError(failure: StrictJsonFailure, segment: JwsSegment): SignatureError {
  if (failure.kind === "duplicate") {
    return new SignatureError(
      "ERR_JWS_DUPLICATE_MEMBER",
      `The JWS ${segment} repeats a member name.`,
      { pointer: failure.pointer, segment },
    );
  }
  return new SignatureError(
    "ERR_JWS_MALFORMED",
    `The JWS ${segment} is not strict JSON: ${failure.message}`,
    {
      pointer: failure.pointer,
      segment,
    },
  );
}

/**
 * Splits and strictly decodes a compact JWS without verifying it. Refuses: anything
 * but three canonical unpadded base64url segments; a header that is not a strict-JSON
 * object; `alg` outside {EdDSA, Ed25519, ES256}; any header member other than
 * alg/kid/typ; `typ` ≠ `expectedTyp` (exact); `kid` missing, not a string, or not a
 * possible key id; a payload that is not strict JSON (a duplicate name answers
 * `ERR_JWS_DUPLICATE_MEMBER` with the pointer inside the payload); a signature that
 * is not 64 bytes. Throws only {@link SignatureError}.
 */
export function decodeCompactJws(compact: string, expectedTyp: string): DecodedJws {
  if (typeof compact !== "string") {
    throw new SignatureError("ERR_JWS_MALFORMED", "A compact JWS must be a string.");
  }
  const parts = compact.split(".");
  if (parts.length !== 3) {
    throw new SignatureError("ERR_JWS_MALFORMED", "A compact JWS has exactly three segments.");
  }
  const [headerPart = "", payloadPart = "", signaturePart = ""] = parts;

  const headerBytes = decodeSegment(headerPart, "header");
  const headerResult = parseStrictJsonBytes(headerBytes);
  if (!headerResult.ok) throw strictJsonError(headerResult, "header");
  const header = headerResult.value;
  if (!isRecord(header)) {
    throw new SignatureError("ERR_JWS_MALFORMED", "The JWS header is not a JSON object.", {
      segment: "header",
    });
  }
  if (!isAllowedAlg(header.alg)) {
    throw new SignatureError(
      "ERR_JWS_ALG_NOT_ALLOWED",
      "The JWS alg is not one of EdDSA, Ed25519, ES256.",
      { pointer: "/alg", segment: "header" },
    );
  }
  for (const member of Object.keys(header)) {
    if (!HEADER_MEMBERS.has(member)) {
      throw new SignatureError(
        "ERR_JWS_HEADER_MEMBER",
        "The JWS header may hold only alg, kid and typ.",
        { pointer: `/${escapePointer(member)}`, segment: "header" },
      );
    }
  }
  if (header.typ !== expectedTyp) {
    throw new SignatureError("ERR_JWS_TYP", `The JWS typ must be ${expectedTyp}.`, {
      pointer: "/typ",
      segment: "header",
    });
  }
  if (typeof header.kid !== "string" || header.kid.length === 0) {
    throw new SignatureError("ERR_JWS_MALFORMED", "The JWS header needs a kid string.", {
      pointer: "/kid",
      segment: "header",
    });
  }
  // No registrable key has such a kid (keys.ts KID_PATTERN), so it is unknown
  // without a lookup; refusing here also keeps odd strings out of storage keys.
  if (!KID_PATTERN.test(header.kid)) {
    throw new SignatureError("ERR_JWS_KID_UNKNOWN", "No key has this kid.", {
      pointer: "/kid",
      segment: "header",
    });
  }

  const payloadBytes = decodeSegment(payloadPart, "payload");
  const payloadResult = parseStrictJsonBytes(payloadBytes);
  if (!payloadResult.ok) throw strictJsonError(payloadResult, "payload");

  const signature = decodeSegment(signaturePart, "signature");
  if (signature.length !== SIGNATURE_BYTES) {
    throw new SignatureError(
      "ERR_JWS_MALFORMED",
      "The JWS signature must be 64 bytes (for ES256: R and S concatenated, not DER).",
      { segment: "signature" },
    );
  }

  return {
    header: { alg: header.alg, kid: header.kid, typ: header.typ },
    payloadBytes,
    payload: payloadResult.value,
    compact,
  };
}

function decodeSegment(segment: string, name: JwsSegment): Uint8Array {
  const bytes = segment.length === 0 ? undefined : decodeBase64UrlCanonical(segment);
  if (bytes === undefined) {
    throw new SignatureError(
      "ERR_JWS_MALFORMED",
      `The JWS ${name} is not canonical unpadded base64url.`,
      { segment: name },
    );
  }
  return bytes;
}

/**
 * Verifies `decoded`'s signature with `jwk`. The header's alg must fit the key
 * (`ERR_JWS_ALG_KEY_MISMATCH`); jose is given the key's algorithms as its allowlist
 * and the cached imported CryptoKey, never the JWK.
 */
export async function verifyDecodedJws(decoded: DecodedJws, jwk: PublicJwk): Promise<void> {
  const allowed = algorithmsForKey(jwk);
  if (!allowed.includes(decoded.header.alg)) {
    throw new SignatureError("ERR_JWS_ALG_KEY_MISMATCH", "The JWS alg does not fit the key.", {
      pointer: "/alg",
      segment: "header",
    });
  }
  const key = await importVerifyKey(jwk);
  let verifiedPayload: Uint8Array;
  try {
    ({ payload: verifiedPayload } = await compactVerify(decoded.compact, key, {
      algorithms: [...allowed],
    }));
  } catch (cause) {
    throw joseFailure(cause);
  }
  // `decoded` is a plain object a caller could have altered after decoding; what was
  // verified must be what the caller goes on to read.
  if (!sameBytes(verifiedPayload, decoded.payloadBytes)) {
    throw new SignatureError(
      "ERR_JWS_SIGNATURE_INVALID",
      "The decoded payload is not the signed one.",
    );
  }
}

function joseFailure(cause: unknown): SignatureError {
  if (cause instanceof joseErrors.JOSEAlgNotAllowed) {
    return new SignatureError("ERR_JWS_ALG_KEY_MISMATCH", "The JWS alg does not fit the key.", {
      cause,
    });
  }
  if (cause instanceof joseErrors.JWSInvalid) {
    return new SignatureError("ERR_JWS_MALFORMED", "The JWS is malformed.", { cause });
  }
  return new SignatureError("ERR_JWS_SIGNATURE_INVALID", "The JWS signature does not verify.", {
    cause,
  });
}

/** Signs `payloadBytes` with header `{alg, kid, typ}` in that order, and nothing else. */
export async function signCompactJws(
  payloadBytes: Uint8Array,
  typ: string,
  key: Signer,
): Promise<string> {
  assertAlgFitsKey(key);
  if (!KID_PATTERN.test(key.kid)) {
    throw new SignatureError("ERR_KEY_INVALID", "The signing key's kid is not a valid key id.");
  }
  const header: JwsHeader = { alg: key.alg, kid: key.kid, typ };
  return new CompactSign(payloadBytes)
    .setProtectedHeader({ ...header })
    .sign(await importSignKey(key));
}

/**
 * UTF-8 of `JSON.stringify(value)`: the payload bytes Cordon signs. `JSON.stringify`
 * writes a lone surrogate as a `\udXXX` escape, which strict JSON (I-JSON) refuses, so
 * such a payload is refused here rather than signed into a JWS no one would accept.
 */
export function jsonPayloadBytes(value: object): Uint8Array {
  const text = JSON.stringify(value);
  const check = parseStrictJson(text);
  if (!check.ok) {
    throw new SignatureError("ERR_JWS_MALFORMED", "The payload is not I-JSON.", {
      pointer: check.pointer,
      segment: "payload",
    });
  }
  return textEncoder.encode(text);
}
