/**
 * The whole hub on one machine: embedded DynamoDB (on disk or in memory) or any
 * DynamoDB endpoint, embedded SQS, the api handler behind an API Gateway stand-in,
 * and the same queue consumers and sweeper that run on AWS. `npm start` and the
 * integration tests both use it.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ulid } from "ulid";
import { createApiHandler } from "../lambdas/api.js";
import { createDeliverHandler } from "../lambdas/deliver.js";
import { createFanoutHandler } from "../lambdas/fanout.js";
import { createLogHandler } from "../lambdas/log.js";
import type { SqsHandler } from "../lambdas/sqs-batch.js";
import { sweep, sweepAll } from "../shared/changes/sweeper.js";
import { type HubDeps, systemClock } from "../shared/hub/deps.js";
import { CountingMetrics, type Logger, silentLogger } from "../shared/observability/types.js";
import {
  ensureAdminOrganisation,
  recountActiveAdmins,
  recoverAdminKey,
} from "../shared/orgs/onboarding.js";
import { parseDeliveryMessage } from "../shared/queue/messages.js";
import { MAX_RETRY_WAIT_SECONDS, type QueueName } from "../shared/queue/port.js";
import { LOG_QUEUE_SETTINGS, QUEUE_SETTINGS } from "../shared/queue/settings.js";
import { SqsQueue } from "../shared/queue/sqs.js";
import { DEFAULT_RATE_LIMITS, type RateLimits } from "../shared/ratelimits/types.js";
import { publicJwkOf } from "../shared/signatures/keys.js";
import type { SigningKey } from "../shared/signatures/types.js";
import { createDynamoStore } from "../shared/store/dynamo/store.js";
import { SqsCheckpointTrigger } from "../shared/transparency/trigger.js";
import { watchCheckpointLag } from "../shared/transparency/watch.js";
import { AesGcmSecretBox } from "../shared/webhooks/secret-box.js";
import { nodeWebhooks } from "../shared/webhooks/sender.js";
import { consoleSite } from "./console-site.js";
import {
  ADMIN_ORG_ID,
  adminKeyPath,
  createAdminKey,
  type DataDir,
  loadOrCreateHubSecret,
  loadOrCreateSealingKey,
  lockDataDir,
  markCleanStop,
  openDataDir,
  readAdminKey,
  takeAdminRecovery,
  takeCleanStopMarker,
} from "./data-dir.js";
import { type DynamoSettings, LOCAL_TABLE, openDynamo, repairIndexes } from "./dynamo.js";
import { LocalHubError } from "./errors.js";
import { SqsEventSource } from "./event-source.js";
import { FairEventSource } from "./fair-event-source.js";
import { createApiGatewayServer } from "./http-adapter.js";
import { type LaggingIndex, lagIndexes } from "./lagging-index.js";
import { closeServer, LOOPBACK, listenOnLoopback } from "./loopback.js";
import { startEmbeddedSqs } from "./sqs.js";
import { checkTableLayout } from "./table-layout.js";

export interface LocalHubOptions {
  dataDir: string;
  /** 0 picks a free port. */
  port?: number;
  audience?: string;
  /** Keep the embedded table in memory (tests); the data folder still holds the keys. */
  inMemory?: boolean;
  /** Where the table lives: by default the embedded server, table "cordon". */
  dynamo?: DynamoSettings;
  logger?: Logger;
  /** How often the sweeper runs (default 5 s; on AWS it runs every minute). */
  sweepIntervalMs?: number;
  /** The hub's rates by class (DESIGN §15); classes not given keep their defaults. */
  rateLimits?: Partial<RateLimits>;
  /**
   * Sign transparency log checkpoints (default true). Off only to measure what the log
   * costs: changes are still logged, no checkpoint is signed (`CORDON_LOG_WRITER=off`).
   */
  logWriter?: boolean;
  /** The analyst console's build folder, served at /console/ (none when absent). */
  consoleDir?: string;
}

export interface LocalHub {
  url: string;
  port: number;
  dataDir: string;
  adminKeyFile: string;
  /** Undefined when the data folder's `admin.jwk` is gone (see `adminNotice`). */
  adminKey: SigningKey | undefined;
  adminCreated: boolean;
  /**
   * What the operator must know about the administrator key at this start: a lost
   * key file and how to recover (a warning), a recovery just applied, or nothing.
   */
  adminNotice: AdminNotice | undefined;
  deps: HubDeps;
  metrics: CountingMetrics;
  /** The hub's DynamoDB client, for tests and benchmarks that look underneath. */
  dynamoClient: DynamoDBClient;
  /**
   * The hub's table and its server; `all` is every table the hub keeps there (its
   * own, then the lagging index's replica when $CORDON_TEST_GSI_LAG_MS asks for one).
   */
  table: { name: string; endpoint: string; embedded: boolean; all: readonly string[] };
  /** Resolves once index queries see every write made so far: at once, but behind the lagging index. */
  indexesCaughtUp(): Promise<void>;
  stop(): Promise<void>;
}

