/**
 * Everything the domain needs from the outside world, passed in once. The same
 * domain code runs on Lambda and under `npm start`; only what fills this differs.
 */
import type { Logger, Metrics } from "../observability/types.js";
import type { QueuePort } from "../queue/port.js";
import type { RateLimits } from "../ratelimits/types.js";
import type { HubKeySet } from "../signatures/hub-keys.js";
import type { Store } from "../store/types.js";
import type { CheckpointTrigger } from "../transparency/trigger.js";
import type { SecretBox } from "../webhooks/secret-box.js";
import type { WebhookSender } from "../webhooks/sender.js";
import type { Resolver, UrlPolicy } from "../webhooks/url-safety.js";

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface Webhooks {
  /** Local runtime only: `allowInsecure` lets `http://` and loopback or private targets through. */
  policy: UrlPolicy;
  sender: WebhookSender;
  /** DNS, for the check made when a subscription is created. */
  resolver: Resolver;
}

export interface HubDeps {
  store: Store;
  queue: QueuePort;
  clock: Clock;
  /** The hub's Ed25519 keys: receipts and webhook `v1a` signatures. */
  hubKeys: HubKeySet;
  /** Keys the pseudonyms of sighting reporters; never leaves the hub. */
  pseudonymKey: Uint8Array;
  /** The `aud` every request token must carry. */
  audience: string;
  secrets: SecretBox;
  webhooks: Webhooks;
  logger: Logger;
  metrics: Metrics;
  /** New ULIDs (sightings, subscriptions, pings). */
  newId(): string;
  /** Requests per second by class for every organisation without its own (DESIGN §15). */
  rateLimits: Readonly<RateLimits>;
  /**
   * Wakes the transparency log's writer after a change is logged (DESIGN §14). Absent
   * when the writer is switched off (a benchmark's measurement): changes are still
   * logged and served, but no checkpoint is signed.
   */
  checkpoints?: CheckpointTrigger;
}
