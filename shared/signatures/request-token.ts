/**
 * Request tokens (DESIGN §3): the JWT a partner signs with its own key for every
 * request, binding it to the hub's audience, a short time window, one use, the HTTP
 * method, the path and query, and the exact body bytes. Verification runs the cheap
 * checks first, so a bad token costs no storage read (DESIGN §8 invariant 3), and
 * spends the `jti` only once everything else has passed.
 */

import { encodeBase64Url } from "./base64url.js";
import {
  type DecodedJws,
  decodeCompactJws,
  jsonPayloadBytes,
  signCompactJws,
  verifyDecodedJws,
} from "./compact.js";
import { sha256Base64Url } from "./digest.js";
import {
  RequestTokenError,
  SignatureError,
  type SignatureErrorCode,
  type TokenRefusal,
} from "./errors.js";
import type { PublicJwk, Signer } from "./types.js";

export const REQUEST_TOKEN_TYP = "cordon-req+jwt";
export const MAX_TOKEN_LIFETIME_SECONDS = 300;
export const CLOCK_SKEW_SECONDS = 60;
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 60;
/** How long after `exp` the replay guard is kept (DESIGN §3). */
export const REPLAY_GUARD_GRACE_SECONDS = 60;
/** Longest `iss` and `jti`: both become parts of storage keys. */
export const MAX_CLAIM_ID_LENGTH = 128;
/**
 * A generous bound on a compact token: a real one is well under 1 KiB. Anything
 * longer is refused before it is decoded.
 */
export const MAX_TOKEN_LENGTH = 8_192;

const textEncoder = new TextEncoder();

export interface RequestTokenInput {
  iss: string;
  aud: string;
  method: string;
  /** Path and query exactly as sent, e.g. `/v1/bulletins?limit=10`; never a full URL. */
  pathAndQuery: string;
  body?: Uint8Array | string;
  key: Signer;
  now?: Date;
  /** Default 60; at most 300. */
  lifetimeSeconds?: number;
  /** Default: 128 random bits, base64url. */
  jti?: string;
}

/** The claims a request token carries. */
export interface RequestTokenClaims {
  iss: string;
  aud: string | string[];
  iat: number;
  exp: number;
  jti: string;
  htm: string;
  htu: string;
  bsh: string;
  nbf?: number;
}

/** Upper-cases ASCII letters only, so no locale or Unicode case folding applies. */
function asciiUpper(text: string): string {
  return text.replace(/[a-z]/g, (letter) => letter.toUpperCase());
}

function bodyBytes(body: Uint8Array | string | undefined): Uint8Array {
  if (body === undefined) return new Uint8Array(0);
  return typeof body === "string" ? textEncoder.encode(body) : body;
}

/** Signs a request token for one request. */
export async function signRequestToken(input: RequestTokenInput): Promise<string> {
  const lifetime = input.lifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS;
  if (!Number.isSafeInteger(lifetime) || lifetime < 1 || lifetime > MAX_TOKEN_LIFETIME_SECONDS) {
    throw new SignatureError(
      "ERR_TOKEN_LIFETIME",
      `A token lives 1 to ${MAX_TOKEN_LIFETIME_SECONDS} seconds.`,
    );
  }
  // Failing here saves a round trip that the hub would answer with 401.
  if (!input.pathAndQuery.startsWith("/")) {
    throw new SignatureError(
      "ERR_TOKEN_HTU",
      "htu is the path and query (starting with /), never a full URL.",
    );
  }
  const iat = Math.floor((input.now ?? new Date()).getTime() / 1000);
  const claims: RequestTokenClaims = {
    iss: input.iss,
    aud: input.aud,
    iat,
    exp: iat + lifetime,
    jti: input.jti ?? encodeBase64Url(crypto.getRandomValues(new Uint8Array(16))),
    htm: asciiUpper(input.method),
    htu: input.pathAndQuery,
    bsh: sha256Base64Url(bodyBytes(input.body)),
  };
  return signCompactJws(jsonPayloadBytes(claims), REQUEST_TOKEN_TYP, input.key);
}

export interface ResolvedKey<P> {
  jwk: PublicJwk;
  principal: P;
}

export interface VerifyRequestTokenInput<P> {
  /** The raw `Authorization` header; the scheme `Bearer` is matched case-insensitively. */
  authorization: string | undefined;
  /** The HTTP method as received. */
  method: string;
  /**
   * As API Gateway HTTP API (payload v2) hands them; `htu` must equal
   * `rawPath + (rawQueryString ? "?" + rawQueryString : "")` exactly.
   */
  rawPath: string;
  rawQueryString: string;
  /** The exact body bytes (base64-decoded where the event said so); empty when none. */
  body: Uint8Array;
  audience: string;
  now: Date;
  /**
   * The one storage read: the organisation's key. Answers `undefined` alike for an
   * unknown iss, unknown kid, revoked key or suspended organisation. A rejection
   * (a storage failure) propagates untouched: it is not an authentication failure.
   */
  resolveKey: (iss: string, kid: string) => Promise<ResolvedKey<P> | undefined>;
  /**
   * Conditional put of the replay guard keyed by iss + jti, kept until
   * `keepUntilEpochSeconds` (exp + 60 s); resolves false if the jti was seen.
   * Called only after every other check passed.
   */
  claimJti: (iss: string, jti: string, keepUntilEpochSeconds: number) => Promise<boolean>;
  /**
   * Runs once the signature has verified and before the `jti` is claimed: what it
   * throws refuses the request with the token still unspent (a rate limit, DESIGN §15).
   */
  beforeSpend?: (principal: P) => Promise<void>;
}

