/**
 * Addresses of the EVM chains (Ethereum, BSC, Polygon, Arbitrum, Optimism, Base and
 * the Avalanche C-Chain): `0x` and 40 hex digits. A mixed-case address carries an
 * EIP-55 checksum and must pass it; all-lower and all-upper ones carry none. The
 * normal form is lower case.
 */
import { keccak_256 } from "@noble/hashes/sha3.js";
import { accept, IndicatorError, refuse, valueOrThrow } from "./errors.js";
import { boundedTrimmed } from "./input.js";
import { MAX_ADDRESS_LENGTH, type ValueResult } from "./types.js";

const EVM_ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const ascii = new TextEncoder();

/**
 * The EIP-55 spelling of an address: a hex letter is upper-cased when the matching
 * nibble of keccak-256(lower-case hex, as ASCII) is 8 or more.
 */
export function toChecksumAddress(address: string): string {
  if (!EVM_ADDRESS.test(address)) {
    throw new IndicatorError("ERR_INDICATOR_FORMAT", "Not 0x and 40 hex digits.", "/address");
  }
  const hex = address.slice(2).toLowerCase();
  const hash = keccak_256(ascii.encode(hex));
  let out = "0x";
  for (let i = 0; i < hex.length; i++) {
    const byte = hash[i >> 1] ?? 0;
    const nibble = i % 2 === 0 ? byte >> 4 : byte & 0x0f;
    const char = hex.charAt(i);
    out += nibble >= 8 ? char.toUpperCase() : char;
  }
  return out;
}

export function validate(value: string): ValueResult {
  const input = boundedTrimmed(value, MAX_ADDRESS_LENGTH);
  if (!input.ok) return input;
  const address = input.value;
  if (!EVM_ADDRESS.test(address)) {
    return refuse("ERR_INDICATOR_FORMAT", "An EVM address is 0x followed by 40 hex digits.");
  }
  const hex = address.slice(2);
  const lower = hex.toLowerCase();
  const singleCase = hex === lower || hex === hex.toUpperCase();
  if (!singleCase && toChecksumAddress(address) !== address) {
    return refuse("ERR_INDICATOR_CHECKSUM", "The mixed-case address fails its EIP-55 checksum.");
  }
  return accept(`0x${lower}`);
}

/** The canonical address; throws an `IndicatorError` at `/address` when invalid. */
export function normalise(value: string): string {
  return valueOrThrow(validate(value), "/address");
}
