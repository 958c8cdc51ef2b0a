/**
 * Tron addresses: Base58Check of 21 bytes whose version byte is 0x41 (`T…`), kept as
 * given. (Tron's test networks use the same version byte, so they cannot be told
 * apart and are not refused.)
 */
import { checkBase58Check } from "./base58.js";
import { valueOrThrow } from "./errors.js";
import { boundedTrimmed } from "./input.js";
import { MAX_ADDRESS_LENGTH, type ValueResult } from "./types.js";

const TRON_VERSION = 0x41;

export function validate(value: string): ValueResult {
  const input = boundedTrimmed(value, MAX_ADDRESS_LENGTH);
  if (!input.ok) return input;
  return checkBase58Check(input.value, {
    payloadLength: 21,
    versions: [TRON_VERSION],
    what: "a Tron address",
  });
}

/** The canonical address; throws an `IndicatorError` at `/address` when invalid. */
export function normalise(value: string): string {
  return valueOrThrow(validate(value), "/address");
}
