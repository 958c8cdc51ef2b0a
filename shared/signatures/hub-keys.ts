/**
 * The hub's own Ed25519 keys: they sign receipts (DESIGN §4) and the `v1a` webhook
 * signatures (DESIGN §6), and their public halves are served at
 * `/.well-known/jwks.json`. Several keys may be published at once so a rotation never
 * leaves a receipt or delivery unverifiable; `current` is the one that signs.
 */

import { parseStrictJson, toPointer } from "../json/strict-json.js";
import { SignatureError } from "./errors.js";
import { generateSigningKey, importSignKey, parsePrivateJwk } from "./keys.js";
import type { Jwks, PrivateJwk, PublicJwk, SigningKey } from "./types.js";

export interface HubKeySet {
  /** The key that signs now. */
  current: SigningKey;
  /** Every published key, `current` included. */
  all: readonly SigningKey[];
}

/** The stored form (a secret): `{ current_kid, keys: [private Ed25519 JWKs with kid] }`. */
export interface HubKeySetJson {
  current_kid: string;
  keys: PrivateJwk[];
}

function invalid(message: string, pointer: string): SignatureError {
  return new SignatureError("ERR_KEY_INVALID", message, { pointer });
}

/**
 * Loads the hub key set from its stored form, given as parsed JSON or as its JSON
 * text (as Secrets Manager returns it). Refuses keys other than Ed25519, keys without
 * a `kid`, repeated kids, and a `current_kid` that names no key. Hub keys always sign
 * as `EdDSA`, the name the JWKS publishes, so verifiers that match `alg` agree.
 */
export function parseHubKeySet(input: unknown): HubKeySet {
  let value = input;
  if (typeof input === "string") {
    const parsed = parseStrictJson(input);
    if (!parsed.ok) throw invalid("The hub key set is not strict JSON.", parsed.pointer);
    value = parsed.value;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalid("The hub key set must be an object.", "");
  }
  const { current_kid: currentKid, keys } = value as Record<string, unknown>;
  if (typeof currentKid !== "string")
    throw invalid("current_kid must be a string.", "/current_kid");
  if (!Array.isArray(keys) || keys.length === 0) {
    throw invalid("keys must be a non-empty array.", "/keys");
  }
  const all: SigningKey[] = [];
  keys.forEach((entry: unknown, index) => {
    const at = `/keys/${index}`;
    if (typeof entry !== "object" || entry === null || !("kid" in entry)) {
      throw invalid("Every hub key needs a kid.", `${at}/kid`);
    }
    let key: SigningKey;
    try {
      key = parsePrivateJwk(entry);
    } catch (error) {
      if (error instanceof SignatureError) {
        throw invalid(error.message, `${at}${error.pointer ?? ""}`);
      }
      throw error;
    }
    if (key.privateJwk.kty !== "OKP") throw invalid("Hub keys are Ed25519 keys.", `${at}/kty`);
    if (all.some((other) => other.kid === key.kid)) {
      throw invalid("Two hub keys have the same kid.", `${at}/kid`);
    }
    all.push({ kid: key.kid, alg: "EdDSA", privateJwk: key.privateJwk });
  });
  const current = all.find((key) => key.kid === currentKid);
  if (current === undefined) {
    throw invalid("current_kid names none of the keys.", toPointer(["current_kid"]));
  }
  return { current, all };
}

export function hubKeySetToJson(set: HubKeySet): HubKeySetJson {
  return { current_kid: set.current.kid, keys: set.all.map((key) => ({ ...key.privateJwk })) };
}

/** A new set of one Ed25519 key (first start of the local runtime, tests). */
export async function generateHubKeySet(): Promise<HubKeySet> {
  const { signingKey } = await generateSigningKey("Ed25519");
  return { current: signingKey, all: [signingKey] };
}

/** The public JWKS (`/.well-known/jwks.json`): every key of the set, `alg: "EdDSA"`, `use: "sig"`. */
export function hubJwks(set: HubKeySet): Jwks {
  return {
    keys: set.all.map((key): PublicJwk => {
      const jwk = key.privateJwk;
      if (jwk.kty !== "OKP") throw invalid("Hub keys are Ed25519 keys.", "/kty");
      return { kty: "OKP", crv: "Ed25519", x: jwk.x, kid: key.kid, alg: "EdDSA", use: "sig" };
    }),
  };
}

/**
 * A raw Ed25519 signature over `bytes` (Standard Webhooks `v1a`), made with the
 * cached imported CryptoKey so each delivery attempt costs one signing only.
 */
export async function signEd25519(key: SigningKey, bytes: Uint8Array): Promise<Uint8Array> {
  if (key.privateJwk.kty !== "OKP") {
    throw new SignatureError("ERR_KEY_INVALID", "signEd25519 needs an Ed25519 key.");
  }
  const cryptoKey = await importSignKey(key);
  // The assertion only satisfies the DOM typings (the console type-checks this file too).
  const signature = await crypto.subtle.sign(
    { name: "Ed25519" },
    cryptoKey,
    bytes as Uint8Array<ArrayBuffer>,
  );
  return new Uint8Array(signature);
}
