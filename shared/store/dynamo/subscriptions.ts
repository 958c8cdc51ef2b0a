/** Subscriptions live in their organisation's partition and on the listing index for fan-out. */

import { coalesceReads } from "../../async/coalesce.js";
import type { SubscriptionRecord } from "../../subscriptions/types.js";
import type { SubscriptionChanges, SubscriptionStore } from "../types.js";
import { type ItemKey, key, LIST_SUBSCRIPTIONS } from "./keys.js";
import { recordOf, type Table } from "./table.js";
import { LIST_INDEX } from "./table-definition.js";

export class DynamoSubscriptionStore implements SubscriptionStore {
  /** A fan-out's attempts each read their subscription side by side: one batch per turn. */
  private readonly readTogether = coalesceReads(
    (keys: ItemKey[]) => this.table.batchGet(keys),
    itemKeyId,
    (item) => itemKeyId({ pk: String(item.pk), sk: String(item.sk) }),
  );

  constructor(private readonly table: Table) {}

  async putSubscription(record: SubscriptionRecord): Promise<void> {
    await this.table.put({
      ...key.subscription(record.org_id, record.id),
      kind: "subscription",
      gsi1pk: LIST_SUBSCRIPTIONS,
      gsi1sk: record.id,
      ...record,
    });
  }

  async getSubscription(orgId: string, id: string): Promise<SubscriptionRecord | undefined> {
    const [item] = await this.readTogether([key.subscription(orgId, id)]);
    return item === undefined ? undefined : recordOf<SubscriptionRecord>(item);
  }

  async listSubscriptions(orgId: string): Promise<SubscriptionRecord[]> {
    const items = await this.table.queryAll({
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :sub)",
      ExpressionAttributeValues: { ":pk": key.org(orgId).pk, ":sub": "SUB#" },
      ConsistentRead: true,
    });
    return items.map((item) => recordOf<SubscriptionRecord>(item));
  }

  async listAllSubscriptions(): Promise<SubscriptionRecord[]> {
    const items = await this.table.queryAll({
      IndexName: LIST_INDEX.name,
      KeyConditionExpression: "#pk = :pk",
      ExpressionAttributeNames: { "#pk": LIST_INDEX.partitionKey },
      ExpressionAttributeValues: { ":pk": LIST_SUBSCRIPTIONS },
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

  deleteSubscription(orgId: string, id: string): Promise<boolean> {
    return this.table.deleteIfExists(key.subscription(orgId, id));
  }
}

function itemKeyId(k: ItemKey): string {
  return `${k.pk}\n${k.sk}`;
}
