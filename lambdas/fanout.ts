/** The fan-out Lambda: one record at a time, partial batch failures reported (Powertools batch). */
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { fanOut } from "../shared/fanout/fanout.js";
import type { HubDeps } from "../shared/hub/deps.js";
import { parseFanoutMessage } from "../shared/queue/messages.js";
import { lambdaDeps, logger, metrics } from "./runtime.js";

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

export function createFanoutHandler(deps: HubDeps): SqsHandler {
  const processor = new BatchProcessor(EventType.SQS);
  const recordHandler = (record: SQSRecord) => fanOut(deps, parseFanoutMessage(record.body));
  return (event, context) =>
    processPartialResponse(event, recordHandler, processor, {
      context,
      throwOnFullBatchFailure: false,
    });
}

let ready: Promise<SqsHandler> | undefined;

export const handler = middy(async (event: SQSEvent, context: Context) => {
  ready ??= lambdaDeps().then(createFanoutHandler);
  const fanout = await ready;
  return fanout(event, context);
})
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
