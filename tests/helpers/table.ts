/** Reads the whole table of a local hub, to prove that a refused request changed nothing. */
import { type DynamoDBClient, ScanCommand, type ScanCommandOutput } from "@aws-sdk/client-dynamodb";
import { LOCAL_TABLE } from "../../local/dynamo.js";

export async function snapshotTable(client: DynamoDBClient): Promise<string[]> {
  const items: string[] = [];
  let start: ScanCommandOutput["LastEvaluatedKey"];
  do {
    const page = await client.send(
      new ScanCommand({ TableName: LOCAL_TABLE, ExclusiveStartKey: start, ConsistentRead: true }),
    );
    for (const item of page.Items ?? []) items.push(JSON.stringify(item, Object.keys(item).sort()));
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return items.sort();
}
