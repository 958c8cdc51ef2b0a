/**
 * Proves that `npm run test:lagging-index` runs its suites behind the lagging index:
 * a test hub and a hub process both answer index queries from a state
 * $CORDON_TEST_GSI_LAG_MS old, while the table itself is read at once. Without this,
 * a runner that lost the variable would pass every suite and prove nothing.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PutItemCommand, QueryCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, describe, expect, it } from "vitest";
import { laggingReplicaOf } from "../../local/lagging-index.js";
import { WORK_INDEX } from "../../shared/store/dynamo/table-definition.js";
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
    // An item on the outbox index (a partition no hub work uses), written through the hub's client.
    const onIndex = async () =>
      (
        await hub.dynamoClient.send(
          new QueryCommand({
            TableName: hub.table.name,
            IndexName: WORK_INDEX.name,
            KeyConditionExpression: "#pk = :lane",
            ExpressionAttributeNames: { "#pk": WORK_INDEX.partitionKey },
            ExpressionAttributeValues: { ":lane": { S: "WORK#lane-check" } },
          }),
        )
      ).Items ?? [];
    await hub.indexesCaughtUp();
    const before = Date.now();
    // Act
    await hub.dynamoClient.send(
      new PutItemCommand({
        TableName: hub.table.name,
        Item: {
          pk: { S: "LANE#check" },
          sk: { S: "LANE" },
          kind: { S: "lane" },
          work_pk: { S: "WORK#lane-check" },
          work_due: { S: "2000-01-01T00:00:00.000Z" },
        },
      }),
    );
    // Assess
    expect(hub.table.all).toEqual([hub.table.name, laggingReplicaOf(hub.table.name)]);
    expect((await t.admin.raw("GET", "/v1/me")).status).toBe(200);
    await waitUntil(async () => (await onIndex()).length === 1, 15_000);
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
