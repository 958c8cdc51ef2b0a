/**
 * The deliver Lambda: one webhook attempt per record. A record whose delivery must
 * wait (a retry, or a message that came early) is reported as failed after its
 * visibility timeout was set to the wait, so SQS hands it back when it is due.
 */
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
import type { HubDeps } from "../shared/hub/deps.js";
import { parseDeliveryMessage } from "../shared/queue/messages.js";
import { Deliverer } from "../shared/webhooks/deliver.js";
import type { SqsHandler } from "./fanout.js";
import { lambdaEntry } from "./runtime.js";

/** Not a fault: the way a record says "give me back later". */
class RetryLater extends Error {
  override name = "RetryLater";
}

export function createDeliverHandler(deps: HubDeps): SqsHandler {
  const deliverer = new Deliverer(deps);
  const recordHandler = async (record: SQSRecord) => {
    const result = await deliverer.attempt(parseDeliveryMessage(record.body), record.receiptHandle);
    if (result === "retry-later") throw new RetryLater("the delivery waits for its next attempt");
  };
  return (event, context) =>
    // A processor per batch: it keeps the batch's state, and the local runtime hands
    // batches to one handler from several pollers at once (Lambda, one at a time).
    processPartialResponse(event, recordHandler, new BatchProcessor(EventType.SQS), {
      context,
      throwOnFullBatchFailure: false,
    });
}

export const handler = lambdaEntry(createDeliverHandler);
