/**
 * `cordon`: the partner command line. Run it as `npx cordon …` (the package's bin) or
 * `npx tsx cli/main.ts …`; every command has --help, and exit codes are documented
 * in `cordon --help`.
 */
import { processIo } from "./io.js";
import { runCli } from "./program.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
// `cordon screen deposits.csv | head` is a normal thing to do: a reader that stops early is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}
process.exitCode = await runCli(process.argv.slice(2), processIo());