export const DEFAULT_AUDIENCE = "cordon";

export interface AdminNotice {
  level: "info" | "warning";
  text: string;
}

/** The administrator's key of a hub that must have one (a fresh data folder always does). */
export function adminKeyOf(hub: LocalHub): SigningKey {
  if (hub.adminKey === undefined) {
    throw new Error(hub.adminNotice?.text ?? "the hub has no admin key");
  }
  return hub.adminKey;
}

/**
 * The administrator key at start, in this order: a recovery waiting in the data folder
 * is applied (its key registered, the others revoked); on a table without the
 * administrator, the key file is used or, on the very first start, made; a table
 * whose administrator exists but whose key file is gone starts without one and says
 * how to recover — a new key is never made silently in its place.
 */
async function settleAdminKey(
  deps: HubDeps,
  dir: DataDir,
): Promise<{ key: SigningKey | undefined; created: boolean; notice: AdminNotice | undefined }> {
  const recovery = await takeAdminRecovery(dir);
  const key = await readAdminKey(dir);
  if (recovery !== undefined) {
    const { revoked } = await recoverAdminKey(deps, ADMIN_ORG_ID, recovery);
    const also = revoked.length === 0 ? "" : `; revoked its other keys (${revoked.join(", ")})`;
    return {
      key,
      created: false,
      notice: {
        level: "info",
        text: `Registered the recovered administrator key ${recovery.kid} for ${ADMIN_ORG_ID}${also}.`,
      },
    };
  }
  const existing = await deps.store.orgs.getOrg(ADMIN_ORG_ID);
  if (existing === undefined) {
    const signingKey = key ?? (await createAdminKey(dir));
    await ensureAdminOrganisation(deps, ADMIN_ORG_ID, publicJwkOf(signingKey.privateJwk));
    return { key: signingKey, created: true, notice: undefined };
  }
  const file = adminKeyPath(dir);
  if (key === undefined) {
    return {
      key: undefined,
      created: false,
      notice: {
        level: "warning",
        text:
          `The administrator's key file ${file} is missing, so no one can onboard organisations ` +
          "here. To register a new administrator key: stop the hub, run " +
          `\`cordon admin recover --data-dir ${dir.root}\`, and start the hub again ` +
          "(the old key is then revoked). Nothing else is affected.",
      },
    };
  }
  if (existing.keys[key.kid]?.status !== "active") {
    return {
      key,
      created: false,
      notice: {
        level: "warning",
        text:
          `${file} is not an active key of ${ADMIN_ORG_ID} (kid ${key.kid}): admin commands signed ` +
          `with it are refused. Move it aside, run \`cordon admin recover --data-dir ${dir.root}\`, ` +
          "and restart the hub.",
      },
    };
  }
  return { key, created: false, notice: undefined };
}
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
  const lock = await lockDataDir(dir);
  // Whatever fails from here on, what was started is stopped and the lock released:
  // a hub that cannot start leaves nothing behind (and no stack trace of a half-open table).
  const cleanups: (() => Promise<void>)[] = [lock.release];
  try {
    return await startLocked(options, dir, logger, lock, cleanups);
  } catch (error) {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    throw error;
  }
}

