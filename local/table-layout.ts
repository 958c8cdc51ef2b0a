/**
 * Which layout of the table this is. Cordon 1.1 keeps organisations, subscriptions and
 * the change log in partitions of their own (read strongly consistent, DESIGN §10),
 * where 1.0 listed them through an index; a local hub must never read a data folder it
 * does not understand as if it were empty or its own. A new table is stamped at first
 * use. (A deployed stack's table is new with the stack: docs/deploy.md.)
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { key, TABLE_LAYOUT } from "../shared/store/dynamo/keys.js";
import { Table } from "../shared/store/dynamo/table.js";

export class TableLayoutError extends Error {
  override readonly name = "TableLayoutError";
  readonly code = "ERR_TABLE_LAYOUT";
}

export async function checkTableLayout(client: DynamoDBClient, tableName: string): Promise<void> {
  const table = new Table(DynamoDBDocumentClient.from(client), tableName);
  const stamp = await table.get(key.layout());
  if (stamp?.layout === TABLE_LAYOUT) return;
  if (stamp !== undefined) {
    throw new TableLayoutError(
      `The table ${table.name} has layout ${String(stamp.layout)}; this hub reads layout ${TABLE_LAYOUT}.`,
    );
  }
  const { Items } = await table.client.send(
    new ScanCommand({ TableName: table.name, Limit: 1, ProjectionExpression: "pk" }),
  );
  if ((Items ?? []).length > 0) {
    throw new TableLayoutError(
      `The table ${table.name} was written by Cordon 1.0, whose layout this hub does not read: ` +
        "start it on a new data folder (CORDON_DATA_DIR) or a new table, and onboard the partners again.",
    );
  }
  await table.putIf({
    Item: { ...key.layout(), kind: "meta", layout: TABLE_LAYOUT },
    ConditionExpression: "attribute_not_exists(pk)",
  });
}
