/** The queue port over SQS (and the local SQS-protocol server, which speaks the same API). */
import {
  ChangeMessageVisibilityCommand,
  SendMessageBatchCommand,
  type SendMessageBatchCommandOutput,
  type SendMessageBatchRequestEntry,
  SendMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { chunk } from "../async/concurrency.js";
import {
  type DeliveryMessage,
  type FanoutMessage,
  MAX_RETRY_WAIT_SECONDS,
  type QueueName,
  type QueuePort,
} from "./port.js";

export interface QueueUrls {
  fanout: string;
  delivery: string;
  fanoutDeadLetter: string;
  deliveryDeadLetter: string;
}

const SQS_BATCH = 10;
/** The longest SQS holds a new message back. */
const MAX_DELAY_SECONDS = 900;

export class SqsQueue implements QueuePort {
  constructor(
    private readonly sqs: SQSClient,
    private readonly urls: QueueUrls,
  ) {}

  sendFanout(messages: readonly FanoutMessage[]): Promise<void> {
    return this.sendAll(this.urls.fanout, messages);
  }

  /**
   * Each message in its subscriber's group (SQS fair queues on a standard queue: a
   * group with a backlog is served after the quiet ones). A message without the
   * organisation (a sweeper re-drive) is grouped by its subscription.
   */
  sendDeliveries(messages: readonly DeliveryMessage[], delaySeconds?: number): Promise<void> {
    const delay =
      delaySeconds === undefined
        ? undefined
        : Math.max(0, Math.min(MAX_DELAY_SECONDS, Math.round(delaySeconds)));
    return this.sendAll(this.urls.delivery, messages, (message) => ({
      MessageGroupId: message.org_id ?? message.subscription_id,
      ...(delay === undefined ? {} : { DelaySeconds: delay }),
    }));
  }

  async retryAfter(queue: QueueName, receiptHandle: string, seconds: number): Promise<void> {
    await this.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queue === "fanout" ? this.urls.fanout : this.urls.delivery,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: Math.max(0, Math.min(MAX_RETRY_WAIT_SECONDS, Math.round(seconds))),
      }),
    );
  }

  async sendToDeadLetter(queue: QueueName, body: string): Promise<void> {
    const url = queue === "fanout" ? this.urls.fanoutDeadLetter : this.urls.deliveryDeadLetter;
    await this.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
  }

  private async sendAll<M extends object>(
    url: string,
    messages: readonly M[],
    attributes: (
      message: M,
    ) => Omit<SendMessageBatchRequestEntry, "Id" | "MessageBody"> = () => ({}),
  ): Promise<void> {
    await Promise.all(
      chunk(messages, SQS_BATCH).map(async (batch) => {
        let pending = batch.map((message, i) => ({
          Id: String(i),
          MessageBody: JSON.stringify(message),
          ...attributes(message),
        }));
        for (let round = 0; pending.length > 0; round += 1) {
          if (round === 5) throw new Error("SQS refused messages of a batch");
          const output: SendMessageBatchCommandOutput = await this.sqs.send(
            new SendMessageBatchCommand({ QueueUrl: url, Entries: pending }),
          );
          const failed = new Set((output.Failed ?? []).map((entry) => entry.Id));
          pending = pending.filter((entry) => failed.has(entry.Id));
        }
      }),
    );
  }
}
