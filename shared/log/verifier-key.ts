/**
 * Note keys, as Go's golang.org/x/mod/sumdb/note writes them: the verifier key string
 * `<name>+<8 hex digits>+<base64(0x01 ‖ 32-byte Ed25519 public key)>` (what
 * `GET /v1/log/key` answers), the key ID SHA-256(name ‖ 0x0A ‖ 0x01 ‖ key)[:4], and
 * Ed25519 verifiers and signers over WebCrypto — native in Node and in current browsers,
 * so the SDK needs no curve library, and it verifies as OpenSSL does on the hub.
 */

import { sha256 } from "@noble/hashes/sha2.js";
import { base64 } from "@scure/base";
import { LogError } from "./errors.js";
import { formatKeyId, isValidKeyName, type NoteSigner, type NoteVerifier } from "./note.js";

/** The signature type byte of Ed25519 note signatures. */
export const ED25519_SIGNATURE_TYPE = 0x01;
const ED25519_KEY_BYTES = 32;
const ED25519 = { name: "Ed25519" } as const;

/** WebCrypto's key type, named without the DOM library or node:crypto. */
export type WebCryptoKey = Parameters<typeof crypto.subtle.sign>[1];

export interface VerifierKey {
  name: string;
  keyId: number;
  /** The 32-byte Ed25519 public key. */
  publicKey: Uint8Array;
}

const utf8 = new TextEncoder();

function typedKey(publicKey: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(1 + publicKey.length);
  bytes[0] = ED25519_SIGNATURE_TYPE;
  bytes.set(publicKey, 1);
  return bytes;
}

/** The key ID of an Ed25519 note key: the first 4 bytes of SHA-256(name ‖ \n ‖ 0x01 ‖ key). */
export function noteKeyId(name: string, publicKey: Uint8Array): number {
  const nameBytes = utf8.encode(name);
  const input = new Uint8Array(nameBytes.length + 1 + 1 + publicKey.length);
  input.set(nameBytes, 0);
  input[nameBytes.length] = 0x0a;
  input.set(typedKey(publicKey), nameBytes.length + 1);
  const digest = sha256(input);
  return new DataView(digest.buffer, digest.byteOffset, 4).getUint32(0);
}

function invalidKey(why: string): LogError {
  return new LogError("ERR_LOG_VERIFIER_KEY_INVALID", `The verifier key is not valid: ${why}`);
}

export function formatVerifierKey(name: string, publicKey: Uint8Array): string {
  if (!isValidKeyName(name)) throw invalidKey("the name holds a space or '+'.");
  if (publicKey.length !== ED25519_KEY_BYTES) throw invalidKey("an Ed25519 key is 32 bytes.");
  const keyId = noteKeyId(name, publicKey);
  return `${name}+${formatKeyId(keyId)}+${base64.encode(typedKey(publicKey))}`;
}

export function parseVerifierKey(text: string): VerifierKey {
  // The base64 key may itself hold '+': split at the first two only, as Go does.
  const first = text.indexOf("+");
  const second = first < 0 ? -1 : text.indexOf("+", first + 1);
  if (second < 0) throw invalidKey("it is not <name>+<key ID>+<key>.");
  const name = text.slice(0, first);
  const hex = text.slice(first + 1, second);
  const encoded = text.slice(second + 1);
  if (!isValidKeyName(name)) throw invalidKey("the name holds a space or control character.");
  if (!/^[0-9a-fA-F]{8}$/.test(hex)) throw invalidKey("the key ID is not 8 hex digits.");
  let bytes: Uint8Array;
  try {
    bytes = base64.decode(encoded);
  } catch {
    throw invalidKey("the key is not base64.");
  }
  if (bytes[0] !== ED25519_SIGNATURE_TYPE) throw invalidKey("only Ed25519 (type 1) is accepted.");
  if (bytes.length !== 1 + ED25519_KEY_BYTES) throw invalidKey("an Ed25519 key is 32 bytes.");
  const publicKey = bytes.slice(1);
  const keyId = Number.parseInt(hex, 16);
  if (keyId !== noteKeyId(name, publicKey)) throw invalidKey("the key ID does not fit the key.");
  return { name, keyId, publicKey };
}

/** A verifier for the signatures of one Ed25519 note key. */
export async function ed25519NoteVerifier(key: string | VerifierKey): Promise<NoteVerifier> {
  const { name, keyId, publicKey } = typeof key === "string" ? parseVerifierKey(key) : key;
  let cryptoKey: WebCryptoKey;
  try {
    cryptoKey = await crypto.subtle.importKey(
      "raw",
      publicKey as Uint8Array<ArrayBuffer>,
      ED25519,
      false,
      ["verify"],
    );
  } catch (cause) {
    throw new LogError("ERR_LOG_VERIFIER_KEY_INVALID", "The Ed25519 key cannot be used.", {
      cause,
    });
  }
  return {
    name,
    keyId,
    async verify(text, signature) {
      if (signature.length !== 64) return false;
      try {
        return await crypto.subtle.verify(
          ED25519,
          cryptoKey,
          signature as Uint8Array<ArrayBuffer>,
          text as Uint8Array<ArrayBuffer>,
        );
      } catch {
        return false;
      }
    },
  };
}

/**
 * A note signer from an Ed25519 private key held in WebCrypto (as the hub holds its
 * keys, see shared/signatures/hub-keys.ts) and its public key. A key that does not sign
 * for that public key is refused here, so it never produces checkpoints no one can verify.
 */
export async function ed25519NoteSigner(
  name: string,
  privateKey: WebCryptoKey,
  publicKey: Uint8Array,
): Promise<NoteSigner> {
  if (!isValidKeyName(name)) {
    throw new LogError("ERR_LOG_SIGNER_INVALID", "A key name may hold no space and no '+'.");
  }
  if (privateKey.type !== "private" || privateKey.algorithm.name !== "Ed25519") {
    throw new LogError("ERR_LOG_SIGNER_INVALID", "Notes are signed with an Ed25519 private key.");
  }
  const keyId = noteKeyId(name, publicKey);
  const signer: NoteSigner = {
    name,
    keyId,
    async sign(text) {
      return new Uint8Array(
        await crypto.subtle.sign(ED25519, privateKey, text as Uint8Array<ArrayBuffer>),
      );
    },
  };
  const verifier = await ed25519NoteVerifier({ name, keyId, publicKey });
  const probe = utf8.encode("cordon note key check\n");
  if (!(await verifier.verify(probe, await signer.sign(probe)))) {
    throw new LogError("ERR_LOG_SIGNER_INVALID", "The private key does not fit the public key.");
  }
  return signer;
}
