/** Reads the whole table of a local hub, to prove that a refused request changed nothing. */
import { ScanCommand, type ScanCommandOutput } from "@aws-sdk/client-dynamodb";
import type { LocalHub } from "../../local/hub.js";

export async function snapshotTable(
  hub: Pick<LocalHub, "dynamoClient" | "table">,
): Promise<string[]> {
  const items: string[] = [];
  let start: ScanCommandOutput["LastEvaluatedKey"];
  do {
    const page = await hub.dynamoClient.send(
      new ScanCommand({
        TableName: hub.table.name,
        ExclusiveStartKey: start,
        ConsistentRead: true,
      }),
    );
    for (const item of page.Items ?? []) items.push(JSON.stringify(item, Object.keys(item).sort()));
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return items.sort();
}
