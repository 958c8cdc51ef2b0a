/**
 * Proves that `npm run test:lagging-index` runs its suites behind the lagging index:
 * a test hub and a hub process both answer index queries from a state
 * $CORDON_TEST_GSI_LAG_MS old, while the table itself is read at once. Without this,
 * a runner that lost the variable would pass every suite and prove nothing.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { QueryCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, describe, expect, it } from "vitest";
import { laggingReplicaOf } from "../../local/lagging-index.js";
import { LIST_INDEX } from "../../shared/store/dynamo/table-definition.js";
import { startTestHub, type TestHub } from "../helpers/hub.js";
import { startHubProcess } from "../helpers/hub-process.js";
import { discardHubData } from "../helpers/test-tables.js";
import { waitUntil } from "../helpers/webhook-endpoint.js";

const lagMs = Number(process.env.CORDON_TEST_GSI_LAG_MS);

describe("the lagging-index lane", () => {
  let t: TestHub | undefined;
  afterAll(async () => {
    await t?.stop();
  });

  it("has a lag to test with", () => {
    expect(lagMs, "run through npm run test:lagging-index").toBeGreaterThanOrEqual(100);
  });

  it("puts a test hub's index queries behind it, and not its table reads", async () => {
    // Prepare
    t = await startTestHub();
    const hub = t.hub;
    const directory = async () =>
      (
        await hub.dynamoClient.send(
          new QueryCommand({
            TableName: hub.table.name,
            IndexName: LIST_INDEX.name,
            KeyConditionExpression: "#pk = :orgs",
            ExpressionAttributeNames: { "#pk": LIST_INDEX.partitionKey },
            ExpressionAttributeValues: { ":orgs": { S: "ORGS" } },
          }),
        )
      ).Items?.map((item) => item.gsi1sk?.S) ?? [];
    await hub.indexesCaughtUp();
    const before = Date.now();
    // Act
    const org = await t.onboard("newcomer");
    // Assess
    expect(hub.table.all).toEqual([hub.table.name, laggingReplicaOf(hub.table.name)]);
    expect((await org.client.raw("GET", "/v1/me")).status).toBe(200);
    await waitUntil(async () => (await directory()).includes("newcomer"), 15_000);
    expect(Date.now() - before).toBeGreaterThanOrEqual(lagMs);
  });

  it("reaches a hub process too", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "cordon-lane-"));
    try {
      const hub = await startHubProcess(dataDir);
      await hub.kill("SIGTERM");
      expect(hub.output()).toContain(`index queries answer from a state ${lagMs} ms old`);
    } finally {
      await discardHubData(dataDir);
    }
  });
});
