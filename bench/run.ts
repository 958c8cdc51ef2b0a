/**
 * `npm run bench`: the hub's speed beside its floor, on this machine, in one run.
 *
 * Stages, each with a progress line on stderr:
 *   costs      DynamoDB requests per publish, screen, feed page and fan-out (counted)
 *   publish    signed 10-indicator bulletins at concurrency 8, and its floor
 *   screen     1,000-address batches (99% clean), and its floor
 *   read       feed pages of 100, and its floor
 *   fan-out    one publish to 10, 100 and 1,000 subscribers, and its floor
 *   noisy      a victim's webhook latency with and without a neighbour whose endpoints
 *              hang (issue 13), and what a rate-limit take costs each request
 *   mirror     a partner's mirror: initial sync of 10,000 bulletins, catch-up after
 *              1,000 changes, local screening of 1,000 addresses beside the hub's and
 *              beside validating them alone (also alone: npx tsx bench/mirror.ts)
 *   memory     the hub's peak RSS over all of the above
 *   log        publishing with the transparency log writer on vs off (two more hubs),
 *              commit → signed checkpoint, proof sizes
 *   cold start each Lambda bundle's size and import time (alone: bench/cold-start.ts)
 *   embedded   what dynalite and fauxqs cost on their own
 *   interop    TAXII pages of 100 objects and the MISP manifest of 1,000 events, each
 *              with its floor (the same store reads done directly), on an in-process hub
 * then the table on stdout and bench/results/latest.json.
 *
 * The hub is `local/main.ts` in a child process on a temporary on-disk data folder;
 * webhook receivers are another child process. Sizes come from the environment
 * (bench/config.ts); BENCH_QUICK=1 is a smoke run, BENCH_PROFILE=1 writes the hub's
 * CPU profile and its summary.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { readBenchConfig } from "./config.js";
import type { StageContext } from "./context.js";
import { onboard } from "./fixtures.js";
import { FloorTable, type WriteMix } from "./floors.js";
import { MemoryWatch, mainThreadProfile, startHubProcess } from "./hub-process.js";
import { describeMachine } from "./machine.js";
import { type ProfileSummary, readProfile, renderProfile, summariseProfile } from "./profile.js";
import { startReceiverProcess } from "./receiver.js";
import { type Row, renderTable, row } from "./report.js";
import { coldStartRows, coldStartStage } from "./stages/cold-start.js";
import { type CostReport, measureCosts } from "./stages/costs.js";
import { embeddedStage } from "./stages/embedded.js";
import { fanoutStage } from "./stages/fanout.js";
import { feedStage } from "./stages/feed.js";
import { interopStage } from "./stages/interop.js";
import { logStage } from "./stages/log.js";
import { mirrorRows, mirrorStageOnItsOwnHub } from "./stages/mirror.js";
import { type NoisyNeighbourResult, noisyNeighbourStage } from "./stages/noisy-neighbour.js";
import { publishStage } from "./stages/publish.js";
import { screenStage } from "./stages/screen.js";
import { median, now } from "./stats.js";
import { createSubscriberTiers } from "./subscribers.js";

const MB = 1000 * 1000;
/** Fan-out targets (DESIGN, issue 8): last delivery after publish, by subscribers. */
const FANOUT_TARGET_MS: Record<number, number> = { 100: 1000, 1000: 5000 };

