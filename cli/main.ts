/**
 * `cordon`: the partner command line. Run it as `npx cordon …` (the package's bin) or
 * `npx tsx cli/main.ts …`; every command has --help, and exit codes are documented
 * in `cordon --help`.
 */
import { processIo } from "./io.js";
import { runCli } from "./program.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
process.exitCode = await runCli(process.argv.slice(2), processIo());
