/**
 * `npm start`: runs the hub on http://127.0.0.1:$PORT (default 8080) with its data
 * under $CORDON_DATA_DIR (default ./.cordon), until SIGINT or SIGTERM.
 */
import { join, resolve } from "node:path";
import { consoleLogger, parseLogLevel } from "./console-logger.js";
import { LocalHubError } from "./errors.js";
import { DEFAULT_AUDIENCE, type LocalHub, startLocalHub } from "./hub.js";

const port = Number(process.env.PORT ?? "8080");
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, not ${process.env.PORT}`);
  process.exit(2);
}
const dataDir = resolve(process.env.CORDON_DATA_DIR ?? ".cordon");
const audience = process.env.CORDON_AUDIENCE ?? DEFAULT_AUDIENCE;
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
    consoleDir,
    logger: consoleLogger(parseLogLevel(process.env.CORDON_LOG_LEVEL, "info")),
  });
} catch (error) {
  // Another hub on this folder or port: a sentence saying what to do, not a stack trace.
  if (!(error instanceof LocalHubError)) throw error;
  console.error(`The hub did not start: ${error.message}`);
  process.exit(2);
}

if (hub.adminCreated) {
  console.log(
    `Created the administrator organisation "hub-admin"; its private key is in ${hub.adminKeyFile}`,
  );
}
if (hub.adminNotice?.level === "warning") console.warn(`Warning: ${hub.adminNotice.text}`);
else if (hub.adminNotice !== undefined) console.log(hub.adminNotice.text);
console.log(`Data folder: ${hub.dataDir}   audience: ${audience}`);
console.log("This local hub accepts http:// and loopback webhook URLs; a deployed hub does not.");
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
