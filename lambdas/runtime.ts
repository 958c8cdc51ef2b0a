/**
 * What every Lambda of the hub shares: configuration read once per container, the
 * AWS clients, Powertools logging and metrics, and the hub secret fetched once from
 * Secrets Manager. The handlers hand these to the same domain code `npm start` runs.
 */

import { Logger } from "@aws-lambda-powertools/logger";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { KMSClient } from "@aws-sdk/client-kms";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SQSClient } from "@aws-sdk/client-sqs";
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { ulid } from "ulid";
import { readEnv } from "../shared/config/env.js";
import { type HubDeps, systemClock } from "../shared/hub/deps.js";
import { parseHubSecretText } from "../shared/hub/hub-secret.js";
import {
  type Logger as LoggerPort,
  METRICS_NAMESPACE,
  type MetricName,
  type Metrics as MetricsPort,
  SERVICE_NAME,
} from "../shared/observability/types.js";
import { SqsQueue } from "../shared/queue/sqs.js";
import { parseRateLimits } from "../shared/ratelimits/config.js";
import { createDynamoStore } from "../shared/store/dynamo/store.js";
import { SqsCheckpointTrigger } from "../shared/transparency/trigger.js";
import { KmsSecretBox } from "../shared/webhooks/kms-secret-box.js";
import { nodeWebhooks } from "../shared/webhooks/sender.js";

const logger = new Logger({ serviceName: SERVICE_NAME });
const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });

const metricsPort: MetricsPort = {
  count: (name: MetricName, value = 1) => metrics.addMetric(name, MetricUnit.Count, value),
  seconds: (name: MetricName, value: number) => metrics.addMetric(name, MetricUnit.Seconds, value),
};

const loggerPort: LoggerPort = {
  debug: (message, attributes = {}) => logger.debug(message, attributes),
  info: (message, attributes = {}) => logger.info(message, attributes),
  warn: (message, attributes = {}) => logger.warn(message, attributes),
  error: (message, attributes = {}) => logger.error(message, attributes),
};

/**
 * A Lambda entry point: Powertools' logger context and metrics flushing around a
 * handler that `create` builds once per container from the hub's dependencies —
 * the same `create` the local runtime calls with its own. A failed build (the
 * secret not readable yet, say) is not kept: the next invocation tries again.
 */
export function lambdaEntry<E, R>(
  create: (deps: HubDeps) => (event: E, context: Context) => Promise<R>,
) {
  let ready: Promise<(event: E, context: Context) => Promise<R>> | undefined;
  return middy(async (event: E, context: Context): Promise<R> => {
    ready ??= buildDeps()
      .then(create)
      .catch((error: unknown) => {
        ready = undefined;
        throw error;
      });
    const handle = await ready;
    return handle(event, context);
  })
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));
}

async function buildDeps(): Promise<HubDeps> {
  const env = readEnv();
  const secrets = new SecretsManagerClient({});
  const output = await secrets.send(
    new GetSecretValueCommand({ SecretId: env.CORDON_HUB_SECRET_ID }),
  );
  if (output.SecretString === undefined) throw new Error("the hub secret has no string value");
  const hubSecret = parseHubSecretText(output.SecretString);
  const sqs = new SQSClient({});
  return {
    store: createDynamoStore(new DynamoDBClient({}), env.CORDON_TABLE_NAME),
    queue: new SqsQueue(sqs, {
      fanout: env.CORDON_FANOUT_QUEUE_URL,
      delivery: env.CORDON_DELIVERY_QUEUE_URL,
      fanoutDeadLetter: env.CORDON_FANOUT_DLQ_URL,
      deliveryDeadLetter: env.CORDON_DELIVERY_DLQ_URL,
    }),
    clock: systemClock,
    hubKeys: hubSecret.hubKeys,
    pseudonymKey: hubSecret.pseudonymKey,
    audience: env.CORDON_AUDIENCE,
    secrets: new KmsSecretBox(new KMSClient({}), env.CORDON_SECRETS_KMS_KEY_ID),
    webhooks: nodeWebhooks({ allowInsecure: false }),
    logger: loggerPort,
    metrics: metricsPort,
    newId: ulid,
    rateLimits: parseRateLimits(env.CORDON_RATE_LIMITS),
    checkpoints: new SqsCheckpointTrigger(sqs, env.CORDON_LOG_QUEUE_URL),
  };
}
