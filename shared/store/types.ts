/**
 * The storage port. Domain code talks to these small interfaces; `dynamo/` implements
 * them over one DynamoDB table (docs/store.md), and unit tests may fake them.
 *
 * The local DynamoDB server has no transactions and no TTL, so every multi-item write
 * is ordered around ONE conditional write that commits it; items written before that
 * commit (index entries) are never read as data on their own, and expiry is checked
 * on read as well as left to DynamoDB's TTL.
 */
import type { BulletinMeta, StoredStatus } from "../bulletins/types.js";
import type { ChangeStore } from "../changes/port.js";
import type { FeedTokenRecord } from "../feed-tokens/types.js";
import type { Organisation } from "../orgs/types.js";
import type { SightingRecord } from "../sightings/types.js";
import type { DeliveryRecord, SubscriptionRecord } from "../subscriptions/types.js";
import type { TransparencyStore } from "../transparency/port.js";
import type { RateLimitStore } from "./rate-limits.js";

export interface Page<T> {
  items: T[];
  /** Opaque position after the last item, when there may be more. */
  next: string | undefined;
}

export interface OrgStore {
  getOrg(id: string): Promise<Organisation | undefined>;
  /** Several organisations by id, strongly consistent; missing ids are absent. */
  getOrgs(ids: readonly string[]): Promise<Map<string, Organisation>>;
  /** Conditional create: false when the id is taken. */
  createOrg(org: Organisation): Promise<boolean>;
  /** Replaces the organisation if its stored version is still `expectedVersion`. */
  saveOrg(org: Organisation, expectedVersion: number): Promise<boolean>;
  /** Every organisation (the directory is small), strongly consistent: groups are resolved from it. */
  listOrgs(): Promise<Organisation[]>;
  /**
   * The guard that keeps one active admin organisation: takes one away from the count
   * of active admins unless it is the last (false then). Taken before an admin is
   * demoted or suspended, given back after one is made (or if the change failed), so
   * a lost race or a crash can only under-count: never leave the hub without an admin.
   */
  takeActiveAdmin(): Promise<boolean>;
  giveActiveAdmin(): Promise<void>;
  /** Sets the count from the directory (at start, when nothing else runs). */
  recountActiveAdmins(count: number): Promise<void>;
}

export interface ReplayGuard {
  /** Conditional put keyed by iss + jti; false if that jti is already spent. */
  claimJti(iss: string, jti: string, keepUntilEpochSeconds: number, now: Date): Promise<boolean>;
}

/**
 * What the indicator index keeps of each bulletin naming an indicator: enough to
 * decide visibility and answer a screening match without reading the bulletin, so
 * that screening 1,000 indicators costs ten batched reads, hits or not. All of it is
 * fixed at acceptance except `status`, which the change protocol mirrors after each change.
 */
export type IndexedBulletin = Pick<
  BulletinMeta,
  | "id"
  | "issuer"
  | "tlp"
  | "category"
  | "confidence"
  | "issued_at"
  | "valid_until"
  | "received_at"
  | "recipients"
> & {
  status: StoredStatus;
  /**
   * Of the payload this entry was written for. Two publishes racing on one id with
   * other content each write entries ahead; only the committed content's are real.
   */
  content_sha256: string;
};

/** An item on the outbox index: something that must still be driven to completion. */
export type WorkItem = {
  due: string /** Opaque to callers: identifies the item to postpone. */;
  handle: string;
} & (
  | { kind: "bulletin"; bulletin_id: string }
  | { kind: "sighting"; bulletin_id: string; sighting_id: string }
  | { kind: "delivery"; delivery: DeliveryKey }
);

export interface DeliveryKey {
  subscription_id: string;
  event_at: string;
  webhook_id: string;
}

export interface SightingStore {
  /** The commit point of a sighting. */
  putSighting(record: SightingRecord, workDue: string): Promise<void>;
  getSighting(bulletinId: string, sightingId: string): Promise<SightingRecord | undefined>;
  listSightings(
    bulletinId: string,
    limit: number,
    cursor: string | undefined,
  ): Promise<Page<SightingRecord>>;
  markSightingFannedOut(bulletinId: string, sightingId: string): Promise<void>;
}