const config = readBenchConfig();
const machine = describeMachine();
const began = now();
const progress = (line: string) => {
  process.stderr.write(`[${((now() - began) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
};

/** The writes one publish of `indicators` makes, background included, as counted. */
function writeMixOf(costs: CostReport, indicators: number): WriteMix {
  const measured = costs.publish.find((p) => p.indicators === indicators)?.with_background;
  if (measured === undefined) {
    throw new Error(`the costs stage has no publish of ${indicators} indicators`);
  }
  const requests = measured.requests;
  return {
    puts: Math.round(requests.PutItem ?? 0),
    updates: Math.round((requests.UpdateItem ?? 0) + (requests.DeleteItem ?? 0)),
  };
}

const resultsDir = resolve(config.resultsDir);
await mkdir(resultsDir, { recursive: true });
const work = await mkdtemp(join(tmpdir(), "cordon-bench-"));
progress(
  `machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; ${config.quick ? "quick run" : "full run"}`,
);
const receiver = await startReceiverProcess();

let results: Record<string, unknown>;
let rows: Row[];
let profile: ProfileSummary | undefined;
try {
  progress("costs: counting DynamoDB requests on an in-process hub");
  const costs = await measureCosts(receiver, { fanoutTiers: config.fanoutTiers, progress });
  const mix = writeMixOf(costs, config.indicatorsPerBulletin);

  progress(
    `hub: starting the hub as npm start does, on an on-disk data folder${config.profile ? " (with --cpu-prof)" : ""}${config.hubNodeFlags.length > 0 ? `, node ${config.hubNodeFlags.join(" ")}` : ""}`,
  );
  const profileDir = join(work, "profiles");
  const hub = await startHubProcess({
    dataDir: join(work, "hub"),
    nodeFlags: config.hubNodeFlags,
    ...(config.profile ? { cpuProfileDir: profileDir } : {}),
  });
  const floor = await FloorTable.open(join(work, "floor"));
  const idle = await hub.memory();
  const memory = new MemoryWatch(hub);
  memory.start();
  const ctx: StageContext = { config, hub, receiver, floor, progress };
  let stages: {
    publish: Awaited<ReturnType<typeof publishStage>>;
    screen: Awaited<ReturnType<typeof screenStage>>;
    feed: Awaited<ReturnType<typeof feedStage>>;
    fanout: Awaited<ReturnType<typeof fanoutStage>>;
    noisy: NoisyNeighbourResult;
    peak: { rss: number; hwm: number };
  };
  try {
    const publisher = await onboard(hub.admin, "bench-publisher", ["publish"]);
    const screener = await onboard(hub.admin, "bench-screener", ["screen"]);

    progress(
      `publish: ${config.publishCount} bulletins of ${config.indicatorsPerBulletin} indicators, concurrency ${config.publishConcurrency} (floor: 2 verifications + ${mix.puts + mix.updates} writes each)`,
    );
    const publish = await publishStage(ctx, publisher, mix);
    memory.mark("publish");

    progress(`screen: ${config.screenBatches} batches of ${config.screenBatchSize} addresses`);
    const screen = await screenStage(ctx, screener, publish.bulletins);
    memory.mark("screen");

    progress(`read: ${config.feedPages} feed pages of ${config.feedPageSize}`);
    const feed = await feedStage(ctx, screener);
    memory.mark("read");

    const most = Math.max(...config.fanoutTiers);
    progress(`fan-out: subscribing ${most} webhook receivers`);
    const subscribers = await createSubscriberTiers(
      hub.admin,
      "bench-sub",
      receiver.url,
      config.fanoutTiers,
      publisher.id,
    );
    memory.mark("subscribe");
    progress(
      `fan-out: one publish to ${subscribers.tiers.join(", ")} subscribers, ${config.fanoutRuns}× each`,
    );
    const fanout = await fanoutStage(ctx, publisher, subscribers);
    memory.mark("fan-out");
    progress("noisy neighbour: a victim's webhooks, quiet and beside 25 endpoints that hang");
    const noisy = await noisyNeighbourStage(ctx, floor);
    memory.mark("noisy neighbour");
    stages = { publish, screen, feed, fanout, noisy, peak: await hub.memory() };
  } finally {
    memory.stop();
    await floor.stop();
    await hub.stop();
  }
  progress(
    `memory: hub peak RSS ${(stages.peak.hwm / MB).toFixed(0)} MB (idle ${(idle.rss / MB).toFixed(0)} MB)`,
  );
  if (config.profile) {
    const kept = join(resultsDir, "hub.cpuprofile");
    await copyFile(await mainThreadProfile(profileDir), kept);
    profile = summariseProfile(await readProfile(kept));
    progress(`profile: ${kept}\n${renderProfile(profile)}`);
  }

  const mirror = await mirrorStageOnItsOwnHub(config, work, progress);

  progress(
    `log: ${config.logRounds} rounds of ${config.logPublishCount} publishes with the log writer on and off (two fresh hubs)`,
  );
  const log = await logStage(config, work, progress);

  progress("cold start: bundling the Lambda entries as lib/hub-function.ts does");
  const coldStart = await coldStartStage(config.coldStartRuns, progress);

  progress("embedded: dynalite and fauxqs on their own");
  const embedded = await embeddedStage(config.quick, progress);

  progress("interop: TAXII and the MISP feed on an in-process hub");
  const interop = await interopStage({
    bulletins: config.interopBulletins,
    indicators: config.quick ? 2 : config.indicatorsPerBulletin,
    taxiiPages: config.taxiiPages,
    mispRequests: config.mispRequests,
    progress,
  });

  const { publish, screen, feed, fanout, noisy, peak } = stages;
  const cleanScreen = costs.screen.find((s) => s.inputs === 1000 && s.hits === 0);
  const hitScreen = costs.screen.find((s) => s.inputs === 1000 && s.hits > 0);
  rows = [
    row({
      stage: "publish",
      metric: "bulletins/s (10 indicators, concurrency 8)",
      unit: "/s",
      value: publish.hub.per_second,
      floor: publish.floor.per_second,
      target: "≥ 0.40× floor",
      holds: (_, ratio) => (ratio ?? 0) >= 0.4,
    }),
    row({
      stage: "publish",
      metric: "latency p50",
      unit: "ms",
      value: publish.hub.latency_ms.p50,
      floor: publish.floor.latency_ms.p50,
    }),
    row({
      stage: "publish",
      metric: "latency p99",
      unit: "ms",
      value: publish.hub.latency_ms.p99,
      floor: publish.floor.latency_ms.p99,
    }),
    row({
      stage: "screen",
      metric: "1,000 addresses p50",
      unit: "ms",
      value: screen.hub.latency_ms.p50,
      floor: screen.floor.latency_ms.p50,
      target: "≤ 1.5× floor",
      holds: (_, ratio) => (ratio ?? Number.POSITIVE_INFINITY) <= 1.5,
    }),
    row({
      stage: "screen",
      metric: "1,000 addresses p99",
      unit: "ms",
      value: screen.hub.latency_ms.p99,
      floor: screen.floor.latency_ms.p99,
    }),
    row({
      stage: "screen",
      metric: "DynamoDB requests, clean batch",
      unit: "",
      value: cleanScreen?.cost.total ?? Number.NaN,
      floor: screen.floor.batch_get_calls,
      // Twelve, and the rate limit's one conditional write (DESIGN §15).
      target: "≤ 13",
      holds: (value) => value <= 13,
    }),
    row({
      stage: "screen",
      metric: "DynamoDB requests, 99% clean batch",
      unit: "",
      value: hitScreen?.cost.total ?? Number.NaN,
      floor: screen.floor.batch_get_calls,
    }),
    row({
      stage: "read",
      metric: "feed page of 100 p50",
      unit: "ms",
      value: feed.hub.latency_ms.p50,
      floor: feed.floor.latency_ms.p50,
    }),
    row({
      stage: "read",
      metric: "feed page of 100 p99",
      unit: "ms",
      value: feed.hub.latency_ms.p99,
      floor: feed.floor.latency_ms.p99,
      target: "≤ 50 ms",
      holds: (value) => value <= 50,
    }),
    ...fanout.flatMap((tier) => {
      const target = FANOUT_TARGET_MS[tier.subscribers];
      return [
        row({
          stage: "fan-out",
          metric: `${tier.subscribers} subscribers: last delivery after publish`,
          unit: "ms",
          value: tier.hub.last_ms,
          floor: tier.floor.last_ms,
          ...(target === undefined
            ? {}
            : { target: `≤ ${target} ms`, holds: (value: number) => value <= target }),
        }),
        row({
          stage: "fan-out",
          metric: `${tier.subscribers} subscribers: delivery p50`,
          unit: "ms",
          value: tier.hub.delivery_ms.p50,
          floor: tier.floor.delivery_ms.p50,
        }),
        row({
          stage: "fan-out",
          metric: `${tier.subscribers} subscribers: delivery p99`,
          unit: "ms",
          value: tier.hub.delivery_ms.p99,
          floor: tier.floor.delivery_ms.p99,
        }),
        row({
          stage: "fan-out",
          metric: `${tier.subscribers} subscribers: deliveries/s`,
          unit: "/s",
          value: tier.hub.per_second,
          floor: tier.floor.per_second,
        }),
      ];
    }),
    ...mirrorRows(mirror),
    row({
      stage: "noisy neighbour",
      metric: `victim webhook p50, 25 hanging endpoints beside (floor: quiet, ${noisy.publishes} each)`,
      unit: "ms",
      value: noisy.noisy.p50,
      floor: noisy.quiet.p50,
    }),
    row({
      stage: "noisy neighbour",
      metric: "victim webhook p99, 25 hanging endpoints beside (floor: quiet)",
      unit: "ms",
      value: noisy.noisy.p99,
      floor: noisy.quiet.p99,
      target: "≤ 2× quiet",
      holds: (_, ratio) => (ratio ?? Number.POSITIVE_INFINITY) <= 2,
    }),
    row({
      stage: "rate limit",
      metric: "one bucket take p50 (floor: the replay guard's put)",
      unit: "ms",
      value: noisy.rate_limit.take_ms.p50,
      floor: noisy.rate_limit.claim_ms.p50,
    }),
    row({
      stage: "rate limit",
      metric: "one bucket take p99 (floor: the replay guard's put)",
      unit: "ms",
      value: noisy.rate_limit.take_ms.p99,
      floor: noisy.rate_limit.claim_ms.p99,
    }),
    row({
      stage: "log",
      metric: "publish bulletins/s, log writer on (floor: off)",
      unit: "/s",
      value: median(log.throughput.on_per_second),
      floor: median(log.throughput.off_per_second),
      target: "≥ 0.90× floor",
      holds: (_, ratio) => (ratio ?? 0) >= 0.9,
    }),
    row({
      stage: "log",
      metric: "commit → signed checkpoint p50",
      unit: "ms",
      value: log.inclusion_ms.p50,
    }),
    row({
      stage: "log",
      metric: "commit → signed checkpoint p99",
      unit: "ms",
      value: log.inclusion_ms.p99,
      target: "≤ 2000 ms",
      holds: (value) => value <= 2000,
    }),
    row({
      stage: "log",
      metric: `inclusion proof at ${log.proofs.size} changes: hashes (max)`,
      unit: "",
      value: log.proofs.inclusion_hashes.max,
    }),
    row({
      stage: "log",
      metric: "GET /v1/bulletins/{id}/proof answer p50",
      unit: "B",
      value: log.proofs.proof_answer_bytes.p50,
    }),
    row({
      stage: "log",
      metric: "tiles read to prove one receipt from tiles",
      unit: "",
      value: log.proofs.tiles_read_for_one_receipt.tiles,
    }),
    row({
      stage: "log",
      metric: "… their size",
      unit: "KB",
      value: log.proofs.tiles_read_for_one_receipt.bytes / 1000,
    }),
    row({
      stage: "log",
      metric: "consistency proof between checkpoints: hashes (max)",
      unit: "",
      value: log.proofs.consistency_hashes.max,
    }),
    ...log.proofs.computed.flatMap((computed) => [
      row({
        stage: "log",
        metric: `computed at ${computed.size.toLocaleString("en")} changes: inclusion hashes (max)`,
        unit: "",
        value: computed.inclusion_max,
      }),
      row({
        stage: "log",
        metric: `computed at ${computed.size.toLocaleString("en")} changes: consistency hashes (max)`,
        unit: "",
        value: computed.consistency_max,
      }),
    ]),
    ...coldStartRows(coldStart),
    row({
      stage: "memory",
      metric: "hub peak RSS (VmHWM; floor: idle hub)",
      unit: "MB",
      value: peak.hwm / MB,
      floor: idle.rss / MB,
      target: "≤ 300 MB",
      holds: (value) => value <= 300,
    }),
    ...embedded.dynalite.flatMap((d) => [
      row({
        stage: "embedded",
        metric: `dynalite (${d.store}) PutItem/s, concurrency 8`,
        unit: "/s",
        value: d.put_per_second,
      }),
      row({
        stage: "embedded",
        metric: `dynalite (${d.store}) UpdateItem/s, concurrency 8`,
        unit: "/s",
        value: d.update_per_second,
      }),
      row({
        stage: "embedded",
        metric: `dynalite (${d.store}) BatchGetItem of 100 p50`,
        unit: "ms",
        value: d.batch_get_100_ms.p50,
      }),
    ]),
    row({
      stage: "embedded",
      metric: "fauxqs send → receive p50",
      unit: "ms",
      value: embedded.fauxqs.round_trip_ms.p50,
    }),
    row({
      stage: "interop",
      metric: `TAXII objects page (limit 100, ${interop.taxii.objects_per_page.p50} objects) p50`,
      unit: "ms",
      value: interop.taxii.hub.latency_ms.p50,
      floor: interop.taxii.floor.latency_ms.p50,
    }),
    row({
      stage: "interop",
      metric: "TAXII objects page p99",
      unit: "ms",
      value: interop.taxii.hub.latency_ms.p99,
      floor: interop.taxii.floor.latency_ms.p99,
      target: "≤ 2× floor",
      holds: (_, ratio) => (ratio ?? Number.POSITIVE_INFINITY) <= 2,
    }),
    row({
      stage: "interop",
      metric: `MISP manifest of ${interop.misp.events} events p50`,
      unit: "ms",
      value: interop.misp.hub.latency_ms.p50,
      floor: interop.misp.floor.latency_ms.p50,
    }),
    row({
      stage: "interop",
      metric: "MISP manifest p99",
      unit: "ms",
      value: interop.misp.hub.latency_ms.p99,
      floor: interop.misp.floor.latency_ms.p99,
    }),
  ];
  results = {
    machine,
    config,
    duration_s: (now() - began) / 1000,
    costs,
    publish: { ...publish, bulletins: publish.bulletins.length },
    screen,
    read: feed,
    fanout,
    noisy_neighbour: noisy,
    mirror,
    memory: {
      peak_rss_bytes: peak.hwm,
      idle_rss_bytes: idle.rss,
      last_rss_bytes: peak.rss,
      peak_rss_by_stage_bytes: memory.peaks,
    },
    log,
    cold_start: coldStart,
    embedded,
    interop,
    ...(profile === undefined ? {} : { hub_profile: profile }),
  };
} finally {
  await receiver.stop();
  await rm(work, { recursive: true, force: true });
}

if (config.profile) {
  progress(
    "BENCH_PROFILE=1: the hub ran under --cpu-prof and its floors did not, so its ratios read worse than they are",
  );
}
const output = join(resultsDir, "latest.json");
await writeFile(output, `${JSON.stringify({ ...results, rows }, null, 2)}\n`);
process.stdout.write(
  `\nCordon benchmark — ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, ${new Date().toISOString()}\n\n${renderTable(rows)}\n\n`,
);
const misses = rows.filter((r) => r.verdict === "MISS").length;
progress(`wrote ${output}; ${misses === 0 ? "every target holds" : `${misses} target(s) missed`}`);
