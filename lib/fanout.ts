/**
 * The fan-out stage: a published bulletin, revocation or sighting arrives on the
 * fan-out queue, and the fanout Lambda writes one delivery per matching subscription
 * and enqueues it on the delivery queue.
 */
import { Duration } from "aws-cdk-lib";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import { Construct } from "constructs";
import type { HubFunction } from "./hub-function.js";
import { type HubResources, hubHandler } from "./hub-runtime.js";

/**
 * Concurrent fan-out batches. Each batch reads every subscription and writes up to
 * 25 per organisation, so a handful of pollers keeps table write bursts modest. (SQS
 * itself moves a record that keeps failing to the DLQ: the function never sends there.)
 */
export const FANOUT_MAX_CONCURRENCY = 5;

export interface FanOutProps {
  resources: HubResources;
}

export class FanOut extends Construct {
  readonly handler: HubFunction;

  constructor(scope: Construct, id: string, props: FanOutProps) {
    super(scope, id);
    const { resources } = props;
    const settings = resources.fanout.settings;

    this.handler = hubHandler(this, "Handler", {
      resources,
      entry: "lambdas/fanout.ts",
      description: "Cordon: matches a change against subscriptions and enqueues deliveries",
      memorySize: 512,
      // Half the fan-out visibility timeout, so a slow batch is never handed out twice.
      timeout: Duration.seconds(settings.visibilityTimeoutSeconds / 2),
    });
    resources.delivery.queue.grantSendMessages(this.handler.role);

    // The event source grants Receive/Delete/ChangeMessageVisibility on this queue only.
    this.handler.function.addEventSource(
      new SqsEventSource(resources.fanout.queue, {
        batchSize: settings.batchSize,
        reportBatchItemFailures: true,
        maxConcurrency: FANOUT_MAX_CONCURRENCY,
      }),
    );
  }
}
