/**
 * The local stand-in for Lambda's SQS event source mapping (the fan-out queue's; the
 * delivery queue has a fair one, fair-event-source.ts): long-polls a queue,
 * hands batches to the same handler that runs on Lambda, deletes the records it did
 * not report as failed, and leaves the others to come back after their visibility
 * timeout. Redrive to the dead-letter queue after maxReceiveCount is the SQS server's
 * (fauxqs implements RedrivePolicy), as on AWS.
 */

import { setMaxListeners } from "node:events";
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import type { SqsHandler } from "../lambdas/sqs-batch.js";
import type { Logger } from "../shared/observability/types.js";
import { LOCAL_REGION } from "./dynamo.js";
import { lambdaContext } from "./http-adapter.js";

export interface EventSourceOptions {
  name: string;
  queueUrl: string;
  queueArn: string;
  batchSize: number;
  /** How many batches run at once, like a mapping's maximum concurrency. */
  concurrency: number;
  /** Long-poll wait; short so that a stop does not hang. */
  waitTimeSeconds?: number;
}

export class SqsEventSource {
  private running = false;
  private readonly pollers: Promise<void>[] = [];
  private readonly abort = new AbortController();

  constructor(
    private readonly sqs: SQSClient,
    private readonly handler: SqsHandler,
    private readonly options: EventSourceOptions,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    // Every in-flight receive listens on the one stop signal.
    setMaxListeners(this.options.concurrency + 10, this.abort.signal);
    for (let i = 0; i < this.options.concurrency; i += 1) this.pollers.push(this.poll());
  }

  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    await Promise.all(this.pollers);
  }

  private async poll(): Promise<void> {
    while (this.running) {
      const messages = await receiveBatch(
        this.sqs,
        { ...this.options, max: this.options.batchSize },
        this.abort.signal,
        this.logger,
      );
      if (messages !== undefined && messages.length > 0) await this.invoke(messages);
    }
  }

  private async invoke(messages: Message[]): Promise<void> {
    const event: SQSEvent = {
      Records: messages.map((message) => recordOf(message, this.options.queueArn)),
    };
    let response: SQSBatchResponse;
    try {
      response = await this.handler(
        event,
        lambdaContext(crypto.randomUUID(), `cordon-${this.options.name}`),
      );
    } catch (error) {
      // Like Lambda: a failed invocation leaves the whole batch to its visibility timeout.
      this.logger.error(`${this.options.name}: handler failed`, { error: String(error) });
      return;
    }
    const failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
    const done = messages.filter(
      (message) => message.MessageId !== undefined && !failed.has(message.MessageId),
    );
    if (done.length === 0) return;
    await this.sqs
      .send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.options.queueUrl,
          Entries: done.map((message, i) => ({
            Id: String(i),
            ReceiptHandle: message.ReceiptHandle,
          })),
        }),
      )
      .catch((error: unknown) =>
        this.logger.warn(`${this.options.name}: delete failed`, { error: String(error) }),
      );
  }
}

/** A received message as Lambda's SQS event source hands it to a handler. */
/**
 * One long poll of a queue, as Lambda's pollers make it: its messages, or undefined when
 * the receive failed — logged and followed by a short pause, unless the poller is
 * stopping (`signal` aborted).
 */
export async function receiveBatch(
  sqs: SQSClient,
  queue: { name: string; queueUrl: string; max: number; waitTimeSeconds?: number },
  signal: AbortSignal,
  logger: Logger,
): Promise<Message[] | undefined> {
  try {
    const output = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queue.queueUrl,
        MaxNumberOfMessages: queue.max,
        WaitTimeSeconds: queue.waitTimeSeconds ?? 1,
        MessageSystemAttributeNames: ["All"],
      }),
      { abortSignal: signal },
    );
    return output.Messages ?? [];
  } catch (error) {
    if (signal.aborted) return undefined;
    logger.warn(`${queue.name}: receive failed`, { error: String(error) });
    await new Promise((resolve) => setTimeout(resolve, 500));
    return undefined;
  }
}

export function recordOf(message: Message, queueArn: string): SQSEvent["Records"][number] {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? "",
    receiptHandle: message.ReceiptHandle ?? "",
    body: message.Body ?? "",
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? "1",
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? "local",
      ApproximateFirstReceiveTimestamp:
        attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? "",
    eventSource: "aws:sqs",
    eventSourceARN: queueArn,
    awsRegion: LOCAL_REGION,
  };
}
