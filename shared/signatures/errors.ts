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

/**
 * Why the hub refused a request token, as a 401 problem's `code` (DESIGN §15). Each
 * names a check a partner can fix; `credentials_rejected` is one code for everything
 * that would tell whether an organisation or key exists (unknown organisation or key,
 * revoked key, suspended organisation, bad signature).
 */
export const TOKEN_REFUSALS = [
  "token_malformed",
  "token_expired",
  "token_not_yet_valid",
  "token_lifetime_too_long",
  "audience_mismatch",
  "request_binding_mismatch",
  "token_replayed",
  "credentials_rejected",
] as const;

export type TokenRefusal = (typeof TOKEN_REFUSALS)[number];

/**
 * A refused request token: `code` is the precise check (for logs), `refusal` what
 * the partner is told. Everything after the key lookup is `credentials_rejected`,
 * whatever `code` says, so the answer never depends on the key found.
 */
export class RequestTokenError extends SignatureError {
  override name = "RequestTokenError";
  readonly refusal: TokenRefusal;

  constructor(refusal: TokenRefusal, cause: SignatureError) {
    super(cause.code, cause.message, {
      cause,
      ...(cause.pointer === undefined ? {} : { pointer: cause.pointer }),
      ...(cause.segment === undefined ? {} : { segment: cause.segment }),
    });
    this.refusal = refusal;
  }
}

export function isSignatureError(error: unknown): error is SignatureError {
  return error instanceof SignatureError;
}
