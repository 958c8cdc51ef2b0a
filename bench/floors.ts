/**
 * The floors: the unavoidable work of each operation, done directly and measured in
 * the same run as the hub, so a figure reads as "this much of what the machine could
 * do at best" whatever the host's noise. Each floor skips the hub's HTTP, routing,
 * validation and bookkeeping but keeps what no implementation can skip: the Ed25519
 * verifications (jose, with imported keys, as the hub verifies), the DynamoDB
 * requests against an on-disk dynalite in this process, the webhook signatures and
 * the POSTs to the same receivers.
 */

import { Agent, request } from "node:http";
import {
  type AttributeValue,
  BatchGetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { compactVerify } from "jose";
import { type HubDynamo, LOCAL_TABLE, startEmbeddedDynamo } from "../local/dynamo.js";
import { chunk } from "../shared/async/concurrency.js";
import { importVerifyKey } from "../shared/signatures/keys.js";
import type { PublicJwk, SigningKey } from "../shared/signatures/types.js";
import { signWebhook } from "../shared/webhooks/signing.js";
import type { ReceiverProcess } from "./receiver.js";
import { timedPool, wallClock } from "./stats.js";

const S = (value: string): AttributeValue => ({ S: value });
const N = (value: number): AttributeValue => ({ N: String(value) });

export interface FloorBulletin {
  id: string;
  jws: string;
  /** The request token the hub verified for its publish. */
  token: string;
  /** Normalised indicators, as the hub indexes them. */
  normalised: string[];
}

export interface WriteMix {
  puts: number;
  updates: number;
}

/** dynalite on disk in this process: the floor's DynamoDB. */
export class FloorTable {
  private seq = 0;

  private constructor(private readonly dynamo: HubDynamo) {}

  static async open(path: string): Promise<FloorTable> {
    return new FloorTable(await startEmbeddedDynamo(path));
  }

  get client() {
    return this.dynamo.client;
  }

  stop(): Promise<void> {
    return this.dynamo.stop();
  }

  /**
   * As many writes as a publish makes, of the same kinds and sizes: index entries on
   * each indicator's head item, the bulletin item with its JWS, a feed item, the
   * replay guard and small updates of the bulletin item. Sent all at once: the floor
   * owes no order.
   */
  publishWrites(bulletin: FloorBulletin, mix: WriteMix): Promise<unknown>[] {
    const seq = ++this.seq;
    const bulletinKey = { pk: S(`BUL#${bulletin.id}`), sk: S("BUL") };
    const entry: AttributeValue = {
      M: {
        id: S(bulletin.id),
        issuer: S("bench-publisher"),
        tlp: S("green"),
        category: S("hack_theft"),
        confidence: N(85),
        issued_at: S(new Date().toISOString()),
        valid_until: { NULL: true },
        received_at: S(new Date().toISOString()),
        status: S("pending"),
        recipients: { L: [] },
      },
    };
    const puts: Record<string, AttributeValue>[] = [
      {
        ...bulletinKey,
        kind: S("bulletin"),
        id: S(bulletin.id),
        jws: S(bulletin.jws),
        receipt: S(bulletin.token),
        status: S("active"),
        changes: { M: { published: { M: { at: S(new Date().toISOString()) } } } },
        version: N(1),
      },
      {
        pk: S("FEED"),
        sk: S(String(seq).padStart(15, "0")),
        seq: N(seq),
        bulletin_id: S(bulletin.id),
        change: S("published"),
      },
    ];
    while (puts.length < mix.puts) {
      puts.push({ pk: S(`JTI#bench#${bulletin.id}#${puts.length}`), sk: S("JTI"), ttl: N(seq) });
    }
    const writes: Promise<unknown>[] = puts
      .slice(0, mix.puts)
      .map((item) => this.client.send(new PutItemCommand({ TableName: LOCAL_TABLE, Item: item })));
    for (let i = 0; i < mix.updates; i += 1) {
      const indicator = bulletin.normalised[i % bulletin.normalised.length];
      const onHead = i < 2 * bulletin.normalised.length && indicator !== undefined;
      writes.push(
        this.client.send(
          new UpdateItemCommand({
            TableName: LOCAL_TABLE,
            Key: onHead ? { pk: S(`IND#${indicator}`), sk: S("HEAD") } : bulletinKey,
            UpdateExpression: "SET #a = :v",
            ExpressionAttributeNames: { "#a": onHead ? `b_${bulletin.id}` : `flag_${i}` },
            ExpressionAttributeValues: { ":v": onHead ? entry : { BOOL: true } },
          }),
        ),
      );
    }
    return writes;
  }

  /** BatchGetItem of indicator heads, 100 keys a call, all calls at once. */
  async batchGetHeads(normalised: readonly string[]): Promise<number> {
    const outputs = await Promise.all(
      chunk(normalised, 100).map((part) =>
        this.client.send(
          new BatchGetItemCommand({
            RequestItems: {
              [LOCAL_TABLE]: {
                Keys: part.map((indicator) => ({ pk: S(`IND#${indicator}`), sk: S("HEAD") })),
                ConsistentRead: true,
              },
            },
          }),
        ),
      ),
    );
    return outputs.reduce((sum, output) => sum + (output.Responses?.[LOCAL_TABLE]?.length ?? 0), 0);
  }

  /** A feed page's reads: the next 100 feed items, then their bulletins in one batch. */
  async feedPage(afterSeq: number, limit: number): Promise<number> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: LOCAL_TABLE,
        KeyConditionExpression: "pk = :pk AND sk > :after",
        ExpressionAttributeValues: {
          ":pk": S("FEED"),
          ":after": S(String(afterSeq).padStart(15, "0")),
        },
        ConsistentRead: true,
        Limit: limit,
      }),
    );
    const ids = [...new Set((page.Items ?? []).map((item) => item.bulletin_id?.S ?? ""))];
    if (ids.length === 0) return 0;
    const got = await this.client.send(
      new BatchGetItemCommand({
        RequestItems: {
          [LOCAL_TABLE]: {
            Keys: ids.map((id) => ({ pk: S(`BUL#${id}`), sk: S("BUL") })),
            ConsistentRead: true,
          },
        },
      }),
    );
    return got.Responses?.[LOCAL_TABLE]?.length ?? 0;
  }
}

