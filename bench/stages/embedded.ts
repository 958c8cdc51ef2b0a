/**
 * What the embedded servers cost on their own, without the hub: dynalite's write
 * rate and BatchGetItem latency on disk and in memory, and fauxqs's send, receive
 * and round-trip times. These bound what any code on the local stack can do.
 */

import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type AttributeValue,
  BatchGetItemCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
} from "@aws-sdk/client-sqs";
import { LOCAL_TABLE, startEmbeddedDynamo } from "../../local/dynamo.js";
import { startEmbeddedSqs } from "../../local/sqs.js";
import { chunk } from "../../shared/async/concurrency.js";
import { now, type Summary, summarise, timedPool } from "../stats.js";

export interface DynaliteFigures {
  store: "disk" | "memory";
  /** PutItem of ~1 KB items at concurrency 8. */
  put_per_second: number;
  /** UpdateItem (SET of one map attribute) on existing items at concurrency 8. */
  update_per_second: number;
  /** One BatchGetItem of 100 keys (10 present), ConsistentRead. */
  batch_get_100_ms: Summary;
  /** GetItem, one at a time. */
  get_ms: Summary;
}

export interface FauxqsFigures {
  /** SendMessageBatch of 10, 8 batches in flight. */
  send_per_second: number;
  /** ReceiveMessage (10) and DeleteMessageBatch until drained, 4 receivers. */
  receive_delete_per_second: number;
  /** SendMessage, then a waiting ReceiveMessage gets it. */
  round_trip_ms: Summary;
}

export interface EmbeddedResult {
  dynalite: DynaliteFigures[];
  fauxqs: FauxqsFigures;
}

const S = (value: string): AttributeValue => ({ S: value });

