/**
 * "A checkpoint is due": how a logged change wakes the log's single writer (DESIGN §14).
 * On AWS and locally alike it is a message on an SQS FIFO queue, group `log`, whose
 * deduplication id is the epoch second the change was logged in — so at most one
 * message a second reaches the writer however many changes arrive, and the writer
 * (shared/transparency/schedule.ts) covers every change of that second. A message that
 * is lost only delays the checkpoint: the next change, or the sweeper's check a minute
 * later (watch.ts), asks again.
 */
import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import * as z from "zod";

export interface CheckpointTrigger {
  /** Asks for a checkpoint of every change logged up to `at` (now, after logging one). */
  checkpointDue(at: Date): Promise<void>;
}

/** The message body: the epoch second in which a change was logged. */
const CheckpointDueSchema = z.strictObject({ second: z.int().min(0) });
export type CheckpointDue = z.infer<typeof CheckpointDueSchema>;

export const CHECKPOINT_GROUP = "log";

export function parseCheckpointDue(body: string): CheckpointDue {
  return CheckpointDueSchema.parse(JSON.parse(body));
}

export function epochSecond(at: Date): number {
  return Math.floor(at.getTime() / 1000);
}

/**
 * The trigger over an SQS FIFO queue. A process that has asked for a second (or a later
 * one) does not ask again: the queue would drop the repeat anyway, and a later second's
 * run covers an earlier second's changes.
 */
export class SqsCheckpointTrigger implements CheckpointTrigger {
  #asked = -1;
  #pending: { second: number; sent: Promise<void> } | undefined;

  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async checkpointDue(at: Date): Promise<void> {
    const second = epochSecond(at);
    if (second <= this.#asked) return;
    if (this.#pending?.second === second) return this.#pending.sent;
    const sent = this.send(second);
    this.#pending = { second, sent };
    try {
      await sent;
      this.#asked = Math.max(this.#asked, second);
    } finally {
      if (this.#pending?.sent === sent) this.#pending = undefined;
    }
  }

  private async send(second: number): Promise<void> {
    const message: CheckpointDue = { second };
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(message),
        MessageGroupId: CHECKPOINT_GROUP,
        MessageDeduplicationId: String(second),
      }),
    );
  }
}
