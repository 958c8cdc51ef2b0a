/** The fan-out Lambda: one record at a time, partial batch failures reported. */
import { fanOut, listingsOnce } from "../shared/changes/fanout.js";
import type { HubDeps } from "../shared/hub/deps.js";
import { parseFanoutMessage } from "../shared/queue/messages.js";
import { lambdaEntry } from "./runtime.js";
import { type SqsHandler, sqsBatchHandler } from "./sqs-batch.js";

export function createFanoutHandler(deps: HubDeps): SqsHandler {
  return (event, context) => {
    // The subscriptions and organisations are read once per batch, not once per record.
    const listings = listingsOnce(deps);
    const handle = sqsBatchHandler((record) =>
      fanOut(deps, parseFanoutMessage(record.body), listings),
    );
    return handle(event, context);
  };
}

export const handler = lambdaEntry(createFanoutHandler);
