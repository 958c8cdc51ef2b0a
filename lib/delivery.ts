/**
 * The delivery stage: one message per subscription and event on the delivery queue;
 * the deliver Lambda signs and POSTs the webhook, schedules retries by changing the
 * message's visibility, and parks it on the dead-letter queue after the last try.
 */
import { Construct } from "constructs";
import type { HubFunction } from "./hub-function.js";
import { type HubResources, hubHandler } from "./hub-runtime.js";

/**
 * Concurrent delivery batches: up to 20 × 10 webhook POSTs in flight. Bounds what a
 * burst of bulletins costs the hub and the load it puts on subscribers' endpoints.
 */
export const DELIVERY_MAX_CONCURRENCY = 20;

export interface DeliveryProps {
  resources: HubResources;
}

export class Delivery extends Construct {
  readonly handler: HubFunction;

  constructor(scope: Construct, id: string, props: DeliveryProps) {
    super(scope, id);
    const { resources } = props;

    this.handler = hubHandler(this, "Handler", {
      resources,
      name: "deliver",
      entry: "lambdas/deliver.ts",
      description: "Cordon: signs and POSTs webhooks (Standard Webhooks), with retries",
      // The work is waiting on subscribers' endpoints, not CPU.
      memorySize: 512,
      // A batch of 10 POSTs of at most 15 s each runs in parallel.
      timeout: resources.delivery.consumerTimeout,
    });
    resources.delivery.deadLetterQueue.grantSendMessages(this.handler.role);
    // Opens the subscription's sealed webhook secret to sign `v1`; only this function can.
    resources.storage.webhookSecretsKey.grantDecrypt(this.handler.role);

    // ChangeMessageVisibility, granted with the event source, is also how the handler
    // schedules a retry.
    resources.delivery.consumeWith(this.handler.function, DELIVERY_MAX_CONCURRENCY);
  }
}