async function dynaliteFigures(store: "disk" | "memory", writes: number): Promise<DynaliteFigures> {
  const dir = await mkdtemp(join(tmpdir(), "cordon-bench-dynalite-"));
  const dynamo = await startEmbeddedDynamo(store === "disk" ? dir : undefined);
  try {
    const filler = randomBytes(384).toString("base64");
    const keys = Array.from({ length: writes }, (_, i) => ({ pk: S(`BENCH#${i}`), sk: S("HEAD") }));
    // Warm up.
    await timedPool(50, 8, (i) =>
      dynamo.client
        .send(
          new PutItemCommand({ TableName: LOCAL_TABLE, Item: { pk: S(`WARM#${i}`), sk: S("X") } }),
        )
        .then(() => undefined),
    );
    const puts = await timedPool(writes, 8, (i) =>
      dynamo.client
        .send(
          new PutItemCommand({
            TableName: LOCAL_TABLE,
            Item: {
              ...(keys[i] as Record<string, AttributeValue>),
              kind: S("bench"),
              filler: S(filler),
            },
          }),
        )
        .then(() => undefined),
    );
    const updates = await timedPool(writes, 8, (i) =>
      dynamo.client
        .send(
          new UpdateItemCommand({
            TableName: LOCAL_TABLE,
            Key: keys[i] as Record<string, AttributeValue>,
            UpdateExpression: "SET #e = :e",
            ExpressionAttributeNames: { "#e": "b_entry" },
            ExpressionAttributeValues: { ":e": { M: { status: S("active"), id: S(String(i)) } } },
          }),
        )
        .then(() => undefined),
    );
    const batchGets: number[] = [];
    for (let round = 0; round < 30; round += 1) {
      const batch = [
        ...keys.slice(round * 10, round * 10 + 10),
        ...Array.from({ length: 90 }, () => ({
          pk: S(`ABSENT#${randomBytes(8).toString("hex")}`),
          sk: S("HEAD"),
        })),
      ];
      const t = now();
      await dynamo.client.send(
        new BatchGetItemCommand({
          RequestItems: { [LOCAL_TABLE]: { Keys: batch, ConsistentRead: true } },
        }),
      );
      batchGets.push(now() - t);
    }
    const gets: number[] = [];
    for (let round = 0; round < 50; round += 1) {
      const t = now();
      await dynamo.client.send(
        new GetItemCommand({
          TableName: LOCAL_TABLE,
          Key: keys[round] as Record<string, AttributeValue>,
          ConsistentRead: true,
        }),
      );
      gets.push(now() - t);
    }
    return {
      store,
      put_per_second: writes / (puts.elapsedMs / 1000),
      update_per_second: writes / (updates.elapsedMs / 1000),
      batch_get_100_ms: summarise(batchGets.slice(5)),
      get_ms: summarise(gets.slice(5)),
    };
  } finally {
    await dynamo.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function fauxqsFigures(messages: number): Promise<FauxqsFigures> {
  const sqs = await startEmbeddedSqs();
  try {
    const url = sqs.urls.delivery;
    const body = JSON.stringify({
      subscription_id: "01JDX3Q8Z6V2M4N5P6R7S8T9VW",
      org_id: "bench",
      event_at: new Date().toISOString(),
      webhook_id: "msg_abcdefghijklmnopqrstuvwxyz234567",
    });
    const batches = chunk(
      Array.from({ length: messages }, (_, i) => ({ Id: String(i % 10), MessageBody: body })),
      10,
    );
    const sent = await timedPool(batches.length, 8, (i) =>
      sqs.client
        .send(new SendMessageBatchCommand({ QueueUrl: url, Entries: batches[i] }))
        .then(() => undefined),
    );
    let received = 0;
    const t = now();
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (received < messages) {
          const output = await sqs.client.send(
            new ReceiveMessageCommand({
              QueueUrl: url,
              MaxNumberOfMessages: 10,
              WaitTimeSeconds: 0,
            }),
          );
          const got = output.Messages ?? [];
          if (got.length === 0) {
            if (received >= messages) return;
            await new Promise((resolve) => setTimeout(resolve, 5));
            continue;
          }
          received += got.length;
          await sqs.client.send(
            new DeleteMessageBatchCommand({
              QueueUrl: url,
              Entries: got.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
            }),
          );
        }
      }),
    );
    const drainedMs = now() - t;
    const roundTrips: number[] = [];
    for (let round = 0; round < 25; round += 1) {
      const start = now();
      const receiving = sqs.client.send(
        new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 1, WaitTimeSeconds: 5 }),
      );
      await sqs.client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
      const output = await receiving;
      roundTrips.push(now() - start);
      const handle = output.Messages?.[0]?.ReceiptHandle;
      if (handle !== undefined) {
        await sqs.client.send(
          new DeleteMessageBatchCommand({
            QueueUrl: url,
            Entries: [{ Id: "0", ReceiptHandle: handle }],
          }),
        );
      }
    }
    return {
      send_per_second: messages / (sent.elapsedMs / 1000),
      receive_delete_per_second: received / (drainedMs / 1000),
      round_trip_ms: summarise(roundTrips.slice(3)),
    };
  } finally {
    await sqs.stop();
  }
}

export async function embeddedStage(
  quick: boolean,
  progress: (line: string) => void,
): Promise<EmbeddedResult> {
  const writes = quick ? 600 : 2000;
  const disk = await dynaliteFigures("disk", writes);
  const memory = await dynaliteFigures("memory", writes);
  progress(
    `embedded: dynalite ${disk.put_per_second.toFixed(0)} puts/s on disk, ${memory.put_per_second.toFixed(0)} in memory`,
  );
  const fauxqs = await fauxqsFigures(quick ? 500 : 2000);
  progress(
    `embedded: fauxqs ${fauxqs.send_per_second.toFixed(0)} sends/s, ${fauxqs.receive_delete_per_second.toFixed(0)} receive+deletes/s`,
  );
  return { dynalite: [disk, memory], fauxqs };
}
