/**
 * The local delivery consumer, fair across organisations (issue 13): what SQS fair
 * queues and Lambda's pollers do on AWS, in one process. Pollers keep receiving into
 * one queue per group (the subscriber organisation, from the message body); a
 * dispatcher hands messages to the handler one at a time, round-robin over the groups,
 * at most `concurrency` at once and at most `perGroup` of one group. So an organisation
 * whose endpoints hang holds at most `perGroup` workers, and any other organisation's
 * delivery starts as soon as it is received, without waiting behind that backlog.
 *
 * Received messages that wait their turn here have their visibility extended, so SQS
 * does not hand them out again; as on Lambda, a message the handler did not report as
 * failed is deleted, and one that failed is left to its visibility timeout.
 */
import { setMaxListeners } from "node:events";
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { SQSBatchResponse } from "aws-lambda";
import type { SqsHandler } from "../lambdas/sqs-batch.js";
import { chunk } from "../shared/async/concurrency.js";
import type { Logger } from "../shared/observability/types.js";
import { receiveBatch, recordOf } from "./event-source.js";
import { lambdaContext } from "./http-adapter.js";

export interface FairEventSourceOptions {
  name: string;
  queueUrl: string;
  queueArn: string;
  /** Handler invocations at once, over every group. */
  concurrency: number;
  /** Invocations at once for one group. */
  perGroup: number;
  /** The group of a message: the organisation it is for. */
  groupOf(message: Message): string;
  /** The queue's visibility timeout: waiting messages are extended before half of it passes. */
  visibilityTimeoutSeconds: number;
  /** Receives in flight at once. */
  pollers?: number;
  /** Messages held here at most; past it, receiving pauses. */
  maxBuffered?: number;
}

interface Waiting {
  message: Message;
  group: string;
  /** When its visibility was last set (ms). */
  visibleAt: number;
}

const RECEIVE_BATCH = 10;
const DEFAULT_POLLERS = 4;
const DEFAULT_MAX_BUFFERED = 10_000;

export class FairEventSource {
  private running = false;
  private readonly pollers: Promise<void>[] = [];
  private readonly abort = new AbortController();
  /** Waiting messages by group, and the groups in turn order. */
  private readonly groups = new Map<string, Waiting[]>();
  private turn = 0;
  private buffered = 0;
  private active = 0;
  private readonly activeByGroup = new Map<string, number>();
  private readonly handling = new Set<Promise<void>>();
  private heartbeat: NodeJS.Timeout | undefined;
  private roomWaiters: (() => void)[] = [];

  constructor(
    private readonly sqs: SQSClient,
    private readonly handler: SqsHandler,
    private readonly options: FairEventSourceOptions,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    const pollers = this.options.pollers ?? DEFAULT_POLLERS;
    setMaxListeners(pollers + 10, this.abort.signal);
    for (let i = 0; i < pollers; i += 1) this.pollers.push(this.poll());
    const every = (this.options.visibilityTimeoutSeconds * 1000) / 4;
    this.heartbeat = setInterval(() => {
      this.extendWaiting().catch((error: unknown) =>
        this.logger.warn(`${this.options.name}: extending visibility failed`, {
          error: String(error),
        }),
      );
    }, every);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    clearInterval(this.heartbeat);
    for (const wake of this.roomWaiters.splice(0)) wake();
    await Promise.all(this.pollers);
    await Promise.all([...this.handling]);
  }

  /** Messages waiting here, by group (for tests and the bench). */
  waiting(): Record<string, number> {
    return Object.fromEntries([...this.groups].map(([group, list]) => [group, list.length]));
  }

  private async poll(): Promise<void> {
    const maxBuffered = this.options.maxBuffered ?? DEFAULT_MAX_BUFFERED;
    while (this.running) {
      if (this.buffered >= maxBuffered) {
        await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
        continue;
      }
      const messages = await receiveBatch(
        this.sqs,
        { ...this.options, max: RECEIVE_BATCH },
        this.abort.signal,
        this.logger,
      );
      if (messages === undefined) continue;
      const now = Date.now();
      for (const message of messages) {
        const group = this.options.groupOf(message);
        const list = this.groups.get(group) ?? [];
        list.push({ message, group, visibleAt: now });
        this.groups.set(group, list);
        this.buffered += 1;
      }
      this.dispatch();
    }
  }

  /** Starts as many waiting messages as the caps allow, taking the groups in turn. */
  private dispatch(): void {
    while (this.running && this.active < this.options.concurrency) {
      const next = this.nextInTurn();
      if (next === undefined) return;
      const handled = this.handle(next);
      this.handling.add(handled);
      void handled.finally(() => this.handling.delete(handled));
    }
  }

  private nextInTurn(): Waiting | undefined {
    const groups = [...this.groups.keys()];
    for (let i = 0; i < groups.length; i += 1) {
      const group = groups[(this.turn + i) % groups.length] as string;
      if ((this.activeByGroup.get(group) ?? 0) >= this.options.perGroup) continue;
      const list = this.groups.get(group);
      const waiting = list?.shift();
      if (waiting === undefined) continue;
      if (list?.length === 0) this.groups.delete(group);
      // The next turn starts after this group.
      this.turn = (this.turn + i + 1) % Math.max(1, groups.length);
      this.buffered -= 1;
      this.roomWaiters.shift()?.();
      return waiting;
    }
    return undefined;
  }

  private async handle(waiting: Waiting): Promise<void> {
    const { message, group } = waiting;
    this.active += 1;
    this.activeByGroup.set(group, (this.activeByGroup.get(group) ?? 0) + 1);
    const done = (async () => {
      let response: SQSBatchResponse;
      try {
        response = await this.handler(
          { Records: [recordOf(message, this.options.queueArn)] },
          lambdaContext(crypto.randomUUID(), `cordon-${this.options.name}`),
        );
      } catch (error) {
        // Like Lambda: a failed invocation leaves the message to its visibility timeout.
        this.logger.error(`${this.options.name}: handler failed`, { error: String(error) });
        return;
      }
      if (response.batchItemFailures.length > 0) return;
      await this.sqs
        .send(
          new DeleteMessageBatchCommand({
            QueueUrl: this.options.queueUrl,
            Entries: [{ Id: "0", ReceiptHandle: message.ReceiptHandle }],
          }),
        )
        .catch((error: unknown) =>
          this.logger.warn(`${this.options.name}: delete failed`, { error: String(error) }),
        );
    })();
    try {
      await done;
    } finally {
      this.active -= 1;
      const left = (this.activeByGroup.get(group) ?? 1) - 1;
      if (left === 0) this.activeByGroup.delete(group);
      else this.activeByGroup.set(group, left);
      this.dispatch();
    }
  }

  /** Keeps waiting messages hidden: SQS must not hand them out again while they wait here. */
  private async extendWaiting(): Promise<void> {
    const halfLife = (this.options.visibilityTimeoutSeconds * 1000) / 2;
    const now = Date.now();
    const stale = [...this.groups.values()]
      .flat()
      .filter((waiting) => now - waiting.visibleAt >= halfLife);
    for (const part of chunk(stale, RECEIVE_BATCH)) {
      await this.sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: this.options.queueUrl,
          Entries: part.map((waiting, i) => ({
            Id: String(i),
            ReceiptHandle: waiting.message.ReceiptHandle,
            VisibilityTimeout: this.options.visibilityTimeoutSeconds,
          })),
        }),
      );
      for (const waiting of part) waiting.visibleAt = now;
    }
  }
}
