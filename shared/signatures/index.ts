/**
 * The signatures module: strict JWS decoding and jose-backed signing and verifying
 * for request tokens, bulletins, receipts and key proofs, and the keys behind them.
 */

export * from "./bulletin-jws.js";
export * from "./compact.js";
export * from "./errors.js";
export * from "./hub-keys.js";
export * from "./key-proof.js";
export * from "./keys.js";
export * from "./receipt.js";
export * from "./request-token.js";
export type * from "./types.js";
