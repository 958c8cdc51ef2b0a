/** The fan-out Lambda: one record at a time, partial batch failures reported. */
import { fanOut } from "../shared/fanout/fanout.js";
import type { HubDeps } from "../shared/hub/deps.js";
import { parseFanoutMessage } from "../shared/queue/messages.js";
import { lambdaEntry } from "./runtime.js";
import { type SqsHandler, sqsBatchHandler } from "./sqs-batch.js";

export function createFanoutHandler(deps: HubDeps): SqsHandler {
  return sqsBatchHandler((record) => fanOut(deps, parseFanoutMessage(record.body)));
}

export const handler = lambdaEntry(createFanoutHandler);
