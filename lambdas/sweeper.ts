/**
 * The sweeper Lambda, on an EventBridge schedule: re-drives the outbox
 * (shared/changes/sweeper.ts) and checks that the transparency log's checkpoint keeps
 * up (shared/transparency/watch.ts).
 */

import { sweep } from "../shared/changes/sweeper.js";
import type { HubDeps } from "../shared/hub/deps.js";
import { watchCheckpointLag } from "../shared/transparency/watch.js";
import { lambdaEntry } from "./runtime.js";

export const handler = lambdaEntry((deps: HubDeps) => async () => {
  const [report] = await Promise.all([sweep(deps), watchCheckpointLag(deps)]);
  return report;
});
