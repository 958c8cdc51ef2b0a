/** The fan-out Lambda: one record at a time, partial batch failures reported (Powertools batch). */
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { fanOut } from "../shared/fanout/fanout.js";
import type { HubDeps } from "../shared/hub/deps.js";
import { parseFanoutMessage } from "../shared/queue/messages.js";
import { lambdaEntry } from "./runtime.js";

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

export function createFanoutHandler(deps: HubDeps): SqsHandler {
  const recordHandler = (record: SQSRecord) => fanOut(deps, parseFanoutMessage(record.body));
  return (event, context) =>
    // A processor per batch: it keeps the batch's state, and the local runtime hands
    // batches to one handler from several pollers at once (Lambda, one at a time).
    processPartialResponse(event, recordHandler, new BatchProcessor(EventType.SQS), {
      context,
      throwOnFullBatchFailure: false,
    });
}

export const handler = lambdaEntry(createFanoutHandler);
