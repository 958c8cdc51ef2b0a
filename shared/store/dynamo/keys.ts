/** Every key of the single table, in one place (docs/store.md). */
import { WORK_SHARDS } from "./table-definition.js";

export interface ItemKey {
  pk: string;
  sk: string;
}

const SEQ_WIDTH = 15;
export const INDICATOR_PREFIX = "IND#";
export const OVERFLOW_PREFIX = "B#";

export const key = {
  org: (id: string): ItemKey => ({ pk: `ORG#${id}`, sk: "ORG" }),
  jti: (iss: string, jti: string): ItemKey => ({ pk: `JTI#${iss}#${jti}`, sk: "JTI" }),
  bulletin: (id: string): ItemKey => ({ pk: `BUL#${id}`, sk: "BUL" }),
  sighting: (bulletinId: string, sightingId: string): ItemKey => ({
    pk: `BUL#${bulletinId}`,
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
  feed: (seq: number): ItemKey => ({ pk: "FEED", sk: String(seq).padStart(SEQ_WIDTH, "0") }),
  subscription: (orgId: string, id: string): ItemKey => ({ pk: `ORG#${orgId}`, sk: `SUB#${id}` }),
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

export const LIST_ORGS = "ORGS";
export const LIST_SUBSCRIPTIONS = "SUBS";
export const FEED_PK = "FEED";

/** The outbox shard of an item, stable for its key. */
export function workShard(pk: string): string {
  let hash = 0;
  for (let i = 0; i < pk.length; i += 1) hash = (hash * 31 + pk.charCodeAt(i)) >>> 0;
  return `WORK#${hash % WORK_SHARDS}`;
}

export function allWorkShards(): string[] {
  return Array.from({ length: WORK_SHARDS }, (_, i) => `WORK#${i}`);
}
