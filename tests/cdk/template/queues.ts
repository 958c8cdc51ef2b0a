/** The work queues: DLQs, encryption, TLS-only policies, and event sources that fit the retry design. */
import { Match } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { DELIVERY_MAX_CONCURRENCY } from "../../../lib/delivery.js";
import { FANOUT_MAX_CONCURRENCY } from "../../../lib/fanout.js";
import { LOG_QUEUE_SETTINGS, QUEUE_SETTINGS } from "../../../shared/queue/settings.js";
import { defaultStack, logicalIdOf } from "../fixture.js";

const hub = defaultStack();
const { template, stack } = hub;

const queues = [
  { name: "fanout", queue: stack.queues.fanout, settings: QUEUE_SETTINGS.fanout },
  { name: "delivery", queue: stack.queues.delivery, settings: QUEUE_SETTINGS.delivery },
] as const;

describe.each(queues)("the $name queue", ({ queue, settings }) => {
  const queueId = logicalIdOf(hub, queue.queue);
  const dlqId = logicalIdOf(hub, queue.deadLetterQueue);
  const resources = template.toJSON().Resources as Record<
    string,
    { Properties: Record<string, unknown> }
  >;

  it("has a DLQ with the maxReceiveCount and the visibility timeout of shared/queue/settings.ts", () => {
    expect(resources[queueId]?.Properties).toMatchObject({
      VisibilityTimeout: settings.visibilityTimeoutSeconds,
      RedrivePolicy: {
        deadLetterTargetArn: { "Fn::GetAtt": [dlqId, "Arn"] },
        maxReceiveCount: settings.maxReceiveCount,
      },
    });
  });

  it("is a standard queue: fair queues for deliveries are its MessageGroupId, set on send (shared/queue/sqs.ts)", () => {
    expect(resources[queueId]?.Properties.FifoQueue).toBeUndefined();
    expect(resources[queueId]?.Properties.ContentBasedDeduplication).toBeUndefined();
  });

  it("is encrypted, and its DLQ keeps messages 14 days", () => {
    expect(resources[queueId]?.Properties).toMatchObject({ SqsManagedSseEnabled: true });
    expect(resources[dlqId]?.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
  });

  it("refuses every request that is not over TLS, on the queue and on its DLQ", () => {
    for (const id of [queueId, dlqId]) {
      template.hasResourceProperties("AWS::SQS::QueuePolicy", {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: "Deny",
              Action: "sqs:*",
              Principal: { AWS: "*" },
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            }),
          ]),
        },
      });
    }
  });

  it("feeds its Lambda with partial batch failures, the settings' batch size and a concurrency cap", () => {
    template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      EventSourceArn: { "Fn::GetAtt": [queueId, "Arn"] },
      BatchSize: settings.batchSize,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      ScalingConfig: { MaximumConcurrency: Match.anyValue() },
    });
  });
});

describe("the log queue", () => {
  const queueId = logicalIdOf(hub, stack.logQueue.queue);
  const dlqId = logicalIdOf(hub, stack.logQueue.deadLetterQueue);
  const resources = template.toJSON().Resources as Record<
    string,
    { Properties: Record<string, unknown> }
  >;

  it("is FIFO (one wake-up a second: the deduplication id is the second), with a FIFO DLQ", () => {
    expect(resources[queueId]?.Properties).toMatchObject({
      FifoQueue: true,
      ContentBasedDeduplication: false,
      SqsManagedSseEnabled: true,
      VisibilityTimeout: LOG_QUEUE_SETTINGS.visibilityTimeoutSeconds,
      RedrivePolicy: {
        deadLetterTargetArn: { "Fn::GetAtt": [dlqId, "Arn"] },
        maxReceiveCount: LOG_QUEUE_SETTINGS.maxReceiveCount,
      },
    });
    expect(resources[dlqId]?.Properties).toMatchObject({
      FifoQueue: true,
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
  });

  it("feeds the log Lambda, the single writer: reserved concurrency 1, runs inside the visibility timeout", () => {
    template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      EventSourceArn: { "Fn::GetAtt": [queueId, "Arn"] },
      FunctionName: { Ref: logicalIdOf(hub, stack.functions.log.function) },
      BatchSize: LOG_QUEUE_SETTINGS.batchSize,
    });
    const writer = resources[logicalIdOf(hub, stack.functions.log.function)]?.Properties;
    expect(writer).toMatchObject({ ReservedConcurrentExecutions: 1 });
    expect(writer?.Timeout).toBeLessThanOrEqual(LOG_QUEUE_SETTINGS.visibilityTimeoutSeconds / 2);
  });
});

describe("event sources", () => {
  it("cap concurrency at the documented values", () => {
    const mappings = Object.values(template.findResources("AWS::Lambda::EventSourceMapping"));
    expect(mappings).toHaveLength(3);
    const caps = mappings
      .map((mapping) => mapping.Properties.ScalingConfig?.MaximumConcurrency)
      .filter((cap) => cap !== undefined);
    expect(caps.sort()).toEqual([DELIVERY_MAX_CONCURRENCY, FANOUT_MAX_CONCURRENCY].sort());
  });

  it("leave each consumer at most half its queue's visibility timeout", () => {
    const timeoutOf = (name: "fanout" | "deliver") =>
      (
        template.toJSON().Resources[logicalIdOf(hub, stack.functions[name].function)] as {
          Properties: { Timeout: number };
        }
      ).Properties.Timeout;
    expect(timeoutOf("fanout")).toBeLessThanOrEqual(
      QUEUE_SETTINGS.fanout.visibilityTimeoutSeconds / 2,
    );
    expect(timeoutOf("deliver")).toBeLessThanOrEqual(
      QUEUE_SETTINGS.delivery.visibilityTimeoutSeconds / 2,
    );
  });
});
