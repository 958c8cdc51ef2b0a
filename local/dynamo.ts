/**
 * The local hub's DynamoDB: the embedded server (dynalite, on disk or in memory), or
 * any endpoint named by $CORDON_DYNAMODB_ENDPOINT — AWS's DynamoDB Local, or a real
 * table. Either way the table is created only when it does not exist, with the key
 * schema and indexes the CDK stack declares.
 */
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
  type TableDescription,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import dynalite from "dynalite";
import * as z from "zod";
import { Table } from "../shared/store/dynamo/table.js";
import {
  GLOBAL_SECONDARY_INDEXES,
  PARTITION_KEY,
  SORT_KEY,
  TTL_ATTRIBUTE,
  WORK_INDEX,
} from "../shared/store/dynamo/table-definition.js";
import { closeServer, LOOPBACK, listenOnLoopback } from "./loopback.js";

export const LOCAL_TABLE = "cordon";
/** Local servers accept any credentials; these only satisfy the SDK's signer. */
export const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };
export const LOCAL_REGION = "us-east-1";

/** A setting the local hub cannot start with (a bad variable, a table of another shape). */
export class LocalDynamoError extends Error {
  override name = "LocalDynamoError";
  readonly code = "ERR_LOCAL_DYNAMO";
}

/** Where the hub's table lives, and the test double it may run behind. */
export interface DynamoSettings {
  /** A DynamoDB endpoint to use instead of the embedded server. */
  endpoint?: string | undefined;
  tableName: string;
  /** Tests only: every index query answers from a state this many ms old (lagging-index.ts). */
  gsiLagMs?: number | undefined;
}

/** DynamoDB's own rule for table names. */
const TableName = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{3,255}$/, "3 to 255 letters, digits, '_', '-' or '.'");

const SettingsSchema = z.object({
  CORDON_DYNAMODB_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  CORDON_TABLE_NAME: TableName.default(LOCAL_TABLE),
  CORDON_TEST_GSI_LAG_MS: z.coerce.number().int().min(0).max(60_000).optional(),
});

/** The settings of `npm start` (and of the test helpers) from the environment. */
export function dynamoSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): DynamoSettings {
  const nonEmpty = Object.fromEntries(
    Object.entries(env).filter(([name, value]) => name.startsWith("CORDON_") && value !== ""),
  );
  const result = SettingsSchema.safeParse(nonEmpty);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join(".")}: ${issue.message}`,
    );
    throw new LocalDynamoError(`Invalid DynamoDB settings: ${problems.join("; ")}`);
  }
  const settings = result.data;
  return {
    endpoint: settings.CORDON_DYNAMODB_ENDPOINT,
    tableName: settings.CORDON_TABLE_NAME,
    gsiLagMs: settings.CORDON_TEST_GSI_LAG_MS,
  };
}

export interface HubDynamo {
  /** The embedded server's URL, or the endpoint the settings named. */
  endpoint: string;
  /** Whether this is the embedded server (which lives and dies with the hub). */
  embedded: boolean;
  client: DynamoDBClient;
  tableName: string;
  /** Another client to the same server, configured alike (its middleware stack its own). */
  connect(): DynamoDBClient;
  stop(): Promise<void>;
}

/**
 * The hub's table: at `settings.endpoint` when one is given (created there if missing,
 * and left there at stop), else in an embedded dynalite on disk under `path`, or in
 * memory when `path` is undefined.
 */
export async function openDynamo(
  settings: Pick<DynamoSettings, "endpoint" | "tableName">,
  path: string | undefined,
): Promise<HubDynamo> {
  if (settings.endpoint === undefined) return startEmbeddedDynamo(path, 0, settings.tableName);
  const endpoint = settings.endpoint;
  const connect = () => dynamoClientFor(endpoint);
  const client = connect();
  try {
    await ensureTable(client, settings.tableName, { timeToLive: true });
  } catch (error) {
    client.destroy();
    if (error instanceof LocalDynamoError) throw error;
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new LocalDynamoError(
      `DynamoDB at ${endpoint} could not open the table ${settings.tableName} (${reason}).`,
      { cause: error },
    );
  }
  return {
    endpoint,
    embedded: false,
    client,
    tableName: settings.tableName,
    connect,
    stop: async () => client.destroy(),
  };
}

/** Starts dynalite on loopback: on disk under `path`, or in memory when it is undefined. */
export async function startEmbeddedDynamo(
  path: string | undefined,
  port = 0,
  tableName = LOCAL_TABLE,
): Promise<HubDynamo> {
  const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const bound = await listenOnLoopback(server, port);
  const endpoint = `http://${LOOPBACK}:${bound}`;
  const connect = () =>
    new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const client = connect();
  await ensureTable(client, tableName);
  return {
    endpoint,
    embedded: true,
    client,
    tableName,
    connect,
    stop: async () => {
      client.destroy();
      await closeServer(server);
    },
  };
}

