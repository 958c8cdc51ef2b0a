/**
 * The analyst's identity in this browser: which organisation it signs as, for which
 * hub audience, and its key — held as a non-extractable WebCrypto key in IndexedDB
 * (structured clone keeps a CryptoKey as it is, unreadable). An imported key file
 * is imported non-extractable too and the file's text is dropped, so no private key
 * is ever kept in a form this page (or anything injected into it) could read or send.
 * Signing out deletes the record: the key is gone from this browser.
 */
import { createStore, del, get, set } from "idb-keyval";
import type { HeldSigningKey, PublicJwk, SigningAlg } from "../../../cli/sdk/index.js";

export interface StoredIdentity {
  org: string;
  audience: string;
  kid: string;
  alg: SigningAlg;
  publicJwk: PublicJwk;
  privateKey: CryptoKey;
  /** "generated": made here (a key request must be registered); "imported": a key file. */
  origin: "generated" | "imported";
  created_at: string;
}

const store = createStore("cordon-console", "identity");
const KEY = "current";

export async function loadIdentity(): Promise<StoredIdentity | undefined> {
  return get<StoredIdentity>(KEY, store);
}

export async function saveIdentity(identity: StoredIdentity): Promise<void> {
  await set(KEY, identity, store);
}

export async function forgetIdentity(): Promise<void> {
  await del(KEY, store);
}

export function signerOf(identity: StoredIdentity): HeldSigningKey {
  return {
    kid: identity.kid,
    alg: identity.alg,
    publicJwk: identity.publicJwk,
    privateKey: identity.privateKey,
  };
}
