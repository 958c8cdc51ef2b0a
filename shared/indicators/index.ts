/**
 * The indicators module: what a bulletin can flag (crypto addresses, transaction
 * hashes, Telegram and other channels), how each is checked (checksums included) and
 * the one normalised string each is matched on (DESIGN.md §4 and §9).
 */
export * as bitcoin from "./bitcoin.js";
export { isChain, isEvmChain, validateAddress } from "./chains.js";
export * as channel from "./channel.js";
export { IndicatorError } from "./errors.js";
export * as evm from "./evm.js";
export { checkIndicator, indicatorChain, normaliseIndicator } from "./indicator.js";
export * as litecoin from "./litecoin.js";
export {
  ChannelIndicatorSchema,
  CryptoAddressIndicatorSchema,
  IndicatorSchema,
  indicatorIssueCode,
  indicatorIssuePointer,
  MISSING_MEMBER_MESSAGE,
  TelegramChannelIndicatorSchema,
  TxHashIndicatorSchema,
} from "./schema.js";
export * as solana from "./solana.js";
export * as telegram from "./telegram.js";
export * as tron from "./tron.js";
export * as txHash from "./tx-hash.js";
export {
  CHAINS,
  type Chain,
  type ChannelIndicator,
  type CryptoAddressIndicator,
  EVM_CHAINS,
  INDICATOR_ERROR_CODES,
  INDICATOR_TYPES,
  type Indicator,
  type IndicatorCheck,
  type IndicatorErrorCode,
  type IndicatorType,
  MAX_ADDRESS_LENGTH,
  MAX_VALUE_LENGTH,
  type TelegramChannelIndicator,
  type TxHashIndicator,
  type ValueResult,
} from "./types.js";
