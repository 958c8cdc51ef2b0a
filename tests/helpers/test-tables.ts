/**
 * Where the tests' tables live. By default every test hub embeds a dynalite of its
 * own. When $CORDON_DYNAMODB_ENDPOINT names a server (`npm run test:dynamodb-local`),
 * each hub gets a table of its own there instead, under a unique name, deleted when
 * the test is done with it; a hub that keeps its data (`inMemory: false`) gets the
 * table named after its data folder, so that a restart finds it again.
 * $CORDON_TEST_GSI_LAG_MS (`npm run test:lagging-index`) reaches the hubs the same way.
 */
import { createHash } from "node:crypto";
import { rm } from "node:fs/promises";
import { ulid } from "ulid";
import {
  type DynamoSettings,
  deleteTables,
  dynamoClientFor,
  dynamoSettingsFromEnv,
  type HubDynamo,
  LOCAL_TABLE,
  openDynamo,
} from "../../local/dynamo.js";
import { laggingReplicaOf } from "../../local/lagging-index.js";

/** The settings a test hub runs with: the environment's, and a table of its own. */
export function testDynamoSettings(dataDir: string, keepsData: boolean): DynamoSettings {
  const fromEnv = dynamoSettingsFromEnv();
  if (fromEnv.endpoint === undefined) return { ...fromEnv, tableName: LOCAL_TABLE };
  return {
    ...fromEnv,
    tableName: keepsData ? tableOfDataDir(dataDir) : `cordon-test-${ulid()}`,
  };
}

/** The table a hub with this data folder keeps at $CORDON_DYNAMODB_ENDPOINT. */
export function tableOfDataDir(dataDir: string): string {
  return `cordon-test-${createHash("sha256").update(dataDir).digest("hex").slice(0, 20)}`;
}

/** The environment a hub process with this data folder needs, beside the inherited one. */
export function hubProcessTableEnv(dataDir: string): Record<string, string> {
  return dynamoSettingsFromEnv().endpoint === undefined
    ? {}
    : { CORDON_TABLE_NAME: tableOfDataDir(dataDir) };
}

/** Deletes tables at `endpoint`, the lagging index's replicas of them too. */
export async function dropTables(endpoint: string, tableNames: readonly string[]): Promise<void> {
  const client = dynamoClientFor(endpoint);
  try {
    const all = new Set(tableNames.flatMap((name) => [name, laggingReplicaOf(name)]));
    await deleteTables(client, [...all]);
  } finally {
    client.destroy();
  }
}

/** Removes a hub's data folder, and its table when that lives at an endpoint. */
export async function discardHubData(dataDir: string): Promise<void> {
  await rm(dataDir, { recursive: true, force: true });
  const { endpoint } = dynamoSettingsFromEnv();
  if (endpoint !== undefined) await dropTables(endpoint, [tableOfDataDir(dataDir)]);
}

/**
 * A table with no hub around it, for tests of the store alone: an embedded dynalite in
 * memory, or a fresh table at $CORDON_DYNAMODB_ENDPOINT. `stop` deletes the latter.
 */
export async function startTestTable(): Promise<HubDynamo> {
  const settings = testDynamoSettings("", false);
  const dynamo = await openDynamo(settings, undefined);
  if (dynamo.embedded) return dynamo;
  return {
    ...dynamo,
    stop: async () => {
      await deleteTables(dynamo.client, [dynamo.tableName]);
      await dynamo.stop();
    },
  };
}
