/**
 * C2SP signed notes (the format of Go's golang.org/x/mod/sumdb/note): a text ending in
 * a newline, a blank line, and signature lines `— <key name> base64(key ID ‖ signature)`.
 * Opening a note follows the spec: signatures from unknown keys are ignored (that is how
 * keys rotate and witnesses cosign), a known key's signature that fails to verify
 * refuses the whole note, and a note with no verified signature is refused.
 */

import { base64 } from "@scure/base";
import { LogError } from "./errors.js";

/** Go refuses more; the spec asks verifiers to accept at least 16. */
export const MAX_NOTE_SIGNATURES = 100;

const SIGNATURE_PREFIX = "— "; // U+2014 EM DASH, space
/** Go's unicode.IsSpace: what a key name may not contain, with `+`. */
const UNICODE_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u;
const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export interface NoteSignature {
  /** The key name. */
  name: string;
  /** The 32-bit key ID, an unsigned integer. */
  keyId: number;
  /** The signature proper, after the key ID. */
  signature: Uint8Array;
  /** The base64 text as it stood on the signature line. */
  base64: string;
}

export interface Note {
  /** The signed text, with its final newline. */
  text: string;
  signatures: NoteSignature[];
}

/** Verifies one key's signatures. `name` and `keyId` say which signature lines are its. */
export interface NoteVerifier {
  name: string;
  keyId: number;
  verify(text: Uint8Array, signature: Uint8Array): Promise<boolean>;
}

export interface NoteSigner {
  name: string;
  keyId: number;
  sign(text: Uint8Array): Promise<Uint8Array>;
}

export interface OpenedNote {
  text: string;
  /** Signatures of known keys, each verified. */
  verified: NoteSignature[];
  /** Signatures of unknown keys, not verified (distinct lines only). */
  unverified: NoteSignature[];
}

export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !UNICODE_SPACE.test(name) && !name.includes("+") && isNoteText(name);
}

export function formatKeyId(keyId: number): string {
  return keyId.toString(16).padStart(8, "0");
}

function malformed(why: string): LogError {
  return new LogError("ERR_LOG_NOTE_MALFORMED", `The signed note is malformed: ${why}`);
}

/**
 * Valid UTF-8 once encoded (no lone surrogate) and no C0 control character but newline:
 * Go refuses both anywhere in a note.
 */
function isNoteText(text: string): boolean {
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    if ((code < 0x20 && code !== 0x0a) || (code >= 0xd800 && code <= 0xdfff)) return false;
  }
  return true;
}

function asText(message: string | Uint8Array): string {
  if (typeof message === "string") return message;
  try {
    return strictUtf8.decode(message);
  } catch {
    throw malformed("it is not valid UTF-8.");
  }
}

/** Splits a signed note into its text and signature lines, checking only their syntax. */
export function parseNote(message: string | Uint8Array): Note {
  const note = asText(message);
  if (!isNoteText(note)) throw malformed("it holds control characters or invalid UTF-8.");
  const split = note.lastIndexOf("\n\n");
  if (split < 0) throw malformed("no blank line separates the text from its signatures.");
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (block.length === 0 || !block.endsWith("\n")) {
    throw malformed("the signature lines do not end in a newline.");
  }
  const lines = block.slice(0, -1).split("\n");
  if (lines.length > MAX_NOTE_SIGNATURES) throw malformed("it has too many signatures.");
  const signatures = lines.map((line): NoteSignature => {
    if (!line.startsWith(SIGNATURE_PREFIX)) throw malformed("a signature line lacks '— '.");
    const rest = line.slice(SIGNATURE_PREFIX.length);
    const space = rest.indexOf(" ");
    const name = space < 0 ? rest : rest.slice(0, space);
    const encoded = space < 0 ? "" : rest.slice(space + 1);
    let bytes: Uint8Array;
    try {
      bytes = base64.decode(encoded);
    } catch {
      throw malformed("a signature is not base64.");
    }
    if (!isValidKeyName(name) || encoded === "" || bytes.length < 5) {
      throw malformed("a signature line has a bad key name or a short signature.");
    }
    const keyId = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0);
    return { name, keyId, signature: bytes.slice(4), base64: encoded };
  });
  return { text, signatures };
}

/**
 * Opens a signed note with the keys one trusts. Throws `ERR_LOG_SIGNATURE_INVALID` if a
 * trusted key's signature does not verify, `ERR_LOG_NOTE_UNVERIFIED` if no trusted key
 * signed it.
 */
export async function openNote(
  message: string | Uint8Array,
  verifiers: readonly NoteVerifier[],
): Promise<OpenedNote> {
  const note = parseNote(message);
  const textBytes = utf8.encode(note.text);
  const verified: NoteSignature[] = [];
  const unverified: NoteSignature[] = [];
  const seen = new Set<string>();
  const seenUnknown = new Set<string>();
  for (const signature of note.signatures) {
    const known = verifiers.filter(
      (verifier) => verifier.name === signature.name && verifier.keyId === signature.keyId,
    );
    const key = `${signature.name}+${formatKeyId(signature.keyId)}`;
    if (known.length === 0) {
      const line = `${signature.name} ${signature.base64}`;
      if (!seenUnknown.has(line)) unverified.push(signature);
      seenUnknown.add(line);
      continue;
    }
    if (known.length > 1) {
      throw new LogError("ERR_LOG_VERIFIER_KEY_INVALID", `Two verifier keys are ${key}.`);
    }
    if (seen.has(key)) continue; // a repeated signature by one key counts once
    seen.add(key);
    const verifier = known[0] as NoteVerifier;
    if (!(await verifier.verify(textBytes, signature.signature))) {
      throw new LogError("ERR_LOG_SIGNATURE_INVALID", `The signature of ${key} does not verify.`);
    }
    verified.push(signature);
  }
  if (verified.length === 0) {
    throw new LogError("ERR_LOG_NOTE_UNVERIFIED", "No trusted key signed this note.");
  }
  return { text: note.text, verified, unverified };
}

/** Signs `text` (which must end in a newline) with each signer, in order. */
export async function signNote(text: string, signers: readonly NoteSigner[]): Promise<string> {
  if (!text.endsWith("\n") || !isNoteText(text)) {
    throw malformed("a note's text ends in a newline and holds no control characters.");
  }
  if (signers.length === 0) throw new LogError("ERR_LOG_SIGNER_INVALID", "No signer was given.");
  const textBytes = utf8.encode(text);
  const lines: string[] = [];
  for (const signer of signers) {
    if (!isValidKeyName(signer.name)) {
      throw new LogError("ERR_LOG_SIGNER_INVALID", "A key name may hold no space and no '+'.");
    }
    const signature = await signer.sign(textBytes);
    const bytes = new Uint8Array(4 + signature.length);
    new DataView(bytes.buffer).setUint32(0, signer.keyId);
    bytes.set(signature, 4);
    lines.push(`${SIGNATURE_PREFIX}${signer.name} ${base64.encode(bytes)}\n`);
  }
  return `${text}\n${lines.join("")}`;
}
