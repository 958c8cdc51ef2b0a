/**
 * Proves that `npm run test:dynamodb-local` runs its suites against DynamoDB Local:
 * a test hub's table is at $CORDON_DYNAMODB_ENDPOINT, on a server that names its
 * region `ddblocal` in table ARNs (dynalite would say us-east-1), under a name of its
 * own, and is gone once the hub stops.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DescribeTableCommand, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { describe, expect, it } from "vitest";
import { dynamoClientFor } from "../../local/dynamo.js";
import { startTestHub } from "../helpers/hub.js";
import { discardHubData, tableOfDataDir } from "../helpers/test-tables.js";

const endpoint = process.env.CORDON_DYNAMODB_ENDPOINT ?? "";

describe("the DynamoDB Local lane", () => {
  it("has an endpoint to test against", () => {
    expect(endpoint, "run through npm run test:dynamodb-local").toMatch(/^http:\/\/127\.0\.0\.1:/);
  });

  it("gives each test hub a table of its own there, deleted when the hub stops", async () => {
    // Prepare
    const client = dynamoClientFor(endpoint);
    try {
      const t = await startTestHub();
      const { name } = t.hub.table;
      // Act
      const described = await client.send(new DescribeTableCommand({ TableName: name }));
      await t.stop();
      // Assess
      expect(t.hub.table).toMatchObject({ endpoint, embedded: false });
      expect(name).toMatch(/^cordon-test-[0-9A-Z]{26}$/);
      expect(described.Table?.TableArn).toContain(":ddblocal:");
      expect((await client.send(new ListTablesCommand({}))).TableNames).not.toContain(name);
    } finally {
      client.destroy();
    }
  });

  it("keeps a hub's data across a restart in the table named after its data folder", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "cordon-lane-"));
    const client = dynamoClientFor(endpoint);
    try {
      const first = await startTestHub({ dataDir, inMemory: false });
      expect(first.hub.table.name).toBe(tableOfDataDir(dataDir));
      await first.onboard("kept");
      await first.stop();
      const second = await startTestHub({ dataDir, inMemory: false });
      expect((await second.admin.raw("GET", "/v1/admin/orgs/kept")).status).toBe(200);
      await second.stop();
      await discardHubData(dataDir);
      const tables = (await client.send(new ListTablesCommand({}))).TableNames;
      expect(tables).not.toContain(tableOfDataDir(dataDir));
    } finally {
      client.destroy();
    }
  });
});
