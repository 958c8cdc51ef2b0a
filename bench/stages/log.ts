/**
 * The transparency log (DESIGN §14, issue 15): what it costs publishing, how soon a
 * change is in a signed checkpoint, and how large its proofs are.
 *
 * - Throughput: two fresh hubs as `npm start` runs them, one with the log writer off
 *   (`CORDON_LOG_WRITER=off`: changes logged, no tiles, no checkpoints), in interleaved
 *   rounds of the publish stage's workload (order flipped each round, so drift on a
 *   shared machine falls on both); the figure is the ratio of the medians.
 * - Commit → checkpoint: a steady stream of publishes at concurrency 2 while the
 *   checkpoint is polled every 25 ms; for each change, from its `at` (the hub's commit
 *   time, same machine clock) to the first poll whose tree holds it. Resolution: the
 *   poll interval plus one request.
 * - Proofs: inclusion proofs as `GET /v1/bulletins/{id}/proof` answers them, what
 *   proving one receipt from tiles reads, consistency proofs between the checkpoints
 *   polled, and the same computed for 10,000 and 1,000,000 changes.
 */
import { join } from "node:path";
import {
  proveCheckpointExtends,
  proveReceiptIncluded,
  type TileSource,
  TransparencyLog,
  type VerifiedCheckpoint,
} from "../../cli/sdk/log.js";
import { consistencyProofRanges } from "../../shared/log/consistency.js";
import { inclusionPathRanges } from "../../shared/log/inclusion.js";
import type { TileAddress } from "../../shared/log/types.js";
import type { BenchConfig } from "../config.js";
import { type BenchOrg, onboard, signedBulletin } from "../fixtures.js";
import { type HubProcess, startHubProcess } from "../hub-process.js";
import { median, type Summary, sleep, summarise, timedPool, wallClock } from "../stats.js";

export interface LogStageResult {
  throughput: {
    rounds: number;
    per_round: number;
    concurrency: number;
    indicators: number;
    on_per_second: number[];
    off_per_second: number[];
    ratio: number;
  };
  /** Commit → first poll showing the change in a signed checkpoint. */
  inclusion_ms: Summary;
  poll_interval_ms: number;
  proofs: {
    size: number;
    inclusion_hashes: Summary;
    proof_answer_bytes: Summary;
    tiles_read_for_one_receipt: { tiles: number; bytes: number };
    consistency_hashes: Summary;
    computed: { size: number; inclusion_max: number; consistency_max: number }[];
  };
}

interface Change {
  seq: number;
  at: string;
  receipt: string;
}

const POLL_MS = 25;

export async function logStage(
  config: BenchConfig,
  work: string,
  progress: (line: string) => void,
): Promise<LogStageResult> {
  const start = (name: string, env: Record<string, string> = {}) =>
    startHubProcess({ dataDir: join(work, name), nodeFlags: config.hubNodeFlags, env });
  const on = await start("log-on");
  let off: HubProcess | undefined;
  try {
    off = await start("log-off", { CORDON_LOG_WRITER: "off" });
    const writers = {
      on: await onboard(on.admin, "bench-log-publisher", ["publish"]),
      off: await onboard(off.admin, "bench-log-publisher", ["publish"]),
    };
    const throughput = await measureThroughput(config, writers, progress);
    await off.stop();
    off = undefined;
    progress(`log: commit → checkpoint over ${config.logLatencyChanges} changes`);
    const { latencies, changes, checkpoints, reader } = await measureInclusion(config, on);
    progress("log: proof sizes");
    const proofs = await measureProofs(reader, writers.on, changes, checkpoints);
    return {
      throughput,
      inclusion_ms: summarise(latencies),
      poll_interval_ms: POLL_MS,
      proofs,
    };
  } finally {
    await off?.stop();
    await on.stop();
  }
}

async function measureThroughput(
  config: BenchConfig,
  writers: { on: BenchOrg; off: BenchOrg },
  progress: (line: string) => void,
): Promise<LogStageResult["throughput"]> {
  const count = config.logPublishCount;
  const concurrency = config.publishConcurrency;
  const indicators = config.indicatorsPerBulletin;
  const rate = { on: [] as number[], off: [] as number[] };
  const run = async (which: "on" | "off") => {
    const writer = writers[which];
    const bulletins = await Promise.all(
      Array.from({ length: count }, () => signedBulletin(writer, indicators)),
    );
    const { elapsedMs } = await timedPool(count, concurrency, async (i) => {
      const answer = await writer.client.raw("POST", "/v1/bulletins", {
        body: { jws: bulletins[i]?.jws },
      });
      if (answer.status !== 201) throw new Error(`publish: ${answer.status} ${answer.text}`);
    });
    rate[which].push(count / (elapsedMs / 1000));
  };
  // A warm-up of each, then the rounds, the order flipped each round.
  await Promise.all([warmUp(writers.on, indicators), warmUp(writers.off, indicators)]);
  for (let round = 0; round < config.logRounds; round += 1) {
    const order: ("on" | "off")[] = round % 2 === 0 ? ["on", "off"] : ["off", "on"];
    for (const which of order) await run(which);
    progress(
      `log: round ${round + 1}/${config.logRounds}: on ${(rate.on.at(-1) ?? 0).toFixed(1)}/s, off ${(rate.off.at(-1) ?? 0).toFixed(1)}/s`,
    );
  }
  return {
    rounds: config.logRounds,
    per_round: count,
    concurrency,
    indicators,
    on_per_second: rate.on,
    off_per_second: rate.off,
    ratio: median(rate.on) / median(rate.off),
  };
}

