/**
 * The whole hub on one machine: embedded DynamoDB (on disk or in memory), embedded
 * SQS, the api handler behind an API Gateway stand-in, and the same queue consumers
 * and sweeper that run on AWS. `npm start` and the integration tests both use it.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ulid } from "ulid";
import { createApiHandler } from "../lambdas/api.js";
import { createDeliverHandler } from "../lambdas/deliver.js";
import { createFanoutHandler } from "../lambdas/fanout.js";
import type { SqsHandler } from "../lambdas/sqs-batch.js";
import { type HubDeps, systemClock } from "../shared/hub/deps.js";
import { CountingMetrics, type Logger, silentLogger } from "../shared/observability/types.js";
import { ensureAdminOrganisation } from "../shared/orgs/onboarding.js";
import { sweep, sweepAll } from "../shared/outbox/sweeper.js";
import { parseDeliveryMessage } from "../shared/queue/messages.js";
import { MAX_RETRY_WAIT_SECONDS, type QueueName } from "../shared/queue/port.js";
import { QUEUE_SETTINGS } from "../shared/queue/settings.js";
import { SqsQueue } from "../shared/queue/sqs.js";
import { DEFAULT_RATE_LIMITS, type RateLimits } from "../shared/ratelimits/types.js";
import { publicJwkOf } from "../shared/signatures/keys.js";
import type { SigningKey } from "../shared/signatures/types.js";
import { createDynamoStore } from "../shared/store/dynamo/store.js";
import { AesGcmSecretBox } from "../shared/webhooks/secret-box.js";
import { nodeWebhooks } from "../shared/webhooks/sender.js";
import {
  ADMIN_ORG_ID,
  adminKeyPath,
  loadOrCreateAdminKey,
  loadOrCreateHubSecret,
  loadOrCreateSealingKey,
  markCleanStop,
  openDataDir,
  takeCleanStopMarker,
} from "./data-dir.js";
import { LOCAL_TABLE, repairIndexes, startEmbeddedDynamo } from "./dynamo.js";
import { SqsEventSource } from "./event-source.js";
import { FairEventSource } from "./fair-event-source.js";
import { createApiGatewayServer } from "./http-adapter.js";
import { closeServer, LOOPBACK, listenOnLoopback } from "./loopback.js";
import { startEmbeddedSqs } from "./sqs.js";

export interface LocalHubOptions {
  dataDir: string;
  /** 0 picks a free port. */
  port?: number;
  audience?: string;
  /** Keep the table in memory (tests); the data folder still holds the keys. */
  inMemory?: boolean;
  logger?: Logger;
  /** How often the sweeper runs (default 5 s; on AWS it runs every minute). */
  sweepIntervalMs?: number;
  /** The hub's rates by class (DESIGN §15); classes not given keep their defaults. */
  rateLimits?: Partial<RateLimits>;
}

export interface LocalHub {
  url: string;
  port: number;
  dataDir: string;
  adminKeyFile: string;
  adminKey: SigningKey;
  adminCreated: boolean;
  deps: HubDeps;
  metrics: CountingMetrics;
  /** The embedded servers' clients, for tests and benchmarks that look underneath. */
  dynamoClient: DynamoDBClient;
  stop(): Promise<void>;
}

export const DEFAULT_AUDIENCE = "cordon";
const DEFAULT_SWEEP_INTERVAL_MS = 5_000;
/**
 * Covers every open delivery, however far off its next attempt (a retry waits at most
 * the queue's 12 hours, and the outbox lists it 60 s after that), and every other
 * outbox item (due within a minute). A retry's queue message died with the last
 * process; with a horizon shorter than its wait, the periodic sweep would re-drive it
 * only 60 s after it was due (issue 14: "a retry ran 62 s after its next_attempt_at").
 * A delivery re-driven before its time waits in the queue until it is due.
 */
const STARTUP_SWEEP_HORIZON_MS = (MAX_RETRY_WAIT_SECONDS + 120) * 1000;
/** The delivery consumer: handler invocations at once, and at most this many per organisation. */
const DELIVERY_CONCURRENCY = 64;
const DELIVERY_PER_ORGANISATION = 16;