export interface SubscriptionStore {
  /**
   * Adds a subscription unless its organisation holds `max` already — exact under
   * any number of concurrent creates. False when the organisation is at the cap.
   */
  addSubscription(record: SubscriptionRecord, max: number): Promise<boolean>;
  getSubscription(orgId: string, id: string): Promise<SubscriptionRecord | undefined>;
  listSubscriptions(orgId: string): Promise<SubscriptionRecord[]>;
  /** Every subscription of every organisation, for fan-out, strongly consistent. */
  listAllSubscriptions(): Promise<SubscriptionRecord[]>;
  /** Applies `changes` to a subscription that exists; false if it does not. */
  updateSubscription(orgId: string, id: string, changes: SubscriptionChanges): Promise<boolean>;
  deleteSubscription(orgId: string, id: string): Promise<boolean>;
}

export type SubscriptionChanges = {
  [K in
    | "status"
    | "disabled_reason"
    | "secret"
    | "previous_secret"
    | "failing_since"
    | "breaker"
    | "updated_at"]?: SubscriptionRecord[K] | null;
};

export interface DeliveryStore {
  /** Writes the deliveries that do not exist yet; answers those it wrote and those it found. */
  createDeliveries(
    records: readonly DeliveryRecord[],
  ): Promise<{ created: DeliveryRecord[]; existing: DeliveryRecord[] }>;
  getDeliveries(keys: readonly DeliveryKey[]): Promise<DeliveryRecord[]>;
  /** Saves attempt outcomes; records still pending or retrying stay on the outbox. */
  saveDeliveries(records: readonly DeliveryRecord[]): Promise<void>;
  listDeliveries(
    subscriptionId: string,
    limit: number,
    cursor: string | undefined,
  ): Promise<Page<DeliveryRecord>>;
  /** One delivery of a subscription by its webhook-id (undefined when there is none). */
  findDelivery(subscriptionId: string, webhookId: string): Promise<DeliveryRecord | undefined>;
  /** Saves a delivery made open again (a resend): it is findable for another full retention. */
  reopenDelivery(record: DeliveryRecord): Promise<void>;
}

export interface WorkStore {
  /** Outbox items due before `before`, oldest first, at most `limit`. */
  listDueWork(before: string, limit: number): Promise<WorkItem[]>;
  /**
   * Pushes an item's due time forward, so a sweep does not pick it again at once, and
   * counts the try: answers how many times it has been swept since it last progressed.
   */
  postpone(item: WorkItem, due: string): Promise<number>;
  /** Pushes an item's due time further without counting a try (backing off). */
  delay(item: WorkItem, due: string): Promise<void>;
}

export interface FeedTokenStore {
  /**
   * Adds a token unless its organisation holds `max` live ones (expired ones do not
   * count) — exact under any number of concurrent creates. False at the cap.
   */
  addFeedToken(record: FeedTokenRecord, max: number, now: Date): Promise<boolean>;
  /** Strongly consistent: a token deleted a moment ago is gone. */
  getFeedToken(id: string): Promise<FeedTokenRecord | undefined>;
  /** The organisation's tokens, live and expired. */
  listFeedTokens(orgId: string): Promise<FeedTokenRecord[]>;
  /** Deletes the organisation's token; false if it holds none with this id. */
  deleteFeedToken(orgId: string, id: string): Promise<boolean>;
}

/**
 * Where each shared STIX object (identities, observables, markings, extension
 * definitions) was first introduced to each class of readers (shared/taxii/
 * introductions.ts): per object, a class name → the `seq` of the change. Values are
 * written once and never change.
 */
export interface IntroductionStore {
  /** The introductions recorded for these objects; objects with none are absent. */
  introductions(objectIds: readonly string[]): Promise<Map<string, Record<string, number>>>;
  /**
   * Records `seq` for each class not recorded yet, and answers every introduction of
   * the object as it now is.
   */
  introduce(objectId: string, classes: Record<string, number>): Promise<Record<string, number>>;
}

export interface Store {
  orgs: OrgStore;
  replay: ReplayGuard;
  /** Bulletins, their changes, the log and the indicator index (shared/changes/port.ts). */
  changes: ChangeStore;
  /** The transparency log's head and tiles (shared/transparency/port.ts). */
  log: TransparencyStore;
  sightings: SightingStore;
  subscriptions: SubscriptionStore;
  deliveries: DeliveryStore;
  work: WorkStore;
  rateLimits: RateLimitStore;
  feedTokens: FeedTokenStore;
  introductions: IntroductionStore;
}
