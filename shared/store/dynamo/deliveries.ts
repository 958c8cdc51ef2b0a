/**
 * Deliveries: one item per event × subscription, in the subscription's partition,
 * newest event first. While pending or retrying they sit on the outbox index, due
 * shortly after their next attempt, so a lost queue message is re-sent by the sweep.
 * Settled ones carry a `ttl` 30 days on (DESIGN §15); readers treat them as gone from
 * `expires_at` on, whether or not DynamoDB has deleted them yet.
 *
 * Each delivery also has a small reference item keyed by its webhook-id, because a
 * partner asks for one delivery by that id (the item's own key starts with the event's
 * time, which the webhook-id does not carry). It is written with the delivery and
 * expires after the delivery could have (REF_RETENTION_MS), or is rewritten by a resend.
 */
import { coalesce, coalesceReads } from "../../async/coalesce.js";
import { DELIVERY_RETENTION_MS, type DeliveryRecord } from "../../subscriptions/types.js";
import type { DeliveryKey, DeliveryStore, Page } from "../types.js";
import { key, workShard } from "./keys.js";
import { decodeCursor, encodeCursor, type Item, recordOf, type Table } from "./table.js";

/** How long after its planned attempt a delivery counts as lost and is re-queued. */
export const DELIVERY_GRACE_MS = 60_000;

/**
 * How long a reference item is kept: the delivery's own retention plus the longest a
 * delivery stays open (8 attempts, each wait at most the queue's 12 hours, is 4 days).
 */
const REF_RETENTION_MS = DELIVERY_RETENTION_MS + 8 * 24 * 60 * 60 * 1000;

export class DynamoDeliveryStore implements DeliveryStore {
  /**
   * A fan-out's attempts each read and then save their one delivery, side by side:
   * the reads (and the saves) made in one turn go to DynamoDB as one batch.
   */
  private readonly readTogether = coalesceReads(
    async (keys: DeliveryKey[]) => {
      const items = await this.table.batchGet(
        keys.map((k) => key.delivery(k.subscription_id, k.event_at, k.webhook_id)),
      );
      return items.map((item) => recordOf<DeliveryRecord>(item));
    },
    deliveryId,
    deliveryId,
  );
  private readonly saveTogether = coalesce((records: DeliveryRecord[]) =>
    // Two saves of one delivery in a turn: the later one is what a sequence would leave.
    this.table.batchPut([...new Map(records.map((r) => [deliveryId(r), itemOf(r)])).values()]),
  );

  constructor(private readonly table: Table) {}

  async createDeliveries(
    records: readonly DeliveryRecord[],
  ): Promise<{ created: DeliveryRecord[]; existing: DeliveryRecord[] }> {
    // A fan-out that runs again for the same event finds its deliveries and leaves
    // them as they are: a delivered one must not go back to pending.
    const existing = await this.getDeliveries(records.map(deliveryKeyOf));
    const known = new Set(existing.map((record) => record.webhook_id));
    const fresh = records.filter((record) => !known.has(record.webhook_id));
    await this.table.batchPut(fresh.flatMap((record) => [itemOf(record), refItemOf(record)]));
    return { created: fresh, existing };
  }

  async findDelivery(
    subscriptionId: string,
    webhookId: string,
  ): Promise<DeliveryRecord | undefined> {
    const ref = await this.table.get(key.deliveryRef(subscriptionId, webhookId));
    if (ref === undefined || typeof ref.event_at !== "string") return undefined;
    const [record] = await this.getDeliveries([
      { subscription_id: subscriptionId, event_at: ref.event_at, webhook_id: webhookId },
    ]);
    return record;
  }

  async reopenDelivery(record: DeliveryRecord): Promise<void> {
    await this.table.batchPut([itemOf(record), refItemOf(record)]);
  }

  async getDeliveries(keys: readonly DeliveryKey[]): Promise<DeliveryRecord[]> {
    if (keys.length === 0) return [];
    return this.readTogether(keys);
  }

  async saveDeliveries(records: readonly DeliveryRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.saveTogether(records);
  }

  async listDeliveries(
    subscriptionId: string,
    limit: number,
    cursor: string | undefined,
  ): Promise<Page<DeliveryRecord>> {
    const pk = `DLV#${subscriptionId}`;
    const after = decodeCursor(cursor);
    const { items, last } = await this.table.query({
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": pk },
      ScanIndexForward: false,
      ConsistentRead: true,
      Limit: limit,
      ExclusiveStartKey: after === undefined ? undefined : { pk, sk: after },
    });
    return {
      items: items.map((item) => recordOf<DeliveryRecord>(item)),
      next: last === undefined ? undefined : encodeCursor(String(last.sk)),
    };
  }
}

function deliveryId(k: DeliveryKey): string {
  return `${k.subscription_id}\n${k.event_at}\n${k.webhook_id}`;
}

export function deliveryKeyOf(record: DeliveryRecord): DeliveryKey {
  return {
    subscription_id: record.subscription_id,
    event_at: record.event_at,
    webhook_id: record.webhook_id,
  };
}

function itemOf(record: DeliveryRecord): Item {
  const k = key.delivery(record.subscription_id, record.event_at, record.webhook_id);
  const open = record.status === "pending" || record.status === "retrying";
  const due = new Date(
    Date.parse(record.next_attempt_at ?? record.updated_at) + DELIVERY_GRACE_MS,
  ).toISOString();
  return {
    ...k,
    kind: "delivery",
    ...(open ? { work_pk: workShard(k.pk), work_due: due } : {}),
    ...(record.expires_at === undefined ? {} : { ttl: epochSeconds(record.expires_at) }),
    ...record,
  };
}

function refItemOf(record: DeliveryRecord): Item {
  return {
    ...key.deliveryRef(record.subscription_id, record.webhook_id),
    kind: "delivery-ref",
    event_at: record.event_at,
    ttl: epochSeconds(record.updated_at) + REF_RETENTION_MS / 1000,
  };
}

function epochSeconds(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}
