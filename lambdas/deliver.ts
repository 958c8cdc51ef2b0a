/**
 * The deliver Lambda: one webhook attempt per record. A record whose delivery must
 * wait (a retry, or a message that came early) is reported as failed after its
 * visibility timeout was set to the wait, so SQS hands it back when it is due.
 */
import type { HubDeps } from "../shared/hub/deps.js";
import { parseDeliveryMessage } from "../shared/queue/messages.js";
import { Deliverer } from "../shared/webhooks/deliver.js";
import { lambdaEntry } from "./runtime.js";
import { type SqsHandler, sqsBatchHandler } from "./sqs-batch.js";

/** Not a fault: the way a record says "give me back later". */
class RetryLater extends Error {
  override name = "RetryLater";
}

export function createDeliverHandler(deps: HubDeps): SqsHandler {
  const deliverer = new Deliverer(deps);
  return sqsBatchHandler(async (record) => {
    const result = await deliverer.attempt(parseDeliveryMessage(record.body), record.receiptHandle);
    if (result === "retry-later") throw new RetryLater("the delivery waits for its next attempt");
  });
}

export const handler = lambdaEntry(createDeliverHandler);