/**
 * The publish floor: per bulletin, the hub's two Ed25519 verifications (the request
 * token and the bulletin JWS) and as many raw writes as a publish makes, at the
 * benchmark's concurrency.
 */
export async function publishFloor(
  table: FloorTable,
  bulletins: readonly FloorBulletin[],
  publicJwk: PublicJwk,
  mix: WriteMix,
  concurrency: number,
): Promise<{ latencies: number[]; elapsedMs: number; verifyOnlyMs: number; writeOnlyMs: number }> {
  const key = await importVerifyKey(publicJwk);
  const verify = (bulletin: FloorBulletin) =>
    Promise.all([
      compactVerify(bulletin.token, key, { algorithms: ["EdDSA", "Ed25519"] }),
      compactVerify(bulletin.jws, key, { algorithms: ["EdDSA", "Ed25519"] }),
    ]);
  const run = await timedPool(bulletins.length, concurrency, async (i) => {
    const bulletin = bulletins[i] as FloorBulletin;
    await verify(bulletin);
    await Promise.all(table.publishWrites(bulletin, mix));
  });
  // The two parts on their own, for the report: how the floor divides.
  const verifyOnly = await timedPool(bulletins.length, concurrency, async (i) => {
    await verify(bulletins[i] as FloorBulletin);
  });
  return {
    ...run,
    verifyOnlyMs: verifyOnly.elapsedMs,
    writeOnlyMs: Math.max(0, run.elapsedMs - verifyOnly.elapsedMs),
  };
}

export interface WebhookFloorInput {
  receiver: ReceiverProcess;
  tag: string;
  count: number;
  /** A real delivery body (the bulletin view), re-addressed per subscriber. */
  data: unknown;
  secret: string;
  hubKey: SigningKey;
  concurrency: number;
}

/**
 * The fan-out floor: sign (Standard Webhooks v1 HMAC and v1a Ed25519, with the hub's
 * signing code) and POST `count` deliveries straight to the receivers. Answers the
 * time the first POST was started, for latencies measured like the hub's.
 */
export async function webhookFloor(input: WebhookFloorInput): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: input.concurrency });
  const url = new URL(input.receiver.url);
  const started = wallClock();
  try {
    await timedPool(input.count, input.concurrency, async (i) => {
      const now = new Date();
      const body = JSON.stringify({
        type: "bulletin.published",
        timestamp: now.toISOString(),
        subscription_id: `floor-${i}`,
        data: input.data,
      });
      const headers = await signWebhook({
        id: `msg_${input.tag}_${i}`,
        timestamp: now,
        body,
        secrets: [input.secret],
        hubKeys: [input.hubKey],
      });
      const payload = Buffer.from(body, "utf8");
      await new Promise<void>((resolve, reject) => {
        const req = request(
          {
            host: url.hostname,
            port: url.port,
            path: `/floor/${i}`,
            method: "POST",
            agent,
            headers: {
              ...headers,
              "x-bench-tag": input.tag,
              "content-type": "application/json",
              "content-length": String(payload.length),
            },
          },
          (res) => {
            res.resume();
            res.on("end", () => resolve());
          },
        );
        req.on("error", reject);
        req.end(payload);
      });
    });
  } finally {
    agent.destroy();
  }
  return started;
}
