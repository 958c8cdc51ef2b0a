/**
 * The log Lambda (reserved concurrency 1: the transparency log's single writer), fed by
 * the FIFO queue of "checkpoint due" messages (shared/transparency/trigger.ts). A batch
 * is one run for its latest second; a run that fails leaves the batch to come back.
 */
import type { HubDeps } from "../shared/hub/deps.js";
import { keepLogCurrent } from "../shared/transparency/schedule.js";
import { parseCheckpointDue } from "../shared/transparency/trigger.js";
import { lambdaEntry } from "./runtime.js";
import type { SqsHandler } from "./sqs-batch.js";

export function createLogHandler(deps: HubDeps): SqsHandler {
  return async (event, context) => {
    const seconds = event.Records.map((record) => parseCheckpointDue(record.body).second);
    if (seconds.length > 0) {
      await keepLogCurrent(deps, {
        second: Math.max(...seconds),
        remainingMs: () => context.getRemainingTimeInMillis(),
      });
    }
    return { batchItemFailures: [] };
  };
}

export const handler = lambdaEntry(createLogHandler);
