/**
 * `npx tsx bench/mirror.ts`: the mirror stage alone (bench/stages/mirror.ts), against
 * its own hub process, for a machine too busy for the whole `npm run bench`. Prints its
 * rows and writes bench/results/mirror.json. Sizes: BENCH_MIRROR_BULLETINS,
 * BENCH_MIRROR_CHANGES, BENCH_MIRROR_SCREEN_BATCHES, or BENCH_QUICK=1.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { readBenchConfig } from "./config.js";
import { describeMachine } from "./machine.js";
import { renderTable } from "./report.js";
import { mirrorRows, mirrorStageOnItsOwnHub } from "./stages/mirror.js";
import { now } from "./stats.js";

const config = readBenchConfig();
const machine = describeMachine();
const began = now();
const progress = (line: string) => {
  process.stderr.write(`[${((now() - began) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
};

const work = await mkdtemp(join(tmpdir(), "cordon-bench-mirror-"));
try {
  const result = await mirrorStageOnItsOwnHub(config, work, progress);
  const rows = mirrorRows(result);
  const resultsDir = resolve(config.resultsDir);
  await mkdir(resultsDir, { recursive: true });
  const output = join(resultsDir, "mirror.json");
  await writeFile(
    output,
    `${JSON.stringify({ machine, config, mirror: result, rows }, null, 2)}\n`,
  );
  process.stdout.write(
    `\nCordon mirror benchmark — ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, ${new Date().toISOString()}\n\n${renderTable(rows)}\n\n`,
  );
  progress(`wrote ${output}`);
} finally {
  await rm(work, { recursive: true, force: true });
}
