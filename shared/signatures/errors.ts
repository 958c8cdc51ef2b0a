/**
 * Errors of the signatures module. Every refusal carries a stable `code` that callers
 * switch on (the HTTP layer maps token codes to 401, key and bulletin codes to 422)
 * and, where it helps, a JSON `pointer` into the document at fault. Messages never
 * hold the token, claim values or key material: they reach logs.
 */

export const SIGNATURE_ERROR_CODES = [
  // Any compact JWS (tokens, bulletins, key proofs, receipts).
  "ERR_JWS_MALFORMED",
  "ERR_JWS_DUPLICATE_MEMBER",
  "ERR_JWS_HEADER_MEMBER",
  "ERR_JWS_ALG_NOT_ALLOWED",
  "ERR_JWS_TYP",
  "ERR_JWS_KID_UNKNOWN",
  "ERR_JWS_ALG_KEY_MISMATCH",
  "ERR_JWS_SIGNATURE_INVALID",
  "ERR_JWS_PAYLOAD_NOT_OBJECT",
  // Request tokens (DESIGN §3).
  "ERR_TOKEN_MISSING",
  "ERR_TOKEN_SCHEME",
  "ERR_TOKEN_CLAIM_MISSING",
  "ERR_TOKEN_CLAIM_INVALID",
  "ERR_TOKEN_AUDIENCE",
  "ERR_TOKEN_EXPIRED",
  "ERR_TOKEN_NOT_YET_VALID",
  "ERR_TOKEN_LIFETIME",
  "ERR_TOKEN_HTM",
  "ERR_TOKEN_HTU",
  "ERR_TOKEN_BSH",
  "ERR_TOKEN_REPLAYED",
  // Keys and key proofs.
  "ERR_KEY_INVALID",
  "ERR_KEY_PRIVATE_MATERIAL",
  "ERR_PROOF_INVALID",
  "ERR_PROOF_STALE",
] as const;

export type SignatureErrorCode = (typeof SIGNATURE_ERROR_CODES)[number];

/** Which part of a compact JWS a `pointer` points into. */
export type JwsSegment = "header" | "payload" | "signature";

export interface SignatureErrorOptions {
  /** JSON pointer (RFC 6901) into the document at fault: a JWK, a header or a payload. */
  pointer?: string;
  segment?: JwsSegment;
  cause?: unknown;
}

export class SignatureError extends Error {
  override name = "SignatureError";
  readonly code: SignatureErrorCode;
  readonly pointer?: string;
  readonly segment?: JwsSegment;

  constructor(code: SignatureErrorCode, message: string, options: SignatureErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options.pointer !== undefined) this.pointer = options.pointer;
    if (options.segment !== undefined) this.segment = options.segment;
  }
}

export function isSignatureError(error: unknown): error is SignatureError {
  return error instanceof SignatureError;
}