export interface VerifiedRequest<P> {
  iss: string;
  kid: string;
  jti: string;
  iat: number;
  exp: number;
  principal: P;
}

/**
 * Verifies a request token, in this order: Authorization scheme → header (alg
 * allowlist, members, typ, kid) → claims (types) → aud → time → htm → htu → bsh →
 * resolveKey (the one read) → alg fits key → signature → beforeSpend → claimJti. Throws a
 * {@link RequestTokenError} whose `refusal` is what the caller may be told (DESIGN
 * §15); errors thrown by `resolveKey`, `beforeSpend` (a rate limit, say) and `claimJti`
 * propagate as is.
 */
export async function verifyRequestToken<P>(
  input: VerifyRequestTokenInput<P>,
): Promise<VerifiedRequest<P>> {
  let decoded: DecodedJws;
  let claims: RequestTokenClaims;
  try {
    ({ decoded, claims } = checkWithoutKey(input));
  } catch (error) {
    if (error instanceof SignatureError) throw new RequestTokenError(refusalOf(error.code), error);
    throw error;
  }

  const resolved = await input.resolveKey(claims.iss, decoded.header.kid);
  try {
    if (resolved === undefined) {
      throw new SignatureError("ERR_JWS_KID_UNKNOWN", "No active key matches the token.");
    }
    await verifyDecodedJws(decoded, resolved.jwk);
  } catch (error) {
    // Whatever failed once a key was looked up, the caller hears the same thing:
    // telling a bad signature from an unknown key would say that the key exists.
    if (error instanceof SignatureError) throw new RequestTokenError("credentials_rejected", error);
    throw error;
  }
  // Only a request its organisation really signed may spend from its buckets (§15); a
  // refusal here leaves the token unspent.
  await input.beforeSpend?.(resolved.principal);

  const fresh = await input.claimJti(
    claims.iss,
    claims.jti,
    claims.exp + REPLAY_GUARD_GRACE_SECONDS,
  );
  if (!fresh) {
    throw new RequestTokenError(
      "token_replayed",
      new SignatureError("ERR_TOKEN_REPLAYED", "This token has been used already.", {
        pointer: "/jti",
      }),
    );
  }
  return {
    iss: claims.iss,
    kid: decoded.header.kid,
    jti: claims.jti,
    iat: claims.iat,
    exp: claims.exp,
    principal: resolved.principal,
  };
}

/** Every check that needs no storage: a token failing one costs no read (invariant 3). */
function checkWithoutKey(
  input: Pick<
    VerifyRequestTokenInput<unknown>,
    "authorization" | "method" | "rawPath" | "rawQueryString" | "body" | "audience" | "now"
  >,
): { decoded: DecodedJws; claims: RequestTokenClaims } {
  const token = bearerToken(input.authorization);
  const decoded = decodeCompactJws(token, REQUEST_TOKEN_TYP);
  const claims = readClaims(decoded.payload);

  checkAudience(claims.aud, input.audience);
  checkTime(claims, input.now);
  if (asciiUpper(claims.htm) !== asciiUpper(input.method)) {
    throw new SignatureError("ERR_TOKEN_HTM", "htm does not match the request method.", {
      pointer: "/htm",
    });
  }
  const htu = input.rawQueryString ? `${input.rawPath}?${input.rawQueryString}` : input.rawPath;
  if (claims.htu !== htu) {
    throw new SignatureError("ERR_TOKEN_HTU", "htu does not match the request path and query.", {
      pointer: "/htu",
    });
  }
  if (claims.bsh !== sha256Base64Url(input.body)) {
    throw new SignatureError("ERR_TOKEN_BSH", "bsh does not match the request body.", {
      pointer: "/bsh",
    });
  }
  return { decoded, claims };
}

/** What a partner is told about a check that failed before any key was looked up. */
const REFUSAL_OF: Partial<Record<SignatureErrorCode, TokenRefusal>> = {
  ERR_TOKEN_AUDIENCE: "audience_mismatch",
  ERR_TOKEN_EXPIRED: "token_expired",
  ERR_TOKEN_NOT_YET_VALID: "token_not_yet_valid",
  ERR_TOKEN_LIFETIME: "token_lifetime_too_long",
  ERR_TOKEN_HTM: "request_binding_mismatch",
  ERR_TOKEN_HTU: "request_binding_mismatch",
  ERR_TOKEN_BSH: "request_binding_mismatch",
};

