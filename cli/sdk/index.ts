/**
 * The Cordon client SDK: what partners import to call a hub from their own code and
 * to verify what it sends them. Everything public is exported from here.
 *
 *   import { CordonClient, loadSigningKey, verifyWebhook } from "cordon/cli/sdk/index.js";
 */
export {
  generateSigningKey,
  parsePrivateJwk,
  parsePublicJwk,
  publicJwkOf,
} from "../../shared/signatures/keys.js";
export {
  type ReceivedWebhook,
  startWebhookReceiver,
  type WebhookReceiver,
  type WebhookReceiverOptions,
} from "../webhook-receiver.js";
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
  type BulletinVerificationCode,
  BulletinVerificationError,
  CordonApiError,
  CordonSdkError,
  InputError,
  type ProblemBody,
  type ProblemFieldError,
  type SdkErrorCode,
  type WebhookVerificationCode,
  WebhookVerificationError,
} from "./errors.js";
export { bulletinFromMisp } from "./from-misp.js";
export { bulletinFromStix } from "./from-stix.js";
export type { ImportedDraft, ImportOptions, ImportResult, Unmapped } from "./import-draft.js";
export { loadSigningKey } from "./key-file.js";
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
export {
  DEFAULT_TOLERANCE_SECONDS,
  readWebhookHeaders,
  signatureEntries,
  type VerifyWebhookOptions,
  verifyWebhook,
  type WebhookHeaders,
  type WebhookHeaderValues,
} from "./webhooks.js";
