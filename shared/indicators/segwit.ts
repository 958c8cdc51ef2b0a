/**
 * Native segwit addresses (BIP-173 bech32 for witness v0, BIP-350 bech32m for v1 to
 * v16), shared by Bitcoin (`bc`) and Litecoin (`ltc`). The checks and their order
 * follow BIP-350's reference decoder; the codec is @scure/base's.
 */
import { bech32, bech32m } from "@scure/base";
import { accept, refuse } from "./errors.js";
import type { ValueResult } from "./types.js";

const BECH32_DATA = /^[qpzry9x8gf2tvdw0s3jn54khce6mua7l]*$/;
/** BIP-173's overall limit on a bech32 string. */
const MAX_BECH32_LENGTH = 90;
/** Witness version (1 character) plus the 6-character checksum. */
const MIN_DATA_LENGTH = 7;

/**
 * Checks an address that starts with `<hrp>1` (in either case) and answers it
 * lower-cased: bech32 is case-insensitive but forbids mixing cases, so lower case is
 * its one normal form.
 */
export function checkSegwitAddress(value: string, hrp: string, network: string): ValueResult {
  const lower = value.toLowerCase();
  if (value !== lower && value !== value.toUpperCase()) {
    return refuse("ERR_INDICATOR_FORMAT", "Bech32 addresses must not mix upper and lower case.");
  }
  if (!lower.startsWith(`${hrp}1`)) {
    return refuse(
      "ERR_INDICATOR_FORMAT",
      `Not a ${network} mainnet address: its prefix is not "${hrp}1".`,
    );
  }
  if (lower.length > MAX_BECH32_LENGTH) {
    return refuse(
      "ERR_INDICATOR_FORMAT",
      `Bech32 addresses are at most ${MAX_BECH32_LENGTH} characters.`,
    );
  }
  const data = lower.slice(hrp.length + 1);
  if (!BECH32_DATA.test(data)) {
    return refuse(
      "ERR_INDICATOR_FORMAT",
      "The address has characters outside the bech32 alphabet.",
    );
  }
  if (data.length < MIN_DATA_LENGTH) {
    return refuse("ERR_INDICATOR_FORMAT", "The address has no witness version or program.");
  }
  // No string is valid under both checksums (BIP-350), so trying both in turn is exact.
  const asBech32 = bech32.decodeUnsafe(lower, MAX_BECH32_LENGTH);
  const decoded = asBech32 ?? bech32m.decodeUnsafe(lower, MAX_BECH32_LENGTH);
  if (!decoded) return refuse("ERR_INDICATOR_CHECKSUM", "The bech32 checksum does not match.");
  const [version, ...programWords] = decoded.words;
  const program = bech32.fromWordsUnsafe(programWords);
  if (version === undefined || !program) {
    return refuse("ERR_INDICATOR_FORMAT", "The witness program is not whole bytes (bad padding).");
  }
  if (program.length < 2 || program.length > 40) {
    return refuse(
      "ERR_INDICATOR_FORMAT",
      `A witness program is 2 to 40 bytes, not ${program.length}.`,
    );
  }
  if (version > 16) {
    return refuse("ERR_INDICATOR_FORMAT", `Witness version ${version} does not exist (0 to 16).`);
  }
  if (version === 0 && program.length !== 20 && program.length !== 32) {
    return refuse(
      "ERR_INDICATOR_FORMAT",
      `A witness v0 program is 20 or 32 bytes, not ${program.length}.`,
    );
  }
  // BIP-350: allowing either checksum for any version would cut the checksum's
  // strength, so the encoding must be the one the version calls for.
  const wanted = version === 0 ? "bech32" : "bech32m";
  const used = asBech32 ? "bech32" : "bech32m";
  if (wanted !== used) {
    return refuse(
      "ERR_INDICATOR_CHECKSUM",
      `Witness version ${version} addresses use ${wanted} (BIP-350), not ${used}.`,
    );
  }
  return accept(lower);
}
