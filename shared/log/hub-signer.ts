/**
 * The hub's checkpoint signer and verifier key, from the hub's own Ed25519 key
 * (shared/signatures/hub-keys.ts): the same key that signs receipts signs the log, under
 * the log's origin as its note key name. Node only (it imports the hub's keys); the
 * rest of this module is pure and runs in browsers.
 */

import { decodeBase64UrlCanonical } from "../signatures/base64url.js";
import type { HubKeySet } from "../signatures/hub-keys.js";
import { importSignKey } from "../signatures/keys.js";
import type { SigningKey } from "../signatures/types.js";
import { LogError } from "./errors.js";
import type { NoteSigner } from "./note.js";
import { ed25519NoteSigner, formatVerifierKey } from "./verifier-key.js";

function publicKeyOf(key: SigningKey): Uint8Array {
  const jwk = key.privateJwk;
  const publicKey = jwk.kty === "OKP" ? decodeBase64UrlCanonical(jwk.x) : undefined;
  if (publicKey === undefined || publicKey.length !== 32) {
    throw new LogError("ERR_LOG_SIGNER_INVALID", "The log is signed with an Ed25519 hub key.");
  }
  return publicKey;
}

/** The signer of checkpoints of the log `origin` (see `logOrigin`). */
export async function hubNoteSigner(origin: string, key: SigningKey): Promise<NoteSigner> {
  const publicKey = publicKeyOf(key);
  return ed25519NoteSigner(origin, await importSignKey(key), publicKey);
}

/**
 * The signers of every checkpoint: each published hub key, the current one first. A
 * rotation publishes the new key before it signs and keeps the old one (docs/deploy.md),
 * so checkpoints carry both signatures meanwhile and an auditor who pinned either key
 * keeps verifying.
 */
export function hubNoteSigners(origin: string, keys: HubKeySet): Promise<NoteSigner[]> {
  const others = keys.all.filter((key) => key.kid !== keys.current.kid);
  return Promise.all([keys.current, ...others].map((key) => hubNoteSigner(origin, key)));
}

/** What `GET /v1/log/key` answers: the note verifier key of the log `origin`. */
export function hubVerifierKey(origin: string, key: SigningKey): string {
  return formatVerifierKey(origin, publicKeyOf(key));
}
