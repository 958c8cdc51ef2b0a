/**
 * Hand-made JWS for the signature tests: attackers do not use jose, so neither do
 * these builders. They take header and payload as raw JSON text (so a test can repeat
 * a member name) and sign with node:crypto directly, which makes a refusal provably
 * about structure, not about a bad signature.
 */

import { expect, vi } from "vitest";
import { SignatureError, type SignatureErrorCode } from "../../../shared/signatures/errors.js";
import { generateSigningKey } from "../../../shared/signatures/keys.js";
import {
  REQUEST_TOKEN_TYP,
  type ResolvedKey,
  type VerifyRequestTokenInput,
} from "../../../shared/signatures/request-token.js";
import type {
  EcPublicJwk,
  OkpPublicJwk,
  PublicJwk,
  SigningKey,
} from "../../../shared/signatures/types.js";
import { sha256B64u, signRaw } from "../../helpers/forge.js";

export { b64u, sha256B64u, signHs256, signRaw, signRs256 } from "../../helpers/forge.js";

export const NOW = new Date("2026-11-25T12:00:00Z");
export const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);
export const AUDIENCE = "https://cordon.example";
export const ISS = "trm";

export interface TestKey<J extends PublicJwk = PublicJwk> {
  signingKey: SigningKey;
  publicJwk: J;
}

export async function ed25519Key(kid?: string): Promise<TestKey<OkpPublicJwk>> {
  const { signingKey, publicJwk } = await generateSigningKey("Ed25519", kid);
  if (publicJwk.kty !== "OKP") throw new Error("expected an OKP key");
  return { signingKey, publicJwk };
}

export async function es256Key(kid?: string): Promise<TestKey<EcPublicJwk>> {
  const { signingKey, publicJwk } = await generateSigningKey("ES256", kid);
  if (publicJwk.kty !== "EC") throw new Error("expected an EC key");
  return { signingKey, publicJwk };
}

export interface Claims {
  iss?: unknown;
  aud?: unknown;
  iat?: unknown;
  exp?: unknown;
  jti?: unknown;
  htm?: unknown;
  htu?: unknown;
  bsh?: unknown;
  nbf?: unknown;
  [name: string]: unknown;
}

/** Valid claims for `POST /v1/bulletins?dry_run=1` with body `{"a":1}` at NOW. */
export function claimsFor(overrides: Claims = {}): Claims {
  return {
    iss: ISS,
    aud: AUDIENCE,
    iat: NOW_SECONDS,
    exp: NOW_SECONDS + 60,
    jti: "jti-0001",
    htm: "POST",
    htu: "/v1/bulletins?dry_run=1",
    bsh: sha256B64u('{"a":1}'),
    ...overrides,
  };
}

export function headerFor(key: SigningKey, overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({ alg: key.alg, kid: key.kid, typ: REQUEST_TOKEN_TYP, ...overrides });
}

/** A request token signed by hand, with claims `claimsFor(overrides)`. */
export function tokenFor(key: SigningKey, overrides: Claims = {}): string {
  return signRaw(headerFor(key), JSON.stringify(claimsFor(overrides)), key);
}

export type Principal = { org: string };

/**
 * Inputs for `verifyRequestToken` describing the request `claimsFor()` signs, with
 * spies on both storage calls.
 */
export function requestFor(
  token: string | undefined,
  publicJwk: PublicJwk | undefined,
  overrides: Partial<VerifyRequestTokenInput<Principal>> = {},
) {
  const resolveKey = vi.fn(
    async (_iss: string, _kid: string): Promise<ResolvedKey<Principal> | undefined> =>
      publicJwk === undefined ? undefined : { jwk: publicJwk, principal: { org: ISS } },
  );
  const claimJti = vi.fn(async (_iss: string, _jti: string, _until: number) => true);
  const input: VerifyRequestTokenInput<Principal> = {
    authorization: token === undefined ? undefined : `Bearer ${token}`,
    method: "POST",
    rawPath: "/v1/bulletins",
    rawQueryString: "dry_run=1",
    body: new TextEncoder().encode('{"a":1}'),
    audience: AUDIENCE,
    now: NOW,
    resolveKey,
    claimJti,
    ...overrides,
  };
  return { input, resolveKey, claimJti };
}

/** Runs `action` and answers the error it throws (failing the test if it does not throw). */
export async function caught(action: () => unknown): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  throw new Error("expected a refusal, but the call succeeded");
}

/** Asserts that `action` is refused with a SignatureError of `code`, and answers it. */
export async function expectRefusal(
  action: () => unknown,
  code: SignatureErrorCode,
): Promise<SignatureError> {
  const error = await caught(action);
  expect(error).toBeInstanceOf(SignatureError);
  expect(error).toMatchObject({ code });
  return error as SignatureError;
}
