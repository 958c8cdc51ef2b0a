/**
 * Everything the domain needs from the outside world, passed in once. The same
 * domain code runs on Lambda and under `npm start`; only what fills this differs.
 */
import type { Logger, Metrics } from "../observability/types.js";
import type { QueuePort } from "../queue/port.js";
import type { HubKeySet } from "../signatures/hub-keys.js";
import type { Store } from "../store/types.js";
import type { SecretBox } from "../webhooks/secret-box.js";

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface WebhookPolicy {
  /** Local runtime only: allow `http://` and loopback or private targets. */
  allowInsecure: boolean;
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
  webhookPolicy: WebhookPolicy;
  logger: Logger;
  metrics: Metrics;
  /** New ULIDs (sightings, subscriptions, pings). */
  newId(): string;
}
