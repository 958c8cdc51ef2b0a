/**
 * The Cordon SDK for Node (`@cordon/sdk/node`): everything of `@cordon/sdk`, plus what
 * needs Node — reading and writing private key files, verifying webhook deliveries
 * (node:crypto) and a ready-made webhook receiver (node:http).
 *
 *   import { CordonClient, loadSigningKey, verifyWebhook } from "@cordon/sdk/node";
 */

export {
  type ReceivedWebhook,
  startWebhookReceiver,
  type WebhookReceiver,
  type WebhookReceiverOptions,
} from "../webhook-receiver.js";
export * from "./index.js";
export { isKeyFileExposed, loadSigningKey, writePrivateKeyFile } from "./key-file.js";
export {
  DEFAULT_TOLERANCE_SECONDS,
  readWebhookHeaders,
  signatureEntries,
  type VerifyWebhookOptions,
  verifyWebhook,
  type WebhookHeaders,
  type WebhookHeaderValues,
} from "./webhooks.js";
