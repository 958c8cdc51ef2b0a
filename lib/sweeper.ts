/**
 * The outbox sweeper (DESIGN §8, invariant 1): once a minute it finds fan-out and
 * delivery work that is overdue in the table and enqueues it again, so that a crash or
 * a lost message delays a delivery but never drops it; and it wakes the transparency
 * log's writer while changes wait for a checkpoint (DESIGN §14).
 */
import { Duration } from "aws-cdk-lib";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import { Construct } from "constructs";
import type { HubFunction } from "./hub-function.js";
import { type HubResources, hubHandler } from "./hub-runtime.js";

export interface SweeperProps {
  resources: HubResources;
}

export class Sweeper extends Construct {
  readonly handler: HubFunction;
  readonly schedule: events.Rule;

  constructor(scope: Construct, id: string, props: SweeperProps) {
    super(scope, id);
    const { resources } = props;

    this.handler = hubHandler(this, "Handler", {
      resources,
      name: "sweeper",
      entry: "lambdas/sweeper.ts",
      description: "Cordon: re-enqueues overdue outbox work (runs every minute)",
      memorySize: 512,
      // Under the one-minute period, so sweeps do not pile up behind a slow one.
      timeout: Duration.seconds(50),
    });
    resources.fanout.queue.grantSendMessages(this.handler.role);
    resources.delivery.queue.grantSendMessages(this.handler.role);
    // Changes still waiting for a checkpoint wake the log's writer again.
    resources.log.queue.grantSendMessages(this.handler.role);

    // A missed or failed sweep is simply done by the next one a minute later, so
    // neither EventBridge nor Lambda retries it (no duplicate sweeps, no DLQ needed).
    this.handler.function.configureAsyncInvoke({
      retryAttempts: 0,
      maxEventAge: Duration.minutes(1),
    });
    this.schedule = new events.Rule(this, "Schedule", {
      description: "Cordon: run the outbox sweeper",
      schedule: events.Schedule.rate(Duration.minutes(1)),
      targets: [
        new targets.LambdaFunction(this.handler.function, {
          retryAttempts: 0,
          maxEventAge: Duration.minutes(1),
        }),
      ],
    });
  }
}