/**
 * A missing header, another scheme, a JWS or claim set that does not parse: all
 * `token_malformed` — the partner's token is not one, and the detail says why.
 */
function refusalOf(code: SignatureErrorCode): TokenRefusal {
  return REFUSAL_OF[code] ?? "token_malformed";
}

/** `Bearer <token>`, the scheme matched case-insensitively (RFC 9110 §11.1). */
function bearerToken(authorization: string | undefined): string {
  const value = authorization?.trim() ?? "";
  if (value === "") {
    throw new SignatureError(
      "ERR_TOKEN_MISSING",
      "The request carries no token: send Authorization: Bearer <token>.",
    );
  }
  const schemeEnd = value.search(/[ \t]/);
  const scheme = schemeEnd === -1 ? value : value.slice(0, schemeEnd);
  if (scheme.toLowerCase() !== "bearer") {
    throw new SignatureError("ERR_TOKEN_SCHEME", "The Authorization scheme must be Bearer.");
  }
  // Anything but one token68 after the scheme fails decoding as a malformed JWS.
  const token = schemeEnd === -1 ? "" : value.slice(schemeEnd).trim();
  if (token === "") {
    throw new SignatureError("ERR_TOKEN_MISSING", "The request carries no token.");
  }
  if (token.length > MAX_TOKEN_LENGTH) {
    throw new SignatureError("ERR_JWS_MALFORMED", "The token is too long.");
  }
  return token;
}

type ClaimType = "string" | "id" | "integer" | "audience";

const REQUIRED_CLAIMS: ReadonlyArray<readonly [keyof RequestTokenClaims, ClaimType]> = [
  ["iss", "id"],
  ["aud", "audience"],
  ["iat", "integer"],
  ["exp", "integer"],
  ["jti", "id"],
  ["htm", "string"],
  ["htu", "string"],
  ["bsh", "string"],
];

function hasType(value: unknown, type: ClaimType): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "id":
      return typeof value === "string" && value.length > 0 && value.length <= MAX_CLAIM_ID_LENGTH;
    case "integer":
      return Number.isSafeInteger(value);
    case "audience":
      return (
        typeof value === "string" ||
        (Array.isArray(value) &&
          value.length > 0 &&
          value.every((entry) => typeof entry === "string"))
      );
  }
}

function readClaims(payload: unknown): RequestTokenClaims {
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    throw new SignatureError("ERR_JWS_PAYLOAD_NOT_OBJECT", "The token claims are not an object.");
  }
  const claims = payload as Record<string, unknown>;
  for (const [name, type] of REQUIRED_CLAIMS) {
    if (!Object.hasOwn(claims, name)) {
      throw new SignatureError("ERR_TOKEN_CLAIM_MISSING", `The token has no ${name} claim.`, {
        pointer: `/${name}`,
      });
    }
    if (!hasType(claims[name], type)) {
      throw new SignatureError("ERR_TOKEN_CLAIM_INVALID", `The ${name} claim has the wrong type.`, {
        pointer: `/${name}`,
      });
    }
  }
  if (Object.hasOwn(claims, "nbf") && !hasType(claims.nbf, "integer")) {
    throw new SignatureError("ERR_TOKEN_CLAIM_INVALID", "The nbf claim has the wrong type.", {
      pointer: "/nbf",
    });
  }
  return claims as unknown as RequestTokenClaims;
}

function checkAudience(aud: string | string[], audience: string): void {
  const matches = typeof aud === "string" ? aud === audience : aud.includes(audience);
  if (!matches) {
    throw new SignatureError("ERR_TOKEN_AUDIENCE", "The token is for another audience.", {
      pointer: "/aud",
    });
  }
}

function checkTime(claims: RequestTokenClaims, now: Date): void {
  const nowSeconds = now.getTime() / 1000;
  if (claims.iat > nowSeconds + CLOCK_SKEW_SECONDS) {
    throw new SignatureError("ERR_TOKEN_NOT_YET_VALID", "The token was issued in the future.", {
      pointer: "/iat",
    });
  }
  if (claims.exp <= nowSeconds - CLOCK_SKEW_SECONDS) {
    throw new SignatureError("ERR_TOKEN_EXPIRED", "The token has expired.", { pointer: "/exp" });
  }
  if (claims.exp <= claims.iat || claims.exp - claims.iat > MAX_TOKEN_LIFETIME_SECONDS) {
    throw new SignatureError(
      "ERR_TOKEN_LIFETIME",
      `A token lives 1 to ${MAX_TOKEN_LIFETIME_SECONDS} seconds.`,
      { pointer: "/exp" },
    );
  }
  if (claims.nbf !== undefined && claims.nbf > nowSeconds + CLOCK_SKEW_SECONDS) {
    throw new SignatureError("ERR_TOKEN_NOT_YET_VALID", "The token is not valid yet.", {
      pointer: "/nbf",
    });
  }
}
