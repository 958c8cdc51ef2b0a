/**
 * The transparency log's store over the one table (shared/store/dynamo/log.ts), against
 * the embedded DynamoDB: two writers racing over the same table never fork the log —
 * identical tiles, one head per size — a stored tile that differs is refused rather
 * than overwritten, and the committed changes are read in seq order up to a gap.
 */
import { CreateTableCommand } from "@aws-sdk/client-dynamodb";
import { BatchWriteCommand, DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HubDynamo, startEmbeddedDynamo } from "../../local/dynamo.js";
import { openCheckpoint } from "../../shared/log/checkpoint.js";
import { proveConsistency, verifyConsistency } from "../../shared/log/consistency.js";
import { receiptLeafData } from "../../shared/log/leaves.js";
import { tilePath } from "../../shared/log/tiles.js";
import type { TileAddress } from "../../shared/log/types.js";
import { VerifiedTileReader } from "../../shared/log/verified-tiles.js";
import { ed25519NoteVerifier } from "../../shared/log/verifier-key.js";
import { extendLog, type LogHead } from "../../shared/log/writer.js";
import { key } from "../../shared/store/dynamo/keys.js";
import { DynamoLogStore } from "../../shared/store/dynamo/log.js";
import { Table } from "../../shared/store/dynamo/table.js";
import { generateLogKey } from "../helpers/log-memory.js";
import { ReferenceTree } from "../helpers/merkle-reference.js";

let dynamo: HubDynamo;
let documents: DynamoDBDocumentClient;

const receipt = (seq: number) => `aGVhZA.${seq.toString(36)}.c2ln`;

/** A table of its own per test, with the single table's keys. */
async function freshTable(): Promise<string> {
  const name = `log-${Math.random().toString(36).slice(2)}`;
  await dynamo.client.send(
    new CreateTableCommand({
      TableName: name,
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
      AttributeDefinitions: [
        { AttributeName: "pk", AttributeType: "S" },
        { AttributeName: "sk", AttributeType: "S" },
      ],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  return name;
}

const storeOver = (table: string) => new DynamoLogStore(new Table(documents, table));

/** Commits the changes `from` … `to` − 1 to the change log of `table`. */
async function commit(table: string, from: number, to: number): Promise<void> {
  const seqs = Array.from({ length: to - from }, (_, i) => from + i);
  for (let i = 0; i < seqs.length; i += 25) {
    await documents.send(
      new BatchWriteCommand({
        RequestItems: {
          [table]: seqs.slice(i, i + 25).map((seq) => ({
            PutRequest: {
              Item: { ...key.change(seq), kind: "change", seq, receipt: receipt(seq) },
            },
          })),
        },
      }),
    );
  }
}

beforeAll(async () => {
  dynamo = await startEmbeddedDynamo(undefined);
  documents = DynamoDBDocumentClient.from(dynamo.client);
});
afterAll(async () => {
  await dynamo?.stop();
});

describe("the log store over the table", () => {
  it("never forks when two writers race over one table: one head per size, identical tiles", async () => {
    // Prepare
    const table = await freshTable();
    const [a, b] = [storeOver(table), storeOver(table)];
    const logKey = await generateLogKey("cordon/v1/log");
    const options = { origin: logKey.origin, signer: logKey.signer, maxChanges: 250 };
    const heads: LogHead[] = [];
    const outcomes: string[] = [];
    // Act: bursts of changes; both writers run after each, at once.
    for (const [from, to] of [
      [0, 5],
      [5, 600],
      [600, 601],
      [601, 1_100],
    ] as const) {
      await commit(table, from, to);
      for (let round = 0; round < 4; round += 1) {
        const results = await Promise.all([extendLog(a, options), extendLog(b, options)]);
        for (const result of results) {
          outcomes.push(result.outcome);
          if (result.outcome === "extended") heads.push(result.head);
        }
      }
    }
    // Assess
    const head = (await a.readHead()) as LogHead;
    expect(head.size).toBe(1_100);
    const reference = new ReferenceTree(
      Array.from({ length: 1_100 }, (_, seq) => receiptLeafData(receipt(seq))),
    );
    expect(Buffer.from(head.rootHash).equals(Buffer.from(reference.root()))).toBe(true);
    expect(new Set(heads.map((h) => h.size)).size).toBe(heads.length);
    const verifier = await ed25519NoteVerifier(logKey.verifierKey);
    const fetchTile = (tile: TileAddress) => a.findTile(tile);
    const sorted = [...heads].sort((x, y) => x.size - y.size);
    for (const [i, next] of sorted.entries()) {
      expect((await openCheckpoint(next.checkpoint, verifier)).size).toBe(next.size);
      if (i === 0) continue;
      const older = sorted[i - 1] as LogHead;
      const tiles = new VerifiedTileReader(next, fetchTile).hashSource();
      verifyConsistency(older, next, await proveConsistency(older.size, next.size, tiles));
    }
  });

  it("refuses to overwrite a stored tile with other bytes", async () => {
    const store = storeOver(await freshTable());
    const address: TileAddress = { level: 0, index: 0, width: 1 };
    const tile = (byte: number) => ({
      address,
      path: tilePath(address),
      bytes: new Uint8Array(32).fill(byte),
    });
    await store.putTiles([tile(1)]);
    await store.putTiles([tile(1)]);
    await expect(store.putTiles([tile(2)])).rejects.toMatchObject({ code: "ERR_LOG_TILE_INVALID" });
    expect(await store.findTile(address)).toEqual(new Uint8Array(32).fill(1));
  });

  it("advances the head only from the size it was read at", async () => {
    const store = storeOver(await freshTable());
    const head = (size: number): LogHead => ({
      size,
      rootHash: new Uint8Array(32).fill(size),
      checkpoint: `note ${size}\n`,
      signedAt: 1_000 * size,
    });
    expect(await store.advanceHead(3, head(5))).toBe(false);
    expect(await store.advanceHead(0, head(5))).toBe(true);
    expect(await store.advanceHead(0, head(6))).toBe(false);
    expect(await store.advanceHead(5, head(9))).toBe(true);
    expect(await store.readHead()).toEqual(head(9));
  });

  it("reads committed changes in seq order, across pages, stopping at a gap", async () => {
    const table = await freshTable();
    const store = storeOver(table);
    await commit(table, 0, 1_200);
    await commit(table, 1_201, 1_210);
    expect((await store.readChanges(0, 1_000)).map((c) => c.seq)).toEqual(
      Array.from({ length: 1_000 }, (_, i) => i),
    );
    const tail = await store.readChanges(1_150, 1_000);
    expect(tail.map((c) => c.seq)).toEqual(Array.from({ length: 50 }, (_, i) => 1_150 + i));
    expect(tail[0]?.receipt).toBe(receipt(1_150));
  });
});
