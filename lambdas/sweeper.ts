/** The sweeper Lambda, on an EventBridge schedule: re-drives the outbox (shared/outbox/sweeper.ts). */

import { sweep } from "../shared/changes/sweeper.js";
import type { HubDeps } from "../shared/hub/deps.js";
import { lambdaEntry } from "./runtime.js";

export const handler = lambdaEntry((deps: HubDeps) => () => sweep(deps));
