/** Every key of the single table, in one place (docs/store.md). */
import { canonicalBulletinId } from "../../bulletins/canonical-id.js";
import { WORK_SHARDS } from "./table-definition.js";

export interface ItemKey {
  pk: string;
  sk: string;
}

const SEQ_WIDTH = 15;
export const INDICATOR_PREFIX = "IND#";
export const OVERFLOW_PREFIX = "B#";
/** The organisation directory: one partition, so that it can be read strongly consistent. */
export const ORGS_PK = "ORGS";
/** Every subscription: one partition, read strongly consistent by fan-out. */
export const SUBSCRIPTIONS_PK = "SUBS";
/** The change log: one partition whose sort key is the gapless sequence. */
export const LOG_PK = "LOG";
/**
 * The transparency log built over the change log (DESIGN §14, docs/store.md): its head,
 * and its tiles — one partition per tile, one immutable item per width written.
 */
export const TLOG_PREFIX = "TLOG";
const TILE_WIDTH_DIGITS = 3;

export const key = {
  org: (id: string): ItemKey => ({ pk: ORGS_PK, sk: id }),
  jti: (iss: string, jti: string): ItemKey => ({ pk: `JTI#${iss}#${jti}`, sk: "JTI" }),
  /**
   * By its canonical id (shared/bulletins/canonical-id.ts): ids that share one are one
   * bulletin to the table, so the second is refused like a taken id. The item's `id`
   * says which of them it holds; readers check it.
   */
  bulletin: (id: string): ItemKey => ({ pk: `BUL#${canonicalBulletinId(id)}`, sk: "BUL" }),
  sighting: (bulletinId: string, sightingId: string): ItemKey => ({
    pk: `BUL#${canonicalBulletinId(bulletinId)}`,
    sk: `SIG#${sightingId}`,
  }),
  indicatorHead: (normalised: string): ItemKey => ({
    pk: `${INDICATOR_PREFIX}${normalised}`,
    sk: "HEAD",
  }),
  indicatorOverflow: (normalised: string, entry: string): ItemKey => ({
    pk: `${INDICATOR_PREFIX}${normalised}`,
    sk: `${OVERFLOW_PREFIX}${entry}`,
  }),
  change: (seq: number): ItemKey => ({ pk: LOG_PK, sk: String(seq).padStart(SEQ_WIDTH, "0") }),
  /** The head of the transparency log: its size, root and signed checkpoint. */
  logHead: (): ItemKey => ({ pk: TLOG_PREFIX, sk: "HEAD" }),
  /** A tile (`level` 0–63) or entry bundle (`entries`) of the log, at one width (1–256). */
  logTile: (level: number | "entries", index: number, width: number): ItemKey => ({
    pk: `${TLOG_PREFIX}#${level}/${index}`,
    sk: String(width).padStart(TILE_WIDTH_DIGITS, "0"),
  }),
  subscription: (orgId: string, id: string): ItemKey => ({
    pk: SUBSCRIPTIONS_PK,
    sk: `${orgId}#${id}`,
  }),
  /** What an organisation holds against a cap (its subscriptions, …): see roster.ts. */
  roster: (orgId: string, of: string): ItemKey => ({ pk: `ORG#${orgId}`, sk: `ROSTER#${of}` }),
  /** A feed token by its id (the organisation's roster lists its ids). */
  feedToken: (id: string): ItemKey => ({ pk: `FTOK#${id}`, sk: "FTOK" }),
  /** Where a shared STIX object was first introduced to each class of readers. */
  introductions: (objectId: string): ItemKey => ({ pk: `STIXINTRO#${objectId}`, sk: "INTRO" }),
  /** The count of active admin organisations (OrgStore.takeActiveAdmin). */
  adminGuard: (): ItemKey => ({ pk: "GUARD", sk: "ACTIVE_ADMINS" }),
  /** Which layout of the table this is, so a hub never misreads an older one. */
  layout: (): ItemKey => ({ pk: "META", sk: "LAYOUT" }),
  delivery: (subscriptionId: string, eventAt: string, webhookId: string): ItemKey => ({
    pk: `DLV#${subscriptionId}`,
    sk: `${eventAt}#${webhookId}`,
  }),
  /** Finds a delivery by its webhook-id (the deliveries route), pointing at its key. */
  deliveryRef: (subscriptionId: string, webhookId: string): ItemKey => ({
    pk: `DLVW#${subscriptionId}#${webhookId}`,
    sk: "DLVW",
  }),
  rateLimit: (scope: string): ItemKey => ({ pk: `RL#${scope}`, sk: "RL" }),
};

/**
 * The layout this code reads and writes (1.0 kept organisations and the feed elsewhere;
 * 2 keyed bulletins by their id as given, 3 by their canonical id).
 */
export const TABLE_LAYOUT = 3;

/** The outbox shard of an item, stable for its key. */
export function workShard(pk: string): string {
  let hash = 0;
  for (let i = 0; i < pk.length; i += 1) hash = (hash * 31 + pk.charCodeAt(i)) >>> 0;
  return `WORK#${hash % WORK_SHARDS}`;
}

export function allWorkShards(): string[] {
  return Array.from({ length: WORK_SHARDS }, (_, i) => `WORK#${i}`);
}
