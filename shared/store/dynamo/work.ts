/** The outbox index, read by the sweeper. Decodes table keys into what each item is about. */
import type { WorkItem, WorkStore } from "../types.js";
import { allWorkShards } from "./keys.js";
import type { Item, Table } from "./table.js";
import { WORK_INDEX } from "./table-definition.js";

export class DynamoWorkStore implements WorkStore {
  constructor(private readonly table: Table) {}

  async listDueWork(before: string, limit: number): Promise<WorkItem[]> {
    const perShard = await Promise.all(
      allWorkShards().map(async (shard) => {
        const { items } = await this.table.query({
          IndexName: WORK_INDEX.name,
          KeyConditionExpression: "#pk = :shard AND #due < :before",
          ExpressionAttributeNames: { "#pk": WORK_INDEX.partitionKey, "#due": WORK_INDEX.sortKey },
          ExpressionAttributeValues: { ":shard": shard, ":before": before },
          Limit: limit,
        });
        return items.flatMap((item) => {
          const work = workItemOf(item);
          return work === undefined ? [] : [work];
        });
      }),
    );
    return perShard
      .flat()
      .sort((a, b) => a.due.localeCompare(b.due))
      .slice(0, limit);
  }

  async postpone(item: WorkItem, due: string): Promise<number> {
    const updated = await this.table.updateReturning(
      {
        Key: keyOf(item),
        UpdateExpression:
          "SET work_due = :due, work_tries = if_not_exists(work_tries, :zero) + :one",
        ConditionExpression: "attribute_exists(work_pk)",
        ExpressionAttributeValues: { ":due": due, ":zero": 0, ":one": 1 },
      },
      "UPDATED_NEW",
    );
    return Number(updated?.work_tries ?? 0);
  }

  async delay(item: WorkItem, due: string): Promise<void> {
    await this.table.updateIf({
      Key: keyOf(item),
      UpdateExpression: "SET work_due = :due",
      ConditionExpression: "attribute_exists(work_pk)",
      ExpressionAttributeValues: { ":due": due },
    });
  }
}

function keyOf(item: WorkItem): { pk: string; sk: string } {
  return JSON.parse(item.handle) as { pk: string; sk: string };
}

function workItemOf(item: Item): WorkItem | undefined {
  const pk = String(item.pk);
  const sk = String(item.sk);
  const base = { due: String(item.work_due), handle: JSON.stringify({ pk, sk }) };
  const id = pk.slice(pk.indexOf("#") + 1);
  switch (item.kind) {
    case "bulletin":
      return { ...base, kind: "bulletin", bulletin_id: String(item.id) };
    case "sighting":
      return {
        ...base,
        kind: "sighting",
        bulletin_id: String(item.bulletin_id),
        sighting_id: sk.slice("SIG#".length),
      };
    case "delivery": {
      const separator = sk.lastIndexOf("#");
      const delivery = {
        subscription_id: id,
        event_at: sk.slice(0, separator),
        webhook_id: sk.slice(separator + 1),
      };
      return { ...base, kind: "delivery", delivery };
    }
    default:
      return undefined;
  }
}