async function startLocked(
  options: LocalHubOptions,
  dir: DataDir,
  logger: Logger,
  lock: Awaited<ReturnType<typeof lockDataDir>>,
  cleanups: (() => Promise<void>)[],
): Promise<LocalHub> {
  const [hubSecret, sealingKey] = await Promise.all([
    loadOrCreateHubSecret(dir),
    loadOrCreateSealingKey(dir),
  ]);
  const stoppedCleanly = await takeCleanStopMarker(dir);
  const settings = options.dynamo ?? { tableName: LOCAL_TABLE };
  const dynamo = await openDynamo(settings, options.inMemory ? undefined : dir.tablePath);
  cleanups.push(() => dynamo.stop());
  await checkTableLayout(dynamo.client, dynamo.tableName);
  const lagging: LaggingIndex | undefined =
    settings.gsiLagMs === undefined
      ? undefined
      : await lagIndexes(dynamo.client, {
          tableName: dynamo.tableName,
          lagMs: settings.gsiLagMs,
          connect: dynamo.connect,
        });
  if (lagging !== undefined) cleanups.push(() => lagging.stop());
  const sqs = await startEmbeddedSqs();
  cleanups.push(() => sqs.stop());
  const metrics = new CountingMetrics();
  const webhooks = nodeWebhooks({ allowInsecure: true });
  cleanups.push(async () => webhooks.sender.close());
  const deps: HubDeps = {
    store: createDynamoStore(dynamo.client, dynamo.tableName),
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
    ...(options.logWriter === false
      ? {}
      : { checkpoints: new SqsCheckpointTrigger(sqs.client, sqs.log.url) }),
  };
  const admin = await settleAdminKey(deps, dir);
  // Nothing else runs yet: the count of active admins is set from the directory itself.
  await recountActiveAdmins(deps.store.orgs);

  // Everything on the outbox is stale at start: whatever was in flight died with
  // the last process, and its in-memory queue with it.
  // A kill can also leave dynalite's index entries behind their items (see repairIndexes).
  if (dynamo.embedded && !options.inMemory && !stoppedCleanly)
    await repairIndexes(dynamo.client, dynamo.tableName);
  const recovered = await sweepAll(
    deps,
    new Date(deps.clock.now().getTime() + STARTUP_SWEEP_HORIZON_MS),
  );
  if (recovered > 0)
    logger.info("re-drove outbox items left by the last run", { items: recovered });
  // The writer's wake-up messages died with the last process too: ask for a checkpoint
  // of whatever was logged and not yet signed.
  await watchCheckpointLag(deps);
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
  // The log's single writer, as on AWS (reserved concurrency 1); a stop ends its run.
  let stopping = false;
  if (deps.checkpoints !== undefined) {
    const writer = createLogHandler(deps);
    sources.push(
      new SqsEventSource(
        sqs.client,
        (event, context) =>
          writer(event, {
            ...context,
            getRemainingTimeInMillis: () => (stopping ? 0 : context.getRemainingTimeInMillis()),
          }),
        {
          name: "log",
          queueUrl: sqs.log.url,
          queueArn: sqs.log.arn,
          batchSize: LOG_QUEUE_SETTINGS.batchSize,
          concurrency: 1,
        },
        logger,
      ),
    );
  }
  for (const source of sources) source.start();
  const sweeper = setInterval(() => {
    sweep(deps).catch((error: unknown) =>
      logger.warn("the sweep failed", { error: String(error) }),
    );
    watchCheckpointLag(deps).catch((error: unknown) =>
      logger.warn("the log check failed", { error: String(error) }),
    );
  }, options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS);

  cleanups.push(async () => {
    stopping = true;
    clearInterval(sweeper);
    await Promise.all(sources.map((source) => source.stop()));
  });

  const server = createApiGatewayServer(
    createApiHandler(deps),
    (error) => logger.error("the local API gateway failed a request", { error: String(error) }),
    options.consoleDir === undefined ? undefined : consoleSite(options.consoleDir),
  );
  let port: number;
  try {
    port = await listenOnLoopback(server, options.port ?? 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
    throw new LocalHubError(
      "ERR_PORT_IN_USE",
      `Port ${options.port} on 127.0.0.1 is in use (another hub, or another program). ` +
        `Start this hub on another port: PORT=${(options.port ?? 8080) + 1} npm start.`,
      { cause: error },
    );
  }
  await lock.setPort(port);

  let stopped: Promise<void> | undefined;
  return {
    url: `http://${LOOPBACK}:${port}`,
    port,
    dataDir: dir.root,
    adminKeyFile: adminKeyPath(dir),
    adminKey: admin.key,
    adminCreated: admin.created,
    adminNotice: admin.notice,
    deps,
    metrics,
    dynamoClient: dynamo.client,
    table: {
      name: dynamo.tableName,
      endpoint: dynamo.endpoint,
      embedded: dynamo.embedded,
      all: lagging === undefined ? [dynamo.tableName] : [dynamo.tableName, lagging.replicaTable],
    },
    indexesCaughtUp: async () => lagging?.caughtUp(),
    stop: () => {
      stopped ??= (async () => {
        await closeServer(server);
        stopping = true;
        clearInterval(sweeper);
        await Promise.all(sources.map((source) => source.stop()));
        webhooks.sender.close();
        await sqs.stop();
        await lagging?.stop();
        await dynamo.stop();
        await markCleanStop(dir);
        await lock.release();
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
