/**
 * The shape both queue-triggered Lambdas share: each record handled on its own, and
 * only the records that failed reported back (Powertools batch), so SQS never retries
 * a whole batch for one bad record.
 */
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

export function sqsBatchHandler(
  recordHandler: (record: SQSRecord) => Promise<unknown>,
): SqsHandler {
  return (event, context) =>
    // A processor per batch: it keeps the batch's state, and the local runtime hands
    // batches to one handler from several pollers at once (Lambda, one at a time).
    processPartialResponse(event, recordHandler, new BatchProcessor(EventType.SQS), {
      context,
      throwOnFullBatchFailure: false,
    });
}
