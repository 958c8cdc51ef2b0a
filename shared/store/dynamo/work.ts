/** The outbox index, read by the sweeper. */
import type { WorkItem, WorkKind, WorkStore } from "../types.js";
import { allWorkShards } from "./keys.js";
import type { Table } from "./table.js";
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
        return items.map((item) => ({
          kind: item.kind as WorkKind,
          pk: String(item.pk),
          sk: String(item.sk),
          due: String(item.work_due),
        }));
      }),
    );
    return perShard
      .flat()
      .sort((a, b) => a.due.localeCompare(b.due))
      .slice(0, limit);
  }

  async postpone(item: WorkItem, due: string): Promise<void> {
    await this.table.updateIf({
      Key: { pk: item.pk, sk: item.sk },
      UpdateExpression: "SET work_due = :due",
      ConditionExpression: "attribute_exists(work_pk)",
      ExpressionAttributeValues: { ":due": due },
    });
  }
}
