/**
 * C2SP tlog-checkpoint: the signed tree head the hub serves at `GET /v1/log/checkpoint`.
 * Its text is the origin line (the hub's audience without its URL scheme, then
 * `/v1/log`), the tree size in decimal, the base64 root hash, and optional extension
 * lines; it is a signed note whose signing key's name is the origin.
 */

import { base64 } from "@scure/base";
import { LogError } from "./errors.js";
import { assertHash, EMPTY_ROOT, hashesEqual } from "./hashing.js";
import { isValidKeyName, type NoteSigner, type NoteVerifier, openNote, signNote } from "./note.js";
import { HASH_SIZE, type TreeHead } from "./types.js";

export interface Checkpoint extends TreeHead {
  origin: string;
  /** Extension lines, opaque and usually none. */
  extensions: readonly string[];
}

/** A checkpoint whose signature was verified, with the note it came from. */
export interface VerifiedCheckpoint extends Checkpoint {
  /** The signed note exactly as received: what to store and gossip. */
  note: string;
  /** The key ID of the log key that signed it. */
  keyId: number;
}

const DECIMAL = /^(0|[1-9][0-9]*)$/;

function malformed(why: string): LogError {
  return new LogError("ERR_LOG_CHECKPOINT_MALFORMED", `The checkpoint is malformed: ${why}`);
}

/**
 * The log's origin (and note key name) for a hub audience: the audience without its URL
 * scheme or trailing slash, then `/v1/log` — `https://hub.example` → `hub.example/v1/log`,
 * and the local default `cordon` → `cordon/v1/log`.
 */
export function logOrigin(audience: string): string {
  const origin = `${audience.replace(/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//, "").replace(/\/+$/, "")}/v1/log`;
  if (!isValidKeyName(origin)) {
    throw new LogError("ERR_LOG_ARGUMENT", "An audience with spaces or '+' names no log.");
  }
  return origin;
}

/** The checkpoint's note text (before signing), ending in a newline. */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  const { origin, size, rootHash, extensions } = checkpoint;
  if (origin.length === 0 || origin.includes("\n")) throw malformed("the origin is one line.");
  if (!Number.isSafeInteger(size) || size < 0) throw malformed("the size is not a count.");
  assertHash(rootHash, "The root hash");
  for (const line of extensions) {
    if (line.length === 0 || line.includes("\n")) throw malformed("an extension line is empty.");
  }
  return [origin, String(size), base64.encode(rootHash), ...extensions]
    .map((l) => `${l}\n`)
    .join("");
}

/** Parses a checkpoint's note text (already verified, or about to be). */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith("\n")) throw malformed("its text does not end in a newline.");
  const lines = text.slice(0, -1).split("\n");
  if (lines.length < 3) throw malformed("it has fewer than three lines.");
  const [origin, sizeText, rootText, ...extensions] = lines as [
    string,
    string,
    string,
    ...string[],
  ];
  if (origin.length === 0) throw malformed("the origin line is empty.");
  if (!DECIMAL.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) {
    throw malformed("the tree size is not a decimal count.");
  }
  let rootHash: Uint8Array;
  try {
    rootHash = base64.decode(rootText);
  } catch {
    throw malformed("the root hash is not base64.");
  }
  if (rootHash.length !== HASH_SIZE) throw malformed("the root hash is not 32 bytes.");
  if (extensions.some((line) => line.length === 0)) throw malformed("an extension line is empty.");
  const size = Number(sizeText);
  if (size === 0 && !hashesEqual(rootHash, EMPTY_ROOT)) {
    throw malformed("an empty tree's root is SHA-256 of nothing.");
  }
  return { origin, size, rootHash, extensions };
}

/**
 * Signs a checkpoint with the log's key — or keys: during a hub key rotation it is
 * signed by the old and the new key, so auditors who pinned either keep verifying.
 * Every signer is named by the origin.
 */
export async function signCheckpoint(
  checkpoint: Checkpoint,
  signers: NoteSigner | readonly NoteSigner[],
): Promise<string> {
  const list: readonly NoteSigner[] = Array.isArray(signers) ? signers : [signers as NoteSigner];
  if (list.some((signer) => signer.name !== checkpoint.origin)) {
    throw new LogError("ERR_LOG_SIGNER_INVALID", "The log signs with a key named by its origin.");
  }
  return signNote(formatCheckpoint(checkpoint), list);
}

/**
 * Verifies a checkpoint note with the log's key and parses it; its origin must be the
 * key's name. Other signatures (cosigners, a rotated key) are ignored.
 */
export async function openCheckpoint(
  note: string,
  verifier: NoteVerifier,
): Promise<VerifiedCheckpoint> {
  const opened = await openNote(note, [verifier]);
  const checkpoint = parseCheckpoint(opened.text);
  if (checkpoint.origin !== verifier.name) {
    throw new LogError(
      "ERR_LOG_ORIGIN_MISMATCH",
      `The checkpoint is of the log ${checkpoint.origin}, not ${verifier.name}.`,
    );
  }
  return { ...checkpoint, note, keyId: verifier.keyId };
}