async function warmUp(writer: BenchOrg, indicators: number): Promise<void> {
  for (let i = 0; i < 8; i += 1) {
    const bulletin = await signedBulletin(writer, indicators);
    await writer.client.raw("POST", "/v1/bulletins", { body: { jws: bulletin.jws } });
  }
}

async function measureInclusion(config: BenchConfig, hub: HubProcess) {
  const publisher = await onboard(hub.admin, "bench-log-latency", ["publish"]);
  const reader = new TransparencyLog({ url: hub.url, fetch: publisher.client.signingFetch() });
  const key = await reader.fetchVerifierKey();
  const seen: { at: number; size: number }[] = [];
  const checkpoints: VerifiedCheckpoint[] = [];
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const checkpoint = await reader.latestCheckpoint(key);
      seen.push({ at: wallClock(), size: checkpoint.size });
      if (checkpoints.at(-1)?.size !== checkpoint.size) checkpoints.push(checkpoint);
      await sleep(POLL_MS);
    }
  })();
  const changes: Change[] = [];
  try {
    await timedPool(config.logLatencyChanges, 2, async () => {
      const bulletin = await signedBulletin(publisher, 1);
      const answer = await publisher.client.raw("POST", "/v1/bulletins", {
        body: { jws: bulletin.jws },
      });
      const change = (answer.body as { change?: Change }).change;
      if (answer.status !== 201 || change === undefined) {
        throw new Error(`publish: ${answer.status} ${answer.text}`);
      }
      changes.push(change);
    });
    const last = Math.max(...changes.map((change) => change.seq));
    while (!seen.some((poll) => poll.size > last)) await sleep(POLL_MS);
  } finally {
    polling = false;
    await poller;
  }
  const latencies = changes.map((change) => {
    const first = seen.find((poll) => poll.size > change.seq) as { at: number };
    return first.at - Date.parse(change.at);
  });
  return { latencies, changes, checkpoints, reader };
}

async function measureProofs(
  reader: TransparencyLog,
  publisher: BenchOrg,
  changes: Change[],
  checkpoints: VerifiedCheckpoint[],
): Promise<LogStageResult["proofs"]> {
  // Proof answers of the throughput hub's bulletins, read back through the API.
  const final = checkpoints.at(-1) as VerifiedCheckpoint;
  const feed = await publisher.client.raw("GET", "/v1/bulletins?limit=50");
  const ids = (feed.body as { items: { id: string }[] }).items.map((item) => item.id);
  const answerBytes: number[] = [];
  const inclusion: number[] = [];
  for (const id of ids) {
    const answer = await publisher.client.raw("GET", `/v1/bulletins/${id}/proof`);
    answerBytes.push(Buffer.byteLength(answer.text));
    for (const change of (answer.body as { changes: { inclusion: string[] | null }[] }).changes) {
      if (change.inclusion !== null) inclusion.push(change.inclusion.length);
    }
  }
  // What proving one receipt from tiles alone reads.
  const counted = countingTiles(reader);
  const one = changes[Math.floor(changes.length / 2)] as Change;
  await proveReceiptIncluded(counted.source, final, one.receipt, { index: one.seq });
  // Consistency between the checkpoints polled along the way.
  const consistency: number[] = [];
  for (const [i, newer] of checkpoints.entries()) {
    if (i === 0 || newer.size === 0) continue;
    const older = checkpoints[Math.max(0, i - 5)] as VerifiedCheckpoint;
    if (older.size === 0) continue;
    consistency.push((await proveCheckpointExtends(reader, older, newer)).proof.length);
  }
  return {
    size: final.size,
    inclusion_hashes: summarise(inclusion),
    proof_answer_bytes: summarise(answerBytes),
    tiles_read_for_one_receipt: counted.read,
    consistency_hashes: summarise(consistency),
    computed: [10_000, 1_000_000].map(computedProofs),
  };
}

function countingTiles(source: TileSource) {
  const read = { tiles: 0, bytes: 0 };
  const counting: TileSource = {
    fetchTile: async (tile: TileAddress) => {
      const bytes = await source.fetchTile(tile);
      read.tiles += 1;
      read.bytes += bytes?.length ?? 0;
      return bytes;
    },
  };
  return { source: counting, read };
}

/** The longest inclusion and consistency proofs of a tree of `size`, over a spread of leaves. */
function computedProofs(size: number) {
  let inclusion = 0;
  let consistency = 0;
  for (let i = 0; i < 200; i += 1) {
    const index = Math.floor((size - 1) * (i / 199));
    inclusion = Math.max(inclusion, inclusionPathRanges(index, size).length);
    if (index > 0) consistency = Math.max(consistency, consistencyProofRanges(index, size).length);
  }
  return { size, inclusion_max: inclusion, consistency_max: consistency };
}
