/**
 * The local runtime hands queue batches to one handler from several pollers at once
 * (local/event-source.ts, concurrency 2 for fan-out and 16 for delivery). A batch's
 * failed records must come back as failed whatever the other batches in flight do:
 * a failure reported as a success is a message deleted, and a delivery that then
 * waits for the sweeper instead of its retry. Found by the flapping-subscriber test,
 * where retries after a 429 or a 500 went missing for a minute.
 */
import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { createFanoutHandler } from "../../lambdas/fanout.js";
import type { HubDeps } from "../../shared/hub/deps.js";

function recordOf(messageId: string, bulletinId: string): SQSRecord {
  return {
    messageId,
    receiptHandle: `handle-${messageId}`,
    body: JSON.stringify({ kind: "bulletin", bulletin_id: bulletinId, change: "published" }),
    attributes: {
      ApproximateReceiveCount: "1",
      SentTimestamp: "0",
      SenderId: "test",
      ApproximateFirstReceiveTimestamp: "0",
    },
    messageAttributes: {},
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:local:000000000000:cordon-fanout",
    awsRegion: "us-east-1",
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("queue batches handled concurrently by one handler", () => {
  it("reports each batch's own failures, however the batches interleave", async () => {
    // Prepare: reading bulletin "failing" fails at once; "slow" and "quick" are gone, so
    // their records succeed, after 100 ms and at once.
    const deps = {
      store: {
        changes: {
          bulletinMetas: async (ids: string[]) => {
            if (ids.includes("failing")) throw new Error("the table is unavailable");
            if (ids.includes("slow")) await sleep(100);
            return new Map();
          },
        },
      },
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    } as unknown as HubDeps;
    const handler = createFanoutHandler(deps);
    const context = {} as Context;
    const mixed: SQSEvent = {
      Records: [recordOf("m-failing", "failing"), recordOf("m-slow", "slow")],
    };
    const passing: SQSEvent = { Records: [recordOf("m-quick", "quick")] };

    // Act: the second batch starts after the first has failed a record, before it has finished.
    const first = handler(mixed, context);
    await sleep(30);
    const second = handler(passing, context);
    const [firstResponse, secondResponse] = await Promise.all([first, second]);

    // Assess
    expect(firstResponse.batchItemFailures).toEqual([{ itemIdentifier: "m-failing" }]);
    expect(secondResponse.batchItemFailures).toEqual([]);
  });
});