export async function startLocalHub(options: LocalHubOptions): Promise<LocalHub> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const logger = options.logger ?? silentLogger;
  const dir = await openDataDir(options.dataDir);
  const [hubSecret, sealingKey, adminKey] = await Promise.all([
    loadOrCreateHubSecret(dir),
    loadOrCreateSealingKey(dir),
    loadOrCreateAdminKey(dir),
  ]);
  const stoppedCleanly = await takeCleanStopMarker(dir);
  const dynamo = await startEmbeddedDynamo(options.inMemory ? undefined : dir.tablePath);
  const sqs = await startEmbeddedSqs();
  const metrics = new CountingMetrics();
  const webhooks = nodeWebhooks({ allowInsecure: true });
  const deps: HubDeps = {
    store: createDynamoStore(dynamo.client, LOCAL_TABLE),
    queue: new SqsQueue(sqs.client, sqs.urls),
    clock: systemClock,
    hubKeys: hubSecret.hubKeys,
    pseudonymKey: hubSecret.pseudonymKey,
    audience: options.audience ?? DEFAULT_AUDIENCE,
    secrets: new AesGcmSecretBox(sealingKey),
    webhooks,
    logger,
    metrics,
    newId: ulid,
    rateLimits: { ...DEFAULT_RATE_LIMITS, ...options.rateLimits },
  };
  const adminCreated = await ensureAdminOrganisation(
    deps,
    ADMIN_ORG_ID,
    publicJwkOf(adminKey.privateJwk),
  );

  // Everything on the outbox is stale at start: whatever was in flight died with
  // the last process, and its in-memory queue with it.
  // A kill can also leave index entries behind their items (see repairIndexes).
  if (!options.inMemory && !stoppedCleanly) await repairIndexes(dynamo.client, LOCAL_TABLE);
  const recovered = await sweepAll(
    deps,
    new Date(deps.clock.now().getTime() + STARTUP_SWEEP_HORIZON_MS),
  );
  if (recovered > 0)
    logger.info("re-drove outbox items left by the last run", { items: recovered });
  // Fewer pollers than Lambda's concurrency caps: one process runs them all.
  const consume = (queue: QueueName, handler: SqsHandler, concurrency: number) =>
    new SqsEventSource(
      sqs.client,
      handler,
      {
        name: queue,
        queueUrl: sqs.urls[queue],
        queueArn: sqs.arns[queue],
        batchSize: QUEUE_SETTINGS[queue].batchSize,
        concurrency,
      },
      logger,
    );
  const sources = [
    consume("fanout", createFanoutHandler(deps), 2),
    new FairEventSource(
      sqs.client,
      createDeliverHandler(deps),
      {
        name: "delivery",
        queueUrl: sqs.urls.delivery,
        queueArn: sqs.arns.delivery,
        concurrency: DELIVERY_CONCURRENCY,
        perGroup: DELIVERY_PER_ORGANISATION,
        groupOf: subscriberOf,
        visibilityTimeoutSeconds: QUEUE_SETTINGS.delivery.visibilityTimeoutSeconds,
      },
      logger,
    ),
  ];
  for (const source of sources) source.start();
  const sweeper = setInterval(() => {
    sweep(deps).catch((error: unknown) =>
      logger.warn("the sweep failed", { error: String(error) }),
    );
  }, options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS);

  const server = createApiGatewayServer(createApiHandler(deps), (error) =>
    logger.error("the local API gateway failed a request", { error: String(error) }),
  );
  const port = await listenOnLoopback(server, options.port ?? 0);

  let stopped: Promise<void> | undefined;
  return {
    url: `http://${LOOPBACK}:${port}`,
    port,
    dataDir: dir.root,
    adminKeyFile: adminKeyPath(dir),
    adminKey,
    adminCreated,
    deps,
    metrics,
    dynamoClient: dynamo.client,
    stop: () => {
      stopped ??= (async () => {
        await closeServer(server);
        clearInterval(sweeper);
        await Promise.all(sources.map((source) => source.stop()));
        webhooks.sender.close();
        await sqs.stop();
        await dynamo.stop();
        await markCleanStop(dir);
      })();
      return stopped;
    },
  };
}

/** A delivery message's group: its subscriber organisation (as MessageGroupId is on AWS). */
function subscriberOf(message: { Body?: string }): string {
  try {
    const parsed = parseDeliveryMessage(message.Body ?? "");
    return parsed.org_id ?? parsed.subscription_id;
  } catch {
    return "unreadable";
  }
}
