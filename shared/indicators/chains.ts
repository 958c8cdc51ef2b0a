/**
 * Which family of address rules a chain follows, and the address check for any chain.
 * The bulletin schema, `checkIndicator` and `normaliseIndicator` all dispatch here,
 * so a chain is handled the same way everywhere.
 */
import * as bitcoin from "./bitcoin.js";
import { refuse } from "./errors.js";
import * as evm from "./evm.js";
import * as litecoin from "./litecoin.js";
import * as solana from "./solana.js";
import * as tron from "./tron.js";
import { CHAINS, type Chain, EVM_CHAINS, type ValueResult } from "./types.js";

export function isChain(value: unknown): value is Chain {
  return typeof value === "string" && (CHAINS as readonly string[]).includes(value);
}

export function isEvmChain(chain: Chain): boolean {
  return EVM_CHAINS.includes(chain);
}

/** The canonical address on `chain` (without the `<chain>:` prefix), or why not. */
export function validateAddress(chain: Chain, address: string): ValueResult {
  switch (chain) {
    case "bitcoin":
      return bitcoin.validate(address);
    case "litecoin":
      return litecoin.validate(address);
    case "tron":
      return tron.validate(address);
    case "solana":
      return solana.validate(address);
    default:
      // Checked at run time too: callers in plain JavaScript can pass any string.
      return isEvmChain(chain)
        ? evm.validate(address)
        : refuse("ERR_INDICATOR_UNKNOWN_CHAIN", `Unknown chain "${String(chain)}".`);
  }
}