/**
 * A client for a DynamoDB endpoint. Credentials and region come from the usual AWS
 * environment (variables, profile, instance role); a loopback endpoint — DynamoDB
 * Local, say — that the environment leaves without them gets the local placeholders,
 * since such a server checks no signature.
 */
export function dynamoClientFor(endpoint: string): DynamoDBClient {
  const loopback = isLoopbackUrl(endpoint);
  const env = process.env;
  const hasRegion = Boolean(env.AWS_REGION || env.AWS_DEFAULT_REGION);
  const hasCredentials = Boolean(env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE);
  return new DynamoDBClient({
    endpoint,
    ...(loopback && !hasRegion ? { region: LOCAL_REGION } : {}),
    ...(loopback && !hasCredentials ? { credentials: LOCAL_CREDENTIALS } : {}),
  });
}

function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname;
  return host === "localhost" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Creates the table unless it exists, then waits until it is ACTIVE. An existing table
 * must have Cordon's key schema and indexes: one of another shape is refused rather
 * than written into. A table created at an endpoint gets the stack's TTL attribute
 * where the server has TTL (dynalite has not).
 */
export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
  options: { timeToLive?: boolean } = {},
): Promise<void> {
  const existing = await describeTable(client, tableName);
  if (existing !== undefined) {
    checkShape(existing, tableName);
    await waitUntilActive(client, tableName);
    return;
  }
  try {
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
  } catch (error) {
    // Another process created it first: it is the same definition, so use it.
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilActive(client, tableName);
  if (options.timeToLive === true) await enableTimeToLive(client, tableName);
}

/** TTL only tidies up (expired items count as absent on read), so a server without it will do. */
async function enableTimeToLive(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      }),
    );
  } catch (error) {
    // dynalite, say, answers that it has no such operation.
    if (!(error instanceof Error && error.name === "UnknownOperationException")) throw error;
  }
}

/** Deletes tables and waits until they are gone; one already gone is not an error. */
export async function deleteTables(
  client: DynamoDBClient,
  tableNames: readonly string[],
): Promise<void> {
  for (const tableName of tableNames) {
    try {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
    const deadline = Date.now() + 5 * 60_000;
    for (let attempt = 0; (await describeTable(client, tableName)) !== undefined; attempt += 1) {
      if (Date.now() > deadline) throw new LocalDynamoError(`The table ${tableName} stayed.`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 10 * 2 ** attempt)));
    }
  }
}

async function describeTable(
  client: DynamoDBClient,
  tableName: string,
): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

function checkShape(table: TableDescription, tableName: string): void {
  const keys = (table.KeySchema ?? []).map((k) => `${k.AttributeName}:${k.KeyType}`).join(",");
  const indexes = new Set((table.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  const missing = GLOBAL_SECONDARY_INDEXES.map((index) => index.IndexName).filter(
    (name) => !indexes.has(name),
  );
  if (keys !== `${PARTITION_KEY}:HASH,${SORT_KEY}:RANGE` || missing.length > 0) {
    throw new LocalDynamoError(
      `The table ${tableName} exists but is not a Cordon table (keys ${keys || "none"}` +
        `${missing.length > 0 ? `; missing indexes ${missing.join(", ")}` : ""}).`,
    );
  }
}

/**
 * dynalite answers CreateTable with the table still CREATING and turns it ACTIVE a
 * moment later; until then every item request fails with ResourceNotFoundException,
 * which a busy machine does meet. On AWS a new table takes seconds to a minute, and
 * its indexes a while longer.
 */
async function waitUntilActive(client: DynamoDBClient, tableName: string): Promise<void> {
  const deadline = Date.now() + 5 * 60_000;
  for (let attempt = 0; Date.now() < deadline; attempt += 1) {
    const table = await describeTable(client, tableName);
    const indexesActive = (table?.GlobalSecondaryIndexes ?? []).every(
      (index) => index.IndexStatus === undefined || index.IndexStatus === "ACTIVE",
    );
    if (table?.TableStatus === "ACTIVE" && indexesActive) return;
    await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 10 * 2 ** attempt)));
  }
  throw new LocalDynamoError(`The table ${tableName} did not become active.`);
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
