/**
 * Which chain an imported address or hash is on, when the source does not say so
 * the Cordon way (`chain:<chain>` labels or tags). A guess is made only where it
 * cannot be wrong: an address valid on exactly one chain's rules, or a currency
 * symbol that names a chain. EVM addresses and hex hashes fit several chains and are
 * never guessed.
 */
import { validateAddress } from "../indicators/chains.js";
import { CHAINS, type Chain, EVM_CHAINS } from "../indicators/types.js";

/** Native currency symbols (and MISP's sane defaults that name a chain). */
const CHAIN_OF_SYMBOL: Readonly<Record<string, Chain>> = {
  BTC: "bitcoin",
  LTC: "litecoin",
  TRX: "tron",
  TRON: "tron",
  SOL: "solana",
  ETH: "ethereum",
  BNB: "bsc",
  BSC: "bsc",
  MATIC: "polygon",
  POL: "polygon",
  ARB: "arbitrum",
  OP: "optimism",
  AVAX: "avalanche",
};

/** The symbol MISP's coin-address uses for a chain's native currency. */
export const SYMBOL_OF_CHAIN: Readonly<Record<Chain, string>> = {
  bitcoin: "BTC",
  litecoin: "LTC",
  tron: "TRX",
  solana: "SOL",
  ethereum: "ETH",
  bsc: "BNB",
  polygon: "POL",
  arbitrum: "ARB",
  optimism: "OP",
  base: "ETH",
  avalanche: "AVAX",
};

export function chainOfSymbol(symbol: string): Chain | undefined {
  return CHAIN_OF_SYMBOL[symbol.trim().toUpperCase()];
}

/** A Cordon chain name, case-insensitively; undefined for anything else. */
export function chainNamed(name: string): Chain | undefined {
  const lower = name.trim().toLowerCase();
  return (CHAINS as readonly string[]).includes(lower) ? (lower as Chain) : undefined;
}

/** The one chain whose address rules `address` passes, if exactly one does. */
export function chainOfAddress(address: string): Chain | undefined {
  const fits = CHAINS.filter(
    (chain) => !EVM_CHAINS.includes(chain) && validateAddress(chain, address).ok,
  );
  if (fits.length === 1) return fits[0];
  return undefined;
}
