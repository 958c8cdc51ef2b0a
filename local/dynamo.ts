/**
 * The embedded DynamoDB-API server (dynalite) and the table, created if missing with
 * the same key schema and indexes the CDK stack declares.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
} from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import dynalite from "dynalite";
import { Table } from "../shared/store/dynamo/table.js";
import {
  GLOBAL_SECONDARY_INDEXES,
  PARTITION_KEY,
  SORT_KEY,
  WORK_INDEX,
} from "../shared/store/dynamo/table-definition.js";
import { closeServer, LOOPBACK, listenOnLoopback } from "./loopback.js";

export const LOCAL_TABLE = "cordon";
/** Local servers accept any credentials; these only satisfy the SDK's signer. */
export const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };
export const LOCAL_REGION = "us-east-1";

export interface EmbeddedDynamo {
  endpoint: string;
  client: DynamoDBClient;
  stop(): Promise<void>;
}

/** Starts dynalite on loopback: on disk under `path`, or in memory when it is undefined. */
export async function startEmbeddedDynamo(
  path: string | undefined,
  port = 0,
): Promise<EmbeddedDynamo> {
  const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const bound = await listenOnLoopback(server, port);
  const endpoint = `http://${LOOPBACK}:${bound}`;
  const client = new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  await ensureTable(client, LOCAL_TABLE);
  return {
    endpoint,
    client,
    stop: async () => {
      client.destroy();
      await closeServer(server);
    },
  };
}

async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [
        PARTITION_KEY,
        SORT_KEY,
        WORK_INDEX.partitionKey,
        WORK_INDEX.sortKey,
      ].map((name) => ({ AttributeName: name, AttributeType: "S" })),
      KeySchema: [
        { AttributeName: PARTITION_KEY, KeyType: "HASH" },
        { AttributeName: SORT_KEY, KeyType: "RANGE" },
      ],
      GlobalSecondaryIndexes: GLOBAL_SECONDARY_INDEXES,
    }),
  );
  await waitUntilActive(client, tableName);
}

/**
 * dynalite answers CreateTable with the table still CREATING and turns it ACTIVE a
 * moment later; until then every item request fails with ResourceNotFoundException,
 * which a busy machine does meet.
 */
async function waitUntilActive(client: DynamoDBClient, tableName: string): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt += 1) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === "ACTIVE") return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`the table ${tableName} did not become active`);
}

/**
 * dynalite keeps an item's index entries itself, not atomically with the item: a put
 * deletes the old entries, writes the new ones, then the item. A process killed in
 * between leaves an item that its index no longer lists — on the outbox index, work
 * the sweeper never sees again. At a start after such a kill, before anything reads them, every item an index
 * should list is put again as it stands, which rewrites its entries. Answers how many
 * items were put.
 */
export async function repairIndexes(client: DynamoDBClient, tableName: string): Promise<number> {
  const table = new Table(DynamoDBDocumentClient.from(client), tableName);
  let start: Record<string, unknown> | undefined;
  let repaired = 0;
  do {
    const page = await table.client.send(
      new ScanCommand({
        TableName: tableName,
        ExclusiveStartKey: start,
        FilterExpression: "attribute_exists(#w)",
        ExpressionAttributeNames: { "#w": WORK_INDEX.partitionKey },
      }),
    );
    const items = page.Items ?? [];
    await table.batchPut(items);
    repaired += items.length;
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return repaired;
}
