/**
 * Key requests (DESIGN §3, §16): how someone who holds a key but may not call the hub
 * yet — an analyst whose browser just made a non-extractable key — asks an existing
 * key holder to register it. A request is a small JSON file: the organisation, the
 * public JWK, and the §3 proof of possession (a `cordon-key-proof+jws` over `{iss,
 * kid, iat}` made with that very key). The proof is good for five minutes, so the
 * holder of the key mints a fresh request whenever it is to be registered.
 *
 *   { "type": "cordon-key-request", "org": "binance", "jwk": {…}, "proof": "eyJ…",
 *     "created_at": "2026-12-05T10:00:00Z" }
 *
 * `cordon key add --request FILE` registers it for an existing organisation (`POST
 * /v1/keys`, the hub checks the proof); `cordon admin org add --request FILE`
 * onboards a new organisation with it, after checking the proof here.
 */
import * as z from "zod";
import { OrgIdSchema } from "../../shared/orgs/schema.js";
import { SignatureError } from "../../shared/signatures/errors.js";
import {
  KEY_PROOF_MAX_AGE_SECONDS,
  signKeyProof,
  verifyKeyProof,
} from "../../shared/signatures/key-proof.js";
import { PublicJwkSchema, signerPublicJwk } from "../../shared/signatures/keys.js";
import type { PublicJwk, Signer } from "../../shared/signatures/types.js";
import { rfc3339Seconds } from "./bulletin-draft.js";
import { InputError } from "./errors.js";

export const KEY_REQUEST_TYPE = "cordon-key-request";

/** How long a request's proof is accepted after it was made (the hub's rule, §3). */
export const KEY_REQUEST_LIFETIME_SECONDS = KEY_PROOF_MAX_AGE_SECONDS;

export const KeyRequestSchema = z.object({
  type: z.literal(KEY_REQUEST_TYPE, { error: `type must be "${KEY_REQUEST_TYPE}".` }),
  org: OrgIdSchema,
  jwk: PublicJwkSchema,
  proof: z.string().min(1).max(4096),
  created_at: z.string().optional(),
});

export interface KeyRequest {
  type: typeof KEY_REQUEST_TYPE;
  /** The organisation the key is for: the proof's `iss`. */
  org: string;
  /** The public key to register. */
  jwk: PublicJwk;
  /** The proof of possession, made with the key itself. */
  proof: string;
  /** When the proof was made (it is refused five minutes later). */
  created_at?: string;
}

/** A key request for `org`, with a proof made now by `key`. */
export async function createKeyRequest(
  org: string,
  key: Signer,
  now: Date = new Date(),
): Promise<KeyRequest> {
  const parsedOrg = OrgIdSchema.safeParse(org);
  if (!parsedOrg.success) {
    throw new InputError(`"${org}" is not an organisation id.`, [
      { pointer: "/org", message: "an id is 1–64 of a-z, 0-9 and inner hyphens" },
    ]);
  }
  const proof = await signKeyProof({ iss: org, key, now });
  return {
    type: KEY_REQUEST_TYPE,
    org,
    jwk: signerPublicJwk(key),
    proof,
    created_at: rfc3339Seconds(now),
  };
}

/** Reads a key request (parsed JSON); an {@link InputError} with pointers if it is not one. */
export function parseKeyRequest(input: unknown): KeyRequest {
  const result = KeyRequestSchema.safeParse(input);
  if (!result.success) {
    throw new InputError(
      "This is not a Cordon key request.",
      result.error.issues.map((issue) => ({
        pointer: issue.path.map((part) => `/${String(part)}`).join(""),
        message: issue.message,
      })),
    );
  }
  const { created_at: createdAt, ...rest } = result.data;
  return { ...rest, ...(createdAt === undefined ? {} : { created_at: createdAt }) };
}

/**
 * Checks a request's proof as the hub would: made by the request's key, for its
 * organisation, within the last five minutes. Throws an {@link InputError} saying
 * which, so an administrator onboarding from a request knows its sender holds the key.
 */
export async function checkKeyRequest(request: KeyRequest, now: Date = new Date()): Promise<void> {
  try {
    await verifyKeyProof(request.proof, { jwk: request.jwk, iss: request.org, now });
  } catch (error) {
    if (!(error instanceof SignatureError)) throw error;
    if (error.code === "ERR_PROOF_STALE") {
      throw new InputError(
        "The key request's proof is more than 5 minutes old: ask its sender for a fresh one " +
          "(the console makes one with “New proof”).",
      );
    }
    throw new InputError(`The key request's proof does not hold: ${error.message}`);
  }
}
