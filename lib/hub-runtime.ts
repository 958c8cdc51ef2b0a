/**
 * What every hub Lambda (api, fanout, deliver, sweeper, log) shares: the resources
 * lambdas/runtime.ts connects to, the environment that names them (validated on the
 * Lambda side by shared/config/env.ts), and the grants every one of them needs.
 */

import type { Duration } from "aws-cdk-lib";
import type { RetentionDays } from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";
import type { HubEnv } from "../shared/config/env.js";
import { METRICS_NAMESPACE, SERVICE_NAME } from "../shared/observability/types.js";
import { type HubFunctionName, TABLE_ACCESS } from "../shared/store/dynamo/key-access.js";
import { HubFunction } from "./hub-function.js";
import type { HubSecret } from "./hub-secret.js";
import type { Storage } from "./storage.js";
import type { LogQueue } from "./transparency-log.js";
import type { WorkQueue } from "./work-queue.js";

export interface HubResources {
  storage: Storage;
  hubSecret: HubSecret;
  fanout: WorkQueue;
  delivery: WorkQueue;
  /** Wakes the transparency log's writer. */
  log: LogQueue;
  /** The `aud` request tokens must carry: the hub's https origin. */
  audience: string;
  logRetention: RetentionDays;
  /** The hub's rates by class (`CORDON_RATE_LIMITS`); undefined: the defaults. */
  rateLimits: string | undefined;
}

/** Powertools settings; namespace and service are the ones lambdas/runtime.ts uses. */
export const POWERTOOLS_ENVIRONMENT = {
  POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
  POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
  POWERTOOLS_LOG_LEVEL: "INFO",
  // Events carry the Authorization header; responses may carry a new webhook secret.
  POWERTOOLS_LOGGER_LOG_EVENT: "false",
} as const;

/**
 * The hub's configuration, typed by the schema the Lambdas validate it with, so a new
 * required variable there is a compile error here.
 */
function hubEnvironment(resources: HubResources): HubEnv {
  return {
    CORDON_TABLE_NAME: resources.storage.table.tableName,
    CORDON_AUDIENCE: resources.audience,
    CORDON_FANOUT_QUEUE_URL: resources.fanout.queue.queueUrl,
    CORDON_DELIVERY_QUEUE_URL: resources.delivery.queue.queueUrl,
    CORDON_FANOUT_DLQ_URL: resources.fanout.deadLetterQueue.queueUrl,
    CORDON_DELIVERY_DLQ_URL: resources.delivery.deadLetterQueue.queueUrl,
    CORDON_LOG_QUEUE_URL: resources.log.queue.queueUrl,
    CORDON_HUB_SECRET_ID: resources.hubSecret.secret.secretArn,
    CORDON_SECRETS_KMS_KEY_ID: resources.storage.webhookSecretsKey.keyArn,
    ...(resources.rateLimits === undefined ? {} : { CORDON_RATE_LIMITS: resources.rateLimits }),
  };
}

export interface HubHandlerProps {
  resources: HubResources;
  /** Which hub function this is: its table access comes from shared/store/dynamo/key-access.ts. */
  name: HubFunctionName;
  entry: string;
  description: string;
  memorySize: number;
  timeout: Duration;
  reservedConcurrency?: number;
}

/**
 * A hub Lambda with the hub's environment, X-Ray tracing, and the two grants all of
 * them need: reads and writes of the table's partitions it uses (key-access.ts), and
 * reading the hub secret (every container loads its signing keys once, in
 * lambdas/runtime.ts).
 */
export function hubHandler(scope: Construct, id: string, props: HubHandlerProps): HubFunction {
  const handler = new HubFunction(scope, id, {
    entry: props.entry,
    description: props.description,
    memorySize: props.memorySize,
    timeout: props.timeout,
    environment: { ...POWERTOOLS_ENVIRONMENT, ...hubEnvironment(props.resources) },
    logRetention: props.resources.logRetention,
    tracing: true,
    ...(props.reservedConcurrency === undefined
      ? {}
      : { reservedConcurrency: props.reservedConcurrency }),
  });
  props.resources.storage.grantData(handler.role, TABLE_ACCESS[props.name]);
  props.resources.hubSecret.grantRead(handler.role);
  return handler;
}
