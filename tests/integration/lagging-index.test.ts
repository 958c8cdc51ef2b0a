/**
 * The lagging-index test double (local/lagging-index.ts) over a real embedded
 * DynamoDB: a write reaches index queries only `lagMs` after it returned, in order,
 * while reads of the table itself never lag. "Not before the lag" is asserted as a
 * lower bound on when an index query first shows the change, which no load can break.
 */
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  ScanCommand,
} from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HubDynamo, startEmbeddedDynamo } from "../../local/dynamo.js";
import { type LaggingIndex, lagIndexes } from "../../local/lagging-index.js";
import { Table } from "../../shared/store/dynamo/table.js";
import { WORK_INDEX } from "../../shared/store/dynamo/table-definition.js";
import { waitUntil } from "../helpers/webhook-endpoint.js";

const LAG_MS = 400;
const VISIBLE_WITHIN_MS = 15_000;

describe("the lagging index", () => {
  let dynamo: HubDynamo;
  let lagging: LaggingIndex;
  let doc: DynamoDBDocumentClient;
  let table: Table;
  let n = 0;
  /** A fresh index partition per test, so that tests do not see each other's items. */
  const partition = () => `LAGTEST#${++n}`;

  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo(undefined);
    lagging = await lagIndexes(dynamo.client, {
      tableName: dynamo.tableName,
      lagMs: LAG_MS,
      connect: dynamo.connect,
    });
    doc = DynamoDBDocumentClient.from(dynamo.client);
    table = new Table(doc, dynamo.tableName);
  });
  afterAll(async () => {
    await lagging.stop();
    await dynamo.stop();
  });

  /** The items of one partition of the outbox index (keys and `kind` are projected). */
  const listed = async (workPk: string) =>
    (
      await doc.send(
        new QueryCommand({
          TableName: dynamo.tableName,
          IndexName: WORK_INDEX.name,
          KeyConditionExpression: "work_pk = :p",
          ExpressionAttributeValues: { ":p": workPk },
        }),
      )
    ).Items ?? [];

  it("hides a put from index queries for the lag, then shows it; the table shows it at once", async () => {
    // Prepare
    const list = partition();
    const item = { pk: `ITEM#${list}`, sk: "ITEM", kind: "test", work_pk: list, work_due: "a" };
    const before = Date.now();
    // Act
    await table.put(item);
    // Assess
    expect(await table.get({ pk: item.pk, sk: "ITEM" })).toEqual(item);
    const base = await doc.send(
      new QueryCommand({
        TableName: dynamo.tableName,
        KeyConditionExpression: "pk = :p",
        ExpressionAttributeValues: { ":p": item.pk },
      }),
    );
    expect(base.Items).toEqual([item]);
    await waitUntil(async () => (await listed(list)).length === 1, VISIBLE_WITHIN_MS);
    expect(Date.now() - before).toBeGreaterThanOrEqual(LAG_MS);
    expect(await listed(list)).toEqual([item]);
  });

  it("keeps showing an item that left the index, or was deleted, for the lag", async () => {
    // Prepare
    const list = partition();
    const [moved, deleted] = [`ITEM#${list}#moved`, `ITEM#${list}#deleted`];
    await table.batchPut([
      { pk: moved, sk: "ITEM", kind: "test", work_pk: list, work_due: "m" },
      { pk: deleted, sk: "ITEM", kind: "test", work_pk: list, work_due: "d" },
    ]);
    await waitUntil(async () => (await listed(list)).length === 2, VISIBLE_WITHIN_MS);
    const before = Date.now();
    // Act
    await table.updateIf({ Key: { pk: moved, sk: "ITEM" }, UpdateExpression: "REMOVE work_pk" });
    await table.deleteIfExists({ pk: deleted, sk: "ITEM" });
    // Assess
    expect(await table.get({ pk: deleted, sk: "ITEM" })).toBeUndefined();
    expect((await table.get({ pk: moved, sk: "ITEM" }))?.work_pk).toBeUndefined();
    await waitUntil(async () => (await listed(list)).length < 2, VISIBLE_WITHIN_MS);
    expect(Date.now() - before).toBeGreaterThanOrEqual(LAG_MS);
    await waitUntil(async () => (await listed(list)).length === 0, VISIBLE_WITHIN_MS);
  });

  it("applies quick writes to one item in order, ending at the last, never stepping back", async () => {
    // Prepare
    const list = partition();
    const pk = `ITEM#${list}`;
    const seen: number[] = [];
    // Act: each write moves the item along the index's sort key.
    for (let version = 1; version <= 10; version += 1) {
      const due = `v${String(version).padStart(2, "0")}`;
      await table.put({ pk, sk: "ITEM", kind: "test", work_pk: list, work_due: due });
    }
    await waitUntil(
      async () => {
        const due = (await listed(list))[0]?.work_due;
        const version = typeof due === "string" ? Number(due.slice(1)) : undefined;
        if (version !== undefined) seen.push(version);
        return version === 10;
      },
      VISIBLE_WITHIN_MS,
      () => `seen ${seen.join(", ")}`,
    );
    // Assess
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it("lags the outbox index and index scans too, but not a scan of the table", async () => {
    // Prepare
    const due = new Date(Date.UTC(2000, 0, 1, 0, 0, 0, ++n)).toISOString();
    const item = {
      pk: `BUL#lag${n}`,
      sk: "BUL",
      kind: "bulletin",
      work_pk: "WORK#0",
      work_due: due,
    };
    const onWorkIndex = async (indexName: string | undefined) =>
      (
        await doc.send(
          new ScanCommand({
            TableName: dynamo.tableName,
            ...(indexName === undefined ? { ConsistentRead: true } : { IndexName: indexName }),
            FilterExpression: "work_due = :due",
            ExpressionAttributeValues: { ":due": due },
          }),
        )
      ).Items ?? [];
    const before = Date.now();
    // Act
    await table.put(item);
    // Assess
    expect(await onWorkIndex(undefined)).toHaveLength(1);
    await waitUntil(
      async () => (await onWorkIndex(WORK_INDEX.name)).length === 1,
      VISIBLE_WITHIN_MS,
    );
    expect(Date.now() - before).toBeGreaterThanOrEqual(LAG_MS);
    const shard = await doc.send(
      new QueryCommand({
        TableName: dynamo.tableName,
        IndexName: WORK_INDEX.name,
        KeyConditionExpression: "work_pk = :s AND work_due = :due",
        ExpressionAttributeValues: { ":s": "WORK#0", ":due": due },
      }),
    );
    expect(shard.Items).toEqual([
      { pk: item.pk, sk: "BUL", kind: "bulletin", work_pk: "WORK#0", work_due: due },
    ]);
  });

  it("follows batch writes and leaves a refused conditional write out", async () => {
    // Prepare
    const list = partition();
    const items = Array.from({ length: 30 }, (_, i) => ({
      pk: `ITEM#${list}#${i}`,
      sk: "ITEM",
      kind: "test",
      work_pk: list,
      work_due: String(i).padStart(2, "0"),
    }));
    const before = Date.now();
    // Act
    await table.batchPut(items);
    const refused = await table.putIf({
      Item: { pk: `ITEM#${list}#0`, sk: "ITEM", kind: "test", work_pk: list, work_due: "zz" },
      ConditionExpression: "attribute_not_exists(pk)",
    });
    // Assess
    expect(refused).toBe(false);
    await waitUntil(async () => (await listed(list)).length > 0, VISIBLE_WITHIN_MS);
    expect(Date.now() - before).toBeGreaterThanOrEqual(LAG_MS);
    await waitUntil(async () => (await listed(list)).length === 30, VISIBLE_WITHIN_MS);
    expect((await listed(list)).map((item) => item.work_due)).toEqual(items.map((i) => i.work_due));
    const got = await doc.send(
      new GetCommand({ TableName: dynamo.tableName, Key: { pk: `ITEM#${list}#0`, sk: "ITEM" } }),
    );
    expect(got.Item?.work_due).toBe("00");
  });
});
