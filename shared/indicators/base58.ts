/**
 * Base58 and Base58Check decoding shared by the base58 families: Bitcoin and Litecoin
 * legacy addresses and Tron (Base58Check: version byte, payload, 4-byte double-SHA-256
 * checksum) and Solana (plain Base58 of a fixed number of bytes). The codecs are
 * @scure/base's; this file only decides which failure is a format error and which a
 * checksum error, so a typo is reported as a checksum mismatch.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { base58, createBase58check } from "@scure/base";
import { accept, refuse } from "./errors.js";
import type { ValueFailure, ValueResult } from "./types.js";

const BASE58_ALPHABET = /^[1-9A-HJ-NP-Za-km-z]+$/;
const base58check = createBase58check(sha256);

type Decoded = { ok: true; bytes: Uint8Array } | ValueFailure;

/** The longest Base58 text that `byteLength` bytes can take. */
function maxBase58Chars(byteLength: number): number {
  return Math.ceil((byteLength * Math.log(256)) / Math.log(58));
}

/**
 * Decodes Base58 text that should hold exactly `byteLength` bytes. The length is
 * checked before decoding because Base58 decoding is quadratic in the input.
 */
export function decodeBase58(value: string, byteLength: number, what: string): Decoded {
  if (value.length > maxBase58Chars(byteLength)) {
    return refuse("ERR_INDICATOR_FORMAT", `Too long for ${what}.`);
  }
  if (!BASE58_ALPHABET.test(value)) {
    return refuse(
      "ERR_INDICATOR_FORMAT",
      `Not ${what}: it has characters outside the Base58 alphabet.`,
    );
  }
  let bytes: Uint8Array;
  try {
    bytes = base58.decode(value);
  } catch {
    return refuse("ERR_INDICATOR_FORMAT", `Not ${what}: it is not valid Base58.`);
  }
  if (bytes.length !== byteLength) {
    return refuse(
      "ERR_INDICATOR_FORMAT",
      `Not ${what}: it decodes to ${bytes.length} bytes, not ${byteLength}.`,
    );
  }
  // Base58 is canonical (one text per byte string); re-encoding proves it, so keeping
  // the text "as is" can never let two spellings of one value through.
  if (base58.encode(bytes) !== value) {
    return refuse("ERR_INDICATOR_FORMAT", `Not ${what}: it is not canonical Base58.`);
  }
  return { ok: true, bytes };
}

export interface Base58CheckRule {
  /** Payload bytes including the version byte, excluding the checksum. */
  payloadLength: number;
  /** Version bytes accepted for this chain. */
  versions: readonly number[];
  /** Version bytes of the chain's test networks, refused with a clearer message. */
  testVersions?: readonly number[];
  /** For messages: "a Bitcoin address". */
  what: string;
}

/**
 * Checks a Base58Check address and answers it unchanged: Base58 is case-sensitive
 * and canonical, so the text as given is its normal form. The checksum is checked
 * before the version byte, so a mistyped character is a checksum error rather than an
 * unexpected version.
 */
export function checkBase58Check(value: string, rule: Base58CheckRule): ValueResult {
  const decoded = decodeBase58(value, rule.payloadLength + 4, rule.what);
  if (!decoded.ok) return decoded;
  try {
    base58check.decode(value);
  } catch {
    return refuse(
      "ERR_INDICATOR_CHECKSUM",
      `The Base58Check checksum does not match: not ${rule.what}.`,
    );
  }
  const version = decoded.bytes[0] ?? -1;
  if (rule.testVersions?.includes(version)) {
    return refuse(
      "ERR_INDICATOR_FORMAT",
      `A test-network address; only mainnet addresses are accepted.`,
    );
  }
  if (!rule.versions.includes(version)) {
    return refuse("ERR_INDICATOR_FORMAT", `Not ${rule.what}: unexpected version byte ${version}.`);
  }
  return accept(value);
}
