/**
 * `npm start`: runs the hub on http://127.0.0.1:$PORT (default 8080) with its data
 * under $CORDON_DATA_DIR (default ./.cordon), until SIGINT or SIGTERM.
 */
import { resolve } from "node:path";
import { parseRateLimits } from "../shared/ratelimits/config.js";
import { consoleLogger, parseLogLevel } from "./console-logger.js";
import { DEFAULT_AUDIENCE, startLocalHub } from "./hub.js";

const port = Number(process.env.PORT ?? "8080");
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, not ${process.env.PORT}`);
  process.exit(2);
}
const dataDir = resolve(process.env.CORDON_DATA_DIR ?? ".cordon");
const audience = process.env.CORDON_AUDIENCE ?? DEFAULT_AUDIENCE;
let rateLimits: ReturnType<typeof parseRateLimits>;
try {
  rateLimits = parseRateLimits(process.env.CORDON_RATE_LIMITS);
} catch (error) {
  console.error(`CORDON_RATE_LIMITS: ${(error as Error).message}`);
  process.exit(2);
}

const hub = await startLocalHub({
  dataDir,
  port,
  audience,
  rateLimits,
  logger: consoleLogger(parseLogLevel(process.env.CORDON_LOG_LEVEL, "info")),
});

if (hub.adminCreated) {
  console.log(
    `Created the administrator organisation "hub-admin"; its private key is in ${hub.adminKeyFile}`,
  );
}
console.log(`Data folder: ${hub.dataDir}   audience: ${audience}`);
console.log("This local hub accepts http:// and loopback webhook URLs; a deployed hub does not.");
console.log(`Cordon hub listening on ${hub.url}`);

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
