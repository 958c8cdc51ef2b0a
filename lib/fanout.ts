/**
 * The fan-out stage: a published bulletin, revocation or sighting arrives on the
 * fan-out queue, and the fanout Lambda writes one delivery per matching subscription
 * and enqueues it on the delivery queue.
 */
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

    this.handler = hubHandler(this, "Handler", {
      resources,
      name: "fanout",
      entry: "lambdas/fanout.ts",
      description: "Cordon: matches a change against subscriptions and enqueues deliveries",
      memorySize: 512,
      timeout: resources.fanout.consumerTimeout,
    });
    resources.delivery.queue.grantSendMessages(this.handler.role);
    resources.fanout.consumeWith(this.handler.function, FANOUT_MAX_CONCURRENCY);
  }
}
