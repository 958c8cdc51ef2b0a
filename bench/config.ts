/**
 * Benchmark sizes, read once from the environment. `BENCH_QUICK=1` shrinks every
 * stage for a smoke run of a minute or so; each size can also be set on its own.
 */
import { readFileSync } from "node:fs";
import type { RateLimits } from "../shared/ratelimits/types.js";

export interface BenchConfig {
  quick: boolean;
  /** Bulletins published in the publish stage (10 indicators each). */
  publishCount: number;
  publishConcurrency: number;
  indicatorsPerBulletin: number;
  /** Screening calls of 1,000 inputs each. */
  screenBatches: number;
  screenBatchSize: number;
  /** Inputs per batch that name a published indicator (1% of 1,000 = 10). */
  screenHitsPerBatch: number;
  /** Feed pages read (each of `feedPageSize` items, walking the feed again from the start). */
  feedPages: number;
  feedPageSize: number;
  /** Subscriber counts for the fan-out stage, and publishes per count. */
  fanoutTiers: number[];
  fanoutRuns: number;
  /** Bulletins behind the interop stage's TAXII collection and MISP manifest. */
  interopBulletins: number;
  /** TAXII pages of 100 objects read, each with its floor. */
  taxiiPages: number;
  /** MISP manifests read, each with its floor. */
  mispRequests: number;
  /** Bulletins the mirror's initial sync reads, changes its catch-up reads, local screening batches. */
  mirrorBulletins: number;
  mirrorChanges: number;
  mirrorScreenBatches: number;
  /** Fresh-process imports per Lambda bundle. */
  coldStartRuns: number;
  /** Log stage: interleaved rounds of publishes with the log writer on and off. */
  logRounds: number;
  /** Publishes per round and hub (10 indicators, concurrency as the publish stage's). */
  logPublishCount: number;
  /** Changes whose commit-to-checkpoint time is measured. */
  logLatencyChanges: number;
  /** Run the hub with --cpu-prof and write its profile next to the results. */
  profile: boolean;
  /** Extra `node` flags for the hub (BENCH_HUB_NODE_FLAGS, space-separated), e.g. a heap limit. */
  hubNodeFlags: string[];
  /** Where latest.json (and profiles) go. */
  resultsDir: string;
}

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new Error(`${name} must be a non-negative integer, not ${JSON.stringify(raw)}`);
  }
  return value;
}

function intList(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const values = raw.split(",").map((part) => Number(part.trim()));
  if (values.some((value) => !Number.isSafeInteger(value) || value <= 0 || value > 1000)) {
    throw new Error(
      `${name} must be a comma-separated list of 1..1000, not ${JSON.stringify(raw)}`,
    );
  }
  return values;
}

function flag(name: string): boolean {
  const raw = process.env[name];
  return raw !== undefined && raw !== "" && raw !== "0" && raw.toLowerCase() !== "false";
}

/**
 * What `npm start` runs (package.json's start script: build the bundle, then `node
 * FLAGS ENTRY`), so the bench measures the hub as users run it.
 */
export function startScriptCommand(): { nodeFlags: string[]; entry: string } {
  const { scripts } = JSON.parse(readFileSync("package.json", "utf8")) as {
    scripts: Record<string, string>;
  };
  const words = (scripts.start ?? "").split("&&").at(-1)?.trim().split(/\s+/) ?? [];
  const args = words.slice(words.indexOf("node") + 1);
  const entry = args.find((word) => !word.startsWith("--"));
  if (!words.includes("node") || entry === undefined)
    throw new Error(`cannot read the node command of the start script: ${scripts.start}`);
  return { nodeFlags: args.filter((word) => word.startsWith("--")), entry };
}

export function readBenchConfig(): BenchConfig {
  const quick = flag("BENCH_QUICK");
  return {
    quick,
    publishCount: positiveInt("BENCH_PUBLISH_COUNT", quick ? 100 : 400),
    publishConcurrency: positiveInt("BENCH_PUBLISH_CONCURRENCY", 8),
    indicatorsPerBulletin: positiveInt("BENCH_INDICATORS", 10),
    screenBatches: positiveInt("BENCH_SCREEN_BATCHES", quick ? 6 : 30),
    screenBatchSize: 1000,
    screenHitsPerBatch: 10,
    feedPages: positiveInt("BENCH_FEED_PAGES", quick ? 10 : 60),
    feedPageSize: 100,
    fanoutTiers: intList("BENCH_FANOUT_TIERS", quick ? [10, 100] : [10, 100, 1000]),
    fanoutRuns: positiveInt("BENCH_FANOUT_RUNS", quick ? 1 : 3),
    mirrorBulletins: positiveInt("BENCH_MIRROR_BULLETINS", quick ? 500 : 10_000),
    mirrorChanges: positiveInt("BENCH_MIRROR_CHANGES", quick ? 100 : 1000),
    mirrorScreenBatches: positiveInt("BENCH_MIRROR_SCREEN_BATCHES", quick ? 6 : 30),
    coldStartRuns: positiveInt("BENCH_COLD_START_RUNS", quick ? 3 : 5),
    logRounds: positiveInt("BENCH_LOG_ROUNDS", quick ? 2 : 4),
    logPublishCount: positiveInt("BENCH_LOG_PUBLISH_COUNT", quick ? 40 : 120),
    logLatencyChanges: positiveInt("BENCH_LOG_LATENCY_CHANGES", quick ? 30 : 120),
    interopBulletins: positiveInt("BENCH_INTEROP_BULLETINS", 1000),
    taxiiPages: positiveInt("BENCH_TAXII_PAGES", quick ? 30 : 200),
    mispRequests: positiveInt("BENCH_MISP_REQUESTS", quick ? 3 : 10),
    profile: flag("BENCH_PROFILE"),
    hubNodeFlags:
      process.env.BENCH_HUB_NODE_FLAGS === undefined
        ? startScriptCommand().nodeFlags
        : process.env.BENCH_HUB_NODE_FLAGS.split(/\s+/).filter((f) => f !== ""),
    resultsDir: process.env.BENCH_RESULTS_DIR ?? "bench/results",
  };
}

/**
 * The stages measure speed, not limits: every class far above what they send (the rate
 * limit's own cost is the noisy-neighbour stage's row). For in-process hubs and, as
 * `CORDON_RATE_LIMITS`, for hub processes.
 */
export const BENCH_RATE_LIMITS: Readonly<RateLimits> = {
  publish: 10_000,
  screen: 10_000,
  read: 10_000,
  "feed-token": 10_000,
};
