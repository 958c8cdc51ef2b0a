/**
 * Subscriptions: one partition holds them all, keyed by organisation then id, so that
 * an organisation's list and fan-out's list of every subscription are both strongly
 * consistent queries — a subscription created a moment before a publish is never
 * missed (DESIGN §10). The per-organisation cap is held by a roster (roster.ts).
 */
import { coalesceReads } from "../../async/coalesce.js";
import type { SubscriptionRecord } from "../../subscriptions/types.js";
import type { SubscriptionChanges, SubscriptionStore } from "../types.js";
import { type ItemKey, key, SUBSCRIPTIONS_PK } from "./keys.js";
import { Roster } from "./roster.js";
import { recordOf, type Table } from "./table.js";

export class DynamoSubscriptionStore implements SubscriptionStore {
  /** A fan-out's attempts each read their subscription side by side: one batch per turn. */
  private readonly readTogether = coalesceReads(
    (keys: ItemKey[]) => this.table.batchGet(keys),
    itemKeyId,
    (item) => itemKeyId({ pk: String(item.pk), sk: String(item.sk) }),
  );
  private readonly roster: Roster;

  constructor(private readonly table: Table) {
    this.roster = new Roster(table, "subscriptions");
  }

  async addSubscription(record: SubscriptionRecord, max: number): Promise<boolean> {
    const now = new Date(record.created_at);
    const placed = await this.roster.take(record.org_id, record.id, max, now, async (ids) => {
      const held = await this.listSubscriptions(record.org_id);
      return new Set(held.map((s) => s.id).filter((id) => ids.includes(id)));
    });
    if (!placed) return false;
    try {
      await this.table.put({
        ...key.subscription(record.org_id, record.id),
        kind: "subscription",
        ...record,
      });
    } catch (error) {
      await this.roster.release(record.org_id, record.id);
      throw error;
    }
    return true;
  }

  async getSubscription(orgId: string, id: string): Promise<SubscriptionRecord | undefined> {
    const [item] = await this.readTogether([key.subscription(orgId, id)]);
    return item === undefined ? undefined : recordOf<SubscriptionRecord>(item);
  }

  async listSubscriptions(orgId: string): Promise<SubscriptionRecord[]> {
    const items = await this.table.queryAll({
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :org)",
      ExpressionAttributeValues: { ":pk": SUBSCRIPTIONS_PK, ":org": `${orgId}#` },
      ConsistentRead: true,
    });
    return items.map((item) => recordOf<SubscriptionRecord>(item));
  }

  async listAllSubscriptions(): Promise<SubscriptionRecord[]> {
    const items = await this.table.queryAll({
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": SUBSCRIPTIONS_PK },
      ConsistentRead: true,
    });
    return items.map((item) => recordOf<SubscriptionRecord>(item));
  }

  updateSubscription(orgId: string, id: string, changes: SubscriptionChanges): Promise<boolean> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets: string[] = [];
    const removes: string[] = [];
    for (const [field, value] of Object.entries(changes)) {
      if (value === undefined) continue;
      names[`#${field}`] = field;
      if (value === null) {
        removes.push(`#${field}`);
      } else {
        values[`:${field}`] = value;
        sets.push(`#${field} = :${field}`);
      }
    }
    const expression = [
      sets.length > 0 ? `SET ${sets.join(", ")}` : "",
      removes.length > 0 ? `REMOVE ${removes.join(", ")}` : "",
    ].join(" ");
    return this.table.updateIf({
      Key: key.subscription(orgId, id),
      UpdateExpression: expression,
      ConditionExpression: "attribute_exists(pk)",
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: Object.keys(values).length > 0 ? values : undefined,
    });
  }

  async deleteSubscription(orgId: string, id: string): Promise<boolean> {
    const deleted = await this.table.deleteIfExists(key.subscription(orgId, id));
    if (deleted) await this.roster.release(orgId, id);
    return deleted;
  }
}

function itemKeyId(k: ItemKey): string {
  return `${k.pk}\n${k.sk}`;
}
