/**
 * The Cordon client SDK (`@cordon/sdk`): what partners import to call a hub from their
 * own code and to verify bulletins and receipts. It runs in Node and in browsers (the
 * analyst console): nothing here imports a `node:` module. Key files and webhook
 * receivers are Node's alone, in `@cordon/sdk/node` (./node.ts), which also re-exports
 * everything here.
 *
 *   import { CordonClient, parsePrivateJwk } from "@cordon/sdk";
 */
export {
  generateHeldSigningKey,
  generateSigningKey,
  holdSigningKey,
  jwkThumbprint,
  parsePrivateJwk,
  parsePublicJwk,
  publicJwkOf,
  signerPublicJwk,
} from "../../shared/signatures/keys.js";
export type { HeldSigningKey, Signer, SigningAlg } from "../../shared/signatures/types.js";
export { bulletinErrors, completeBulletin, rfc3339Seconds } from "./bulletin-draft.js";
export {
  CordonClient,
  type CordonClientOptions,
  FEED_PAGE_LIMIT,
  type FeedIterationOptions,
  type FeedOptions,
  fetchHubJwks,
  type PageOptions,
  SCREEN_BATCH_LIMIT,
  type ScreenOptions,
} from "./client.js";
export {
  type ApiErrorCode,
  type ApiErrorContext,
  type BulletinVerificationCode,
  BulletinVerificationError,
  CordonApiError,
  CordonSdkError,
  InputError,
  type LogVerificationCode,
  LogVerificationError,
  type ProblemBody,
  type ProblemFieldError,
  type SdkErrorCode,
  TOKEN_REFUSALS,
  type TokenRefusal,
  type WebhookVerificationCode,
  WebhookVerificationError,
} from "./errors.js";
export { bulletinFromMisp } from "./from-misp.js";
export { bulletinFromStix } from "./from-stix.js";
export type { ImportedDraft, ImportOptions, ImportResult, Unmapped } from "./import-draft.js";
export {
  checkKeyRequest,
  createKeyRequest,
  KEY_REQUEST_LIFETIME_SECONDS,
  KEY_REQUEST_TYPE,
  type KeyRequest,
  parseKeyRequest,
} from "./key-request.js";
export {
  type InclusionArguments,
  type ProofHashes,
  proveCheckpointExtends,
  proveReceiptIncluded,
  type ReceiptInclusion,
  readEntries,
  type TileSource,
  TransparencyLog,
  type TransparencyLogOptions,
  type TreeHead,
  type VerifiedCheckpoint,
  verifiedTiles,
  verifyCheckpoint,
  verifyConsistency,
  verifyInclusion,
} from "./log.js";
export {
  type RawResponse,
  type RequestOptions,
  Transport,
  type TransportOptions,
} from "./transport.js";
export * from "./types.js";
export {
  type ReceiptClaims,
  type VerifiedBulletin,
  type VerifyBulletinOptions,
  verifyBulletin,
  verifyReceipt,
} from "./verify-bulletin.js";
