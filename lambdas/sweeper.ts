/** The sweeper Lambda, on an EventBridge schedule: re-drives the outbox (shared/outbox/sweeper.ts). */
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import middy from "@middy/core";
import { sweep } from "../shared/outbox/sweeper.js";
import { lambdaDeps, logger, metrics } from "./runtime.js";

export const handler = middy(async () => sweep(await lambdaDeps()))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
