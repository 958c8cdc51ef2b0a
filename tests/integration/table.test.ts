/**
 * The table layer's batching (shared/store/dynamo/table.ts) against the real server:
 * a BatchGetItem answers at most 16 MB on DynamoDB and about 1 MB on dynalite, leaving
 * the rest unprocessed, so a batch of large items takes as many rounds as it needs.
 */
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HubDynamo } from "../../local/dynamo.js";
import { Table } from "../../shared/store/dynamo/table.js";
import { startTestTable } from "../helpers/test-tables.js";

describe("the table's batched reads", () => {
  let dynamo: HubDynamo;
  let table: Table;
  beforeAll(async () => {
    dynamo = await startTestTable();
    table = new Table(DynamoDBDocumentClient.from(dynamo.client), dynamo.tableName);
  });
  afterAll(async () => {
    await dynamo.stop();
  });

  it("reads 40 items of 300 KB in one batchGet, however many rounds the server needs", async () => {
    // Prepare
    const items = Array.from({ length: 40 }, (_, i) => ({
      pk: `LARGE#${i}`,
      sk: "X",
      body: String(i % 10).repeat(300 * 1024),
    }));
    await table.batchPut(items);
    // Act
    const got = await table.batchGet(items.map(({ pk, sk }) => ({ pk, sk })));
    // Assess
    expect(got.map((item) => item.pk).sort()).toEqual(items.map((item) => item.pk).sort());
    expect(
      got.every((item) => typeof item.body === "string" && item.body.length === 300 * 1024),
    ).toBe(true);
  });
});
