/**
 * Solana addresses: the Base58 text of a 32-byte public key, kept as given. Solana
 * addresses carry no checksum, so only the alphabet and the decoded length can be
 * checked.
 */
import { decodeBase58 } from "./base58.js";
import { accept, valueOrThrow } from "./errors.js";
import { boundedTrimmed } from "./input.js";
import { MAX_ADDRESS_LENGTH, type ValueResult } from "./types.js";

export const SOLANA_ADDRESS_BYTES = 32;

export function validate(value: string): ValueResult {
  const input = boundedTrimmed(value, MAX_ADDRESS_LENGTH);
  if (!input.ok) return input;
  const decoded = decodeBase58(input.value, SOLANA_ADDRESS_BYTES, "a Solana address");
  return decoded.ok ? accept(input.value) : decoded;
}

/** The canonical address; throws an `IndicatorError` at `/address` when invalid. */
export function normalise(value: string): string {
  return valueOrThrow(validate(value), "/address");
}
