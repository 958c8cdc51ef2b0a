/**
 * An SQS work queue with its dead-letter queue, as both the fan-out and the delivery
 * stage use them: encrypted, TLS-only, with the visibility timeout and receive limit of
 * shared/queue/settings.ts so that retries behave as they do under `npm start`.
 */
import { Duration } from "aws-cdk-lib";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";

export interface QueueSettings {
  readonly visibilityTimeoutSeconds: number;
  readonly maxReceiveCount: number;
  readonly batchSize: number;
}

export interface WorkQueueProps {
  settings: QueueSettings;
}

/**
 * Main-queue retention. The longest delivery retry schedule (DESIGN §6: 8 attempts over
 * about 18 hours) must fit inside it, and the sweeper re-drives anything older.
 */
const RETENTION = Duration.days(4);
/**
 * The most SQS allows. A message keeps its original enqueue time when it is moved to a
 * dead-letter queue, so this must exceed RETENTION or it would expire on arrival.
 */
const DEAD_LETTER_RETENTION = Duration.days(14);

export class WorkQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly settings: QueueSettings;

  constructor(scope: Construct, id: string, props: WorkQueueProps) {
    super(scope, id);
    this.settings = props.settings;

    // SQS-managed encryption (SSE-SQS): no per-message KMS calls or key policy for the
    // Lambda poller, and the messages hold ids only, never secrets or bulletin content.
    this.deadLetterQueue = new sqs.Queue(this, "DeadLetterQueue", {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: DEAD_LETTER_RETENTION,
    });
    this.queue = new sqs.Queue(this, "Queue", {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: RETENTION,
      visibilityTimeout: Duration.seconds(props.settings.visibilityTimeoutSeconds),
      deadLetterQueue: {
        queue: this.deadLetterQueue,
        maxReceiveCount: props.settings.maxReceiveCount,
      },
    });
  }

  /** Half the visibility timeout: a consumer that slow is never handed a batch twice. */
  get consumerTimeout(): Duration {
    return Duration.seconds(this.settings.visibilityTimeoutSeconds / 2);
  }

  /**
   * Feeds this queue to `consumer`, partial batch failures reported, at most
   * `maxConcurrency` batches at once. The event source grants Receive, Delete and
   * ChangeMessageVisibility on this queue only.
   */
  consumeWith(consumer: lambda.IFunction, maxConcurrency: number): void {
    consumer.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: this.settings.batchSize,
        reportBatchItemFailures: true,
        maxConcurrency,
      }),
    );
  }
}
