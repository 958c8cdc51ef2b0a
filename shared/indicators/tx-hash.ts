/**
 * Transaction hashes. EVM chains: `0x` and 64 hex digits, lower-cased, keeping `0x`.
 * Bitcoin, Litecoin and Tron: 64 hex digits, lower-cased, without `0x` (a pasted `0x`
 * is dropped). Solana: a transaction signature, the Base58 text of 64 bytes, kept as
 * given. Hashes have no checksum, so only their shape can be checked.
 */
import { decodeBase58 } from "./base58.js";
import { isChain, isEvmChain } from "./chains.js";
import { accept, refuse, valueOrThrow } from "./errors.js";
import { boundedTrimmed } from "./input.js";
import { type Chain, MAX_ADDRESS_LENGTH, type ValueResult } from "./types.js";

const EVM_HASH = /^0x[0-9a-fA-F]{64}$/;
const PLAIN_HASH = /^(?:0x)?([0-9a-fA-F]{64})$/;
const SOLANA_SIGNATURE_BYTES = 64;

/** The canonical hash on `chain` (without the `<chain>:tx:` prefix), or why not. */
export function validate(value: string, chain: Chain): ValueResult {
  if (!isChain(chain))
    return refuse("ERR_INDICATOR_UNKNOWN_CHAIN", `Unknown chain "${String(chain)}".`);
  const input = boundedTrimmed(value, MAX_ADDRESS_LENGTH);
  if (!input.ok) return input;
  const hash = input.value;
  if (isEvmChain(chain)) {
    return EVM_HASH.test(hash)
      ? accept(hash.toLowerCase())
      : refuse("ERR_INDICATOR_FORMAT", "An EVM transaction hash is 0x followed by 64 hex digits.");
  }
  if (chain === "solana") {
    const decoded = decodeBase58(hash, SOLANA_SIGNATURE_BYTES, "a Solana transaction signature");
    return decoded.ok ? accept(hash) : decoded;
  }
  const plain = PLAIN_HASH.exec(hash)?.[1];
  return plain === undefined
    ? refuse("ERR_INDICATOR_FORMAT", `A ${chain} transaction hash is 64 hex digits.`)
    : accept(plain.toLowerCase());
}

/** The canonical hash; throws an `IndicatorError` at `/hash` when invalid. */
export function normalise(value: string, chain: Chain): string {
  return valueOrThrow(validate(value, chain), "/hash");
}
