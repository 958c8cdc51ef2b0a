/**
 * `npm start`: runs the hub on http://127.0.0.1:$PORT (default 8080) with its data
 * under $CORDON_DATA_DIR (default ./.cordon), until SIGINT or SIGTERM. The table is
 * in the embedded DynamoDB unless $CORDON_DYNAMODB_ENDPOINT names another server
 * ($CORDON_TABLE_NAME, default "cordon").
 */
import { join, resolve } from "node:path";
import { parseRateLimits } from "../shared/ratelimits/config.js";
import { consoleLogger, parseLogLevel } from "./console-logger.js";
import { type DynamoSettings, dynamoSettingsFromEnv, LocalDynamoError } from "./dynamo.js";
import { LocalHubError } from "./errors.js";
import { DEFAULT_AUDIENCE, type LocalHub, startLocalHub } from "./hub.js";

const port = Number(process.env.PORT ?? "8080");
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, not ${process.env.PORT}`);
  process.exit(2);
}
const dataDir = resolve(process.env.CORDON_DATA_DIR ?? ".cordon");
const audience = process.env.CORDON_AUDIENCE ?? DEFAULT_AUDIENCE;
let dynamo: DynamoSettings;
let rateLimits: ReturnType<typeof parseRateLimits>;
try {
  dynamo = dynamoSettingsFromEnv();
  rateLimits = parseRateLimits(process.env.CORDON_RATE_LIMITS);
} catch (error) {
  if (error instanceof LocalDynamoError) console.error(error.message);
  else console.error(`CORDON_RATE_LIMITS: ${(error as Error).message}`);
  process.exit(2);
}
/** `off` runs the hub without signing log checkpoints: only to measure what the log costs. */
const logWriter = process.env.CORDON_LOG_WRITER !== "off";
// Bundled into .cordon-build/ by `npm start`, beside the console's build.
const consoleDir = resolve(
  process.env.CORDON_CONSOLE_DIR ?? join(import.meta.dirname, "..", "console", "dist"),
);

let hub: LocalHub;
try {
  hub = await startLocalHub({
    dataDir,
    port,
    audience,
    dynamo,
    rateLimits,
    logWriter,
    consoleDir,
    logger: consoleLogger(parseLogLevel(process.env.CORDON_LOG_LEVEL, "info")),
  });
} catch (error) {
  // Another hub on this folder or port, or a table that cannot be opened: a sentence
  // saying what to do, not a stack trace.
  if (error instanceof LocalHubError) {
    console.error(`The hub did not start: ${error.message}`);
    process.exit(2);
  }
  if (error instanceof LocalDynamoError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

if (hub.adminCreated) {
  console.log(
    `Created the administrator organisation "hub-admin"; its private key is in ${hub.adminKeyFile}`,
  );
}
if (hub.adminNotice?.level === "warning") console.warn(`Warning: ${hub.adminNotice.text}`);
else if (hub.adminNotice !== undefined) console.log(hub.adminNotice.text);
console.log(`Data folder: ${hub.dataDir}   audience: ${audience}`);
if (!hub.table.embedded) console.log(`DynamoDB: table ${hub.table.name} at ${hub.table.endpoint}`);
if (dynamo.gsiLagMs !== undefined)
  console.log(`Test double: index queries answer from a state ${dynamo.gsiLagMs} ms old`);
console.log("This local hub accepts http:// and loopback webhook URLs; a deployed hub does not.");
if (!logWriter)
  console.warn("Warning: CORDON_LOG_WRITER=off: no transparency log checkpoint is signed.");
console.log(`Cordon hub listening on ${hub.url}`);
console.log(`Analyst console: ${hub.url}/console/`);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping the hub…`);
    hub.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error("the hub did not stop cleanly:", error);
        process.exit(1);
      },
    );
  });
}
