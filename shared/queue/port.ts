/**
 * The queue port: fan-out and delivery messages. On AWS it is SQS; locally, an
 * SQS-protocol server in-process. Messages only point at table items: the table,
 * not the queue, is the record of what must happen (DESIGN §8, invariant 1).
 */
import type { ChangeKind } from "../changes/types.js";
import type { DeliveryKey } from "../store/types.js";

export type FanoutMessage =
  | { kind: "bulletin"; bulletin_id: string; change: ChangeKind }
  | { kind: "sighting"; bulletin_id: string; sighting_id: string };

/**
 * A delivery message names the delivery record; the deliverer reads everything else.
 * `org_id` (the subscriber) is the message's group on SQS fair queues, so one
 * organisation's backlog does not hold up another's; `series` marks which round of
 * attempts it drives, so a message a resend has replaced stops on arrival.
 */
export type DeliveryMessage = DeliveryKey & { org_id?: string; series?: number };

export type QueueName = "fanout" | "delivery";

/** The longest a message can be hidden (SQS caps a visibility timeout at 12 hours). */
export const MAX_RETRY_WAIT_SECONDS = 12 * 60 * 60;

export interface QueuePort {
  sendFanout(messages: readonly FanoutMessage[]): Promise<void>;
  /** `delaySeconds` (at most 900) holds the messages back: how a deferred attempt waits. */
  sendDeliveries(messages: readonly DeliveryMessage[], delaySeconds?: number): Promise<void>;
  /** Hides a received message for `seconds`: how retries wait (SQS delays stop at 15 min). */
  retryAfter(queue: QueueName, receiptHandle: string, seconds: number): Promise<void>;
  /** Parks a message whose tries are spent. */
  sendToDeadLetter(queue: QueueName, body: string): Promise<void>;
}
