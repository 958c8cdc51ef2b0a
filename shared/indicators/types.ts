/**
 * The shapes of an indicator — one thing a bulletin flags (an address, a transaction,
 * a channel) — and of the answers the per-family checks give. Every other file of
 * this module, and the bulletin, screening and subscription code, speak these types.
 */

/** Chains Cordon knows. Any other name is refused (DESIGN.md §9). */
export const CHAINS = [
  "bitcoin",
  "ethereum",
  "bsc",
  "polygon",
  "arbitrum",
  "optimism",
  "base",
  "avalanche",
  "tron",
  "litecoin",
  "solana",
] as const;

export type Chain = (typeof CHAINS)[number];

/** Chains whose addresses and hashes are Ethereum's (`avalanche` is the C-Chain). */
export const EVM_CHAINS: readonly Chain[] = [
  "ethereum",
  "bsc",
  "polygon",
  "arbitrum",
  "optimism",
  "base",
  "avalanche",
];

export const INDICATOR_TYPES = [
  "crypto_address",
  "tx_hash",
  "telegram_channel",
  "channel",
] as const;

export type IndicatorType = (typeof INDICATOR_TYPES)[number];

export interface CryptoAddressIndicator {
  type: "crypto_address";
  chain: Chain;
  address: string;
  asset?: string;
  role?: string;
}

export interface TxHashIndicator {
  type: "tx_hash";
  chain: Chain;
  hash: string;
}

export interface TelegramChannelIndicator {
  type: "telegram_channel";
  value: string;
}

export interface ChannelIndicator {
  type: "channel";
  platform: string;
  value: string;
}

export type Indicator =
  | CryptoAddressIndicator
  | TxHashIndicator
  | TelegramChannelIndicator
  | ChannelIndicator;

/** Stable codes callers switch on; codes may be added, never renamed. */
export type IndicatorErrorCode =
  | "ERR_INDICATOR_NOT_OBJECT"
  | "ERR_INDICATOR_UNKNOWN_TYPE"
  | "ERR_INDICATOR_UNKNOWN_CHAIN"
  | "ERR_INDICATOR_MISSING_FIELD"
  | "ERR_INDICATOR_UNKNOWN_FIELD"
  | "ERR_INDICATOR_FORMAT"
  | "ERR_INDICATOR_CHECKSUM"
  | "ERR_INDICATOR_TOO_LONG";

export const INDICATOR_ERROR_CODES: readonly IndicatorErrorCode[] = [
  "ERR_INDICATOR_NOT_OBJECT",
  "ERR_INDICATOR_UNKNOWN_TYPE",
  "ERR_INDICATOR_UNKNOWN_CHAIN",
  "ERR_INDICATOR_MISSING_FIELD",
  "ERR_INDICATOR_UNKNOWN_FIELD",
  "ERR_INDICATOR_FORMAT",
  "ERR_INDICATOR_CHECKSUM",
  "ERR_INDICATOR_TOO_LONG",
];

/** What a family's `validate` answers: the canonical value, or why there is none. */
export type ValueResult =
  | { ok: true; value: string }
  | { ok: false; code: IndicatorErrorCode; message: string };

export type ValueFailure = Extract<ValueResult, { ok: false }>;

/** What `checkIndicator` answers for one untrusted input. */
export type IndicatorCheck =
  | { ok: true; indicator: Indicator; normalised: string }
  | { ok: false; error: { code: IndicatorErrorCode; message: string; pointer: string } };

/**
 * Upper bounds on raw input, checked before anything is trimmed or decoded: base58
 * decoding is quadratic, so an absurdly long string must never reach it. Both are far
 * above the longest valid value (a 40-byte-program bech32 address is 75 characters, a
 * Solana signature 88).
 */
export const MAX_ADDRESS_LENGTH = 256;
export const MAX_VALUE_LENGTH = 512;
