/**
 * `npx tsx bench/cold-start.ts`: the cold-start stage of `npm run bench` on its own
 * (bench/stages/cold-start.ts), for a change to the bundling that needs no hub: the
 * table on stdout and bench/results/cold-start.json. BENCH_COLD_START_RUNS sets the
 * imports per bundle (default 5).
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { readBenchConfig } from "./config.js";
import { describeMachine } from "./machine.js";
import { renderTable } from "./report.js";
import { coldStartRows, coldStartStage } from "./stages/cold-start.js";

const config = readBenchConfig();
const machine = describeMachine();
const progress = (line: string) => process.stderr.write(`${line}\n`);

const coldStart = await coldStartStage(config.coldStartRuns, progress);
const rows = coldStartRows(coldStart);
const resultsDir = resolve(config.resultsDir);
await mkdir(resultsDir, { recursive: true });
const output = join(resultsDir, "cold-start.json");
await writeFile(output, `${JSON.stringify({ machine, cold_start: coldStart, rows }, null, 2)}\n`);
process.stdout.write(
  `\nCordon cold start — ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, ${new Date().toISOString()}\n\n${renderTable(rows)}\n\n`,
);
const misses = rows.filter((r) => r.verdict === "MISS").length;
progress(`wrote ${output}; ${misses === 0 ? "every target holds" : `${misses} target(s) missed`}`);
