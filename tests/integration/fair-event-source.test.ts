/**
 * The local delivery consumer is fair across organisations (issue 13): one
 * organisation's hanging deliveries hold at most its own share of the workers, and
 * another's message is handled as soon as it arrives.
 */
import { SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FairEventSource } from "../../local/fair-event-source.js";
import { type EmbeddedSqs, startEmbeddedSqs } from "../../local/sqs.js";
import { silentLogger } from "../../shared/observability/types.js";

describe("the fair delivery consumer", () => {
  let sqs: EmbeddedSqs;
  beforeAll(async () => {
    sqs = await startEmbeddedSqs();
  });
  afterAll(async () => {
    await sqs.stop();
  });

  const send = async (group: string, count: number) => {
    for (let i = 0; i < count; i += 10) {
      await sqs.client.send(
        new SendMessageBatchCommand({
          QueueUrl: sqs.urls.delivery,
          Entries: Array.from({ length: Math.min(10, count - i) }, (_, j) => ({
            Id: String(j),
            MessageBody: JSON.stringify({ group, n: i + j }),
          })),
        }),
      );
    }
  };

  it("serves a quiet organisation at once while a noisy one's deliveries hang", async () => {
    let release: () => void = () => {};
    const hanging = new Promise<void>((resolve) => {
      release = resolve;
    });
    let noisyInFlight = 0;
    let mostNoisy = 0;
    const quietHandledAt: number[] = [];
    const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
      const { group } = JSON.parse(event.Records[0]?.body ?? "{}") as { group: string };
      if (group === "noisy") {
        noisyInFlight += 1;
        mostNoisy = Math.max(mostNoisy, noisyInFlight);
        await hanging;
        noisyInFlight -= 1;
      } else {
        quietHandledAt.push(Date.now());
      }
      return { batchItemFailures: [] };
    };
    const source = new FairEventSource(
      sqs.client,
      handler,
      {
        name: "delivery",
        queueUrl: sqs.urls.delivery,
        queueArn: sqs.arns.delivery,
        concurrency: 8,
        perGroup: 3,
        groupOf: (message) => (JSON.parse(message.Body ?? "{}") as { group: string }).group,
        visibilityTimeoutSeconds: 60,
      },
      silentLogger,
    );
    source.start();
    try {
      await send("noisy", 200);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const sentAt = Date.now();
      await send("quiet", 5);
      for (let i = 0; i < 100 && quietHandledAt.length < 5; i += 1)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(quietHandledAt).toHaveLength(5);
      // Generous for a loaded machine: the point is that it does not wait for the backlog.
      expect(Math.max(...quietHandledAt) - sentAt).toBeLessThan(1_500);
      expect(mostNoisy).toBe(3);
    } finally {
      release();
      await source.stop();
    }
  });
});
