/**
 * Delivery messages go to SQS fair queues (issue 13): each in its subscriber
 * organisation's message group, on the standard delivery queue, held back when asked.
 */
import { SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { SqsQueue } from "../../../shared/queue/sqs.js";

const sqs = mockClient(SQSClient);
const urls = {
  fanout: "https://sqs.example/fanout",
  delivery: "https://sqs.example/delivery",
  fanoutDeadLetter: "https://sqs.example/fanout-dlq",
  deliveryDeadLetter: "https://sqs.example/delivery-dlq",
};

describe("delivery messages on SQS", () => {
  afterEach(() => sqs.reset());

  it("carry their subscriber as MessageGroupId, or their subscription when they do not name it", async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const queue = new SqsQueue(new SQSClient({ region: "eu-west-1" }), urls);
    await queue.sendDeliveries([
      { subscription_id: "s1", event_at: "t", webhook_id: "w1", org_id: "kraken", series: 0 },
      { subscription_id: "s2", event_at: "t", webhook_id: "w2" },
    ]);
    const entries = sqs.commandCalls(SendMessageBatchCommand)[0]?.args[0].input.Entries;
    expect(sqs.commandCalls(SendMessageBatchCommand)[0]?.args[0].input.QueueUrl).toBe(
      urls.delivery,
    );
    expect(entries?.map((entry) => entry.MessageGroupId)).toEqual(["kraken", "s2"]);
    expect(entries?.every((entry) => entry.DelaySeconds === undefined)).toBe(true);
  });

  it("hold deferred messages back, at most SQS's 15 minutes", async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const queue = new SqsQueue(new SQSClient({ region: "eu-west-1" }), urls);
    await queue.sendDeliveries([{ subscription_id: "s", event_at: "t", webhook_id: "w" }], 30.4);
    await queue.sendDeliveries([{ subscription_id: "s", event_at: "t", webhook_id: "w" }], 5000);
    const delays = sqs
      .commandCalls(SendMessageBatchCommand)
      .map((call) => call.args[0].input.Entries?.[0]?.DelaySeconds);
    expect(delays).toEqual([30, 900]);
  });
});
