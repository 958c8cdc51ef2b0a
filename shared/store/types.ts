/**
 * The storage port. Domain code talks to these small interfaces; `dynamo/` implements
 * them over one DynamoDB table (docs/store.md), and unit tests may fake them.
 *
 * The local DynamoDB server has no transactions and no TTL, so every multi-item write
 * is ordered around ONE conditional write that commits it; items written before that
 * commit (index entries) are never read as data on their own, and expiry is checked
 * on read as well as left to DynamoDB's TTL.
 */
import type {
  BulletinMeta,
  BulletinRecord,
  ChangeKind,
  Revocation,
  StoredStatus,
} from "../bulletins/types.js";
import type { Organisation } from "../orgs/types.js";
import type { SightingRecord } from "../sightings/types.js";
import type { DeliveryRecord, SubscriptionRecord } from "../subscriptions/types.js";
import type { RateLimitStore } from "./rate-limits.js";

export interface Page<T> {
  items: T[];
  /** Opaque position after the last item, when there may be more. */
  next: string | undefined;
}

export interface OrgStore {
  getOrg(id: string): Promise<Organisation | undefined>;
  /** Conditional create: false when the id is taken. */
  createOrg(org: Organisation): Promise<boolean>;
  /** Replaces the organisation if its stored version is still `expectedVersion`. */
  saveOrg(org: Organisation, expectedVersion: number): Promise<boolean>;
  /** Every organisation (the directory is small). Eventually consistent. */
  listOrgs(): Promise<Organisation[]>;
}

export interface ReplayGuard {
  /** Conditional put keyed by iss + jti; false if that jti is already spent. */
  claimJti(iss: string, jti: string, keepUntilEpochSeconds: number, now: Date): Promise<boolean>;
}

/**
 * What the indicator index keeps of each bulletin naming an indicator: enough to
 * decide visibility and answer a screening match without reading the bulletin, so
 * that screening 1,000 indicators costs ten batched reads, hits or not. All of it is
 * fixed at acceptance except `status`, which the outbox mirrors after each change.
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
  /** `pending` until the outbox mirrors the committed status: a pending entry is confirmed before use. */
  status: StoredStatus | "pending";
  /**
   * Of the payload this entry was written for. Two publishes racing on one id with
   * other content each write entries ahead; only the committed content's are real.
   */
  content_sha256: string;
};

/** A change that holds a place in the feed. */
export interface FeedEntry {
  seq: number;
  bulletin_id: string;
  change: ChangeKind;
}

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

/** Which index entry: the bulletin and the content it was written for. */
export type IndexedRef = Pick<IndexedBulletin, "id" | "content_sha256">;

export interface BulletinStore {
  getBulletin(id: string): Promise<BulletinRecord | undefined>;
  /** Full records, for the feed. Missing ids are absent from the map. */
  getBulletins(ids: readonly string[]): Promise<Map<string, BulletinRecord>>;
  /** Only the fields visibility, screening and filters need. */
  getBulletinMetas(ids: readonly string[]): Promise<Map<string, BulletinMeta>>;
  /**
   * Adds the bulletin to the index of each indicator. Idempotent, and written before
   * the commit: an entry whose bulletin never committed is dropped when read.
   */
  indexBulletin(normalised: readonly string[], entry: IndexedBulletin): Promise<void>;
  /** Mirrors a status change into the index entries of the bulletin. */
  setIndexedStatus(
    normalised: readonly string[],
    entry: IndexedRef,
    status: StoredStatus,
  ): Promise<void>;
  /** The index entries of each indicator (batched reads). Indicators never named are absent. */
  lookupIndicators(normalised: readonly string[]): Promise<Map<string, IndexedBulletin[]>>;
  /**
   * The committed content of each of these bulletins that is active, by id (the index
   * is written ahead of the commit, so a pending entry is real only if it matches).
   */
  activeContents(ids: readonly string[]): Promise<Map<string, string>>;
  /** The commit point of a publish. False when the id exists. */
  commitBulletin(record: BulletinRecord, workDue: string): Promise<boolean>;
  /** The commit point of a revocation: false unless the issuer matches and it is not already revoked. */
  revokeBulletin(
    id: string,
    issuer: string,
    revocation: Revocation,
    workDue: string,
  ): Promise<boolean>;
  /** Marks `id` superseded by `by`, if it is still active and `issuer`'s. */
  supersedeBulletin(
    id: string,
    issuer: string,
    by: string,
    at: string,
    workDue: string,
  ): Promise<boolean>;
  /** Claims `seq` as the feed position of a change unless one is claimed; answers the claimed seq. */
  claimChangeSeq(id: string, change: ChangeKind, seq: number): Promise<number>;
  /** Marks a change fanned out; answers the bulletin as it now is (undefined: no such change). */
  markFannedOut(id: string, change: ChangeKind): Promise<BulletinRecord | undefined>;
  markIndexed(id: string, change: ChangeKind): Promise<void>;
  /** Removes the bulletin from the outbox if its version is still `version`. */
  clearBulletinWork(id: string, version: number): Promise<void>;
}

export interface FeedStore {
  /** Appends a change at the end of the feed and answers its sequence number. */
  appendChange(bulletinId: string, change: ChangeKind): Promise<number>;
  /** Changes with seq > afterSeq, oldest first. */
  readFeed(afterSeq: number, limit: number): Promise<FeedEntry[]>;
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
  putSubscription(record: SubscriptionRecord): Promise<void>;
  getSubscription(orgId: string, id: string): Promise<SubscriptionRecord | undefined>;
  listSubscriptions(orgId: string): Promise<SubscriptionRecord[]>;
  /** Every subscription of every organisation, for fan-out. Eventually consistent. */
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
  /** Pushes an item's due time forward, so a sweep does not pick it again at once. */
  postpone(item: WorkItem, due: string): Promise<void>;
}

export interface Store {
  orgs: OrgStore;
  replay: ReplayGuard;
  bulletins: BulletinStore;
  feed: FeedStore;
  sightings: SightingStore;
  subscriptions: SubscriptionStore;
  deliveries: DeliveryStore;
  work: WorkStore;
  rateLimits: RateLimitStore;
}
