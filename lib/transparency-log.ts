/**
 * The transparency log's writer on AWS (DESIGN §14): a FIFO queue of "checkpoint due"
 * messages (one group, deduplicated per second: shared/transparency/trigger.ts) and
 * the log Lambda that consumes it with reserved concurrency 1 — the single writer,
 * which the head's conditional write backs up. The api Lambda (after a change is
 * logged) and the sweeper (once a minute, when changes wait) send to it. The tiles and
 * the head live in the table (docs/store.md, docs/transparency.md: why not S3).
 */
import { Duration } from "aws-cdk-lib";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { LOG_QUEUE_SETTINGS } from "../shared/queue/settings.js";
import type { HubFunction } from "./hub-function.js";
import { type HubResources, hubHandler } from "./hub-runtime.js";

/** A dead letter is older than its retention allows otherwise (see work-queue.ts). */
const RETENTION = Duration.days(1);
const DEAD_LETTER_RETENTION = Duration.days(14);

/** The FIFO queue that wakes the writer, and its dead-letter queue. */
export class LogQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // The messages hold an epoch second, nothing else: SQS-managed encryption suffices.
    this.deadLetterQueue = new sqs.Queue(this, "DeadLetterQueue", {
      fifo: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: DEAD_LETTER_RETENTION,
    });
    this.queue = new sqs.Queue(this, "Queue", {
      fifo: true,
      // The deduplication id is the second: at most one wake-up a second.
      contentBasedDeduplication: false,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: RETENTION,
      visibilityTimeout: Duration.seconds(LOG_QUEUE_SETTINGS.visibilityTimeoutSeconds),
      deadLetterQueue: {
        queue: this.deadLetterQueue,
        maxReceiveCount: LOG_QUEUE_SETTINGS.maxReceiveCount,
      },
    });
  }
}

export interface LogWriterProps {
  resources: HubResources;
}

/** The log Lambda: the one writer of checkpoints. */
export class LogWriter extends Construct {
  readonly handler: HubFunction;

  constructor(scope: Construct, id: string, props: LogWriterProps) {
    super(scope, id);
    const { resources } = props;

    this.handler = hubHandler(this, "Handler", {
      resources,
      name: "log",
      entry: "lambdas/log.ts",
      description:
        "Cordon: the transparency log's single writer (tiles, signed checkpoints, once a second)",
      // Hashing and one Ed25519 signature a second; a step of 1,000 changes is a few ms.
      memorySize: 256,
      timeout: Duration.seconds(LOG_QUEUE_SETTINGS.runSeconds),
      // One writer: runs never overlap (the FIFO group alone would already see to it).
      reservedConcurrency: 1,
    });
    this.handler.function.addEventSource(
      new SqsEventSource(resources.log.queue, {
        batchSize: LOG_QUEUE_SETTINGS.batchSize,
        reportBatchItemFailures: true,
      }),
    );
  }
}
