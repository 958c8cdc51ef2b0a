/**
 * The partner's mirror (DESIGN §17), against the hub process:
 *   - initial sync of `mirrorBulletins` bulletins (5% TLP:RED, read by direct GET),
 *     its time beside the floor of reading the same pages and red bulletins without
 *     verifying or storing anything, and the mirror's size on disk;
 *   - catch-up after `mirrorChanges` changes (70% publications, 30% revocations),
 *     beside the same floor;
 *   - local screening of 1,000 addresses (1% hits): each batch screened by the mirror
 *     and, right after, validated and normalised alone (the floor no screening can
 *     beat), so both meet the same moment of a noisy host; then the same batches sent
 *     to the hub's `POST /v1/screen` (the answers must be the mirror's).
 */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { CordonClient } from "../../cli/sdk/client.js";
import { type Mirror, openMirror } from "../../cli/sdk/mirror/index.js";
import { checkIndicator } from "../../shared/indicators/indicator.js";
import type { BenchConfig } from "../config.js";
import type { StageContext } from "../context.js";
import {
  type BenchBulletin,
  type BenchOrg,
  onboard,
  publishOrThrow,
  randomEvmAddress,
  signedBulletin,
} from "../fixtures.js";
import { startHubProcess } from "../hub-process.js";
import { type Row, row } from "../report.js";
import { now, type Summary, summarise, timedPool } from "../stats.js";

export interface MirrorResult {
  bulletins: number;
  initial_sync: { ms: number; floor_ms: number; pages: number; bytes_on_disk: number };
  catch_up: { changes: number; ms: number; floor_ms: number };
  screen: {
    /** Batches sent to the hub; local screenings and floors are measured over `local_batches`. */
    batches: number;
    local_batches: number;
    batch_size: number;
    local_ms: Summary;
    floor_ms: Summary;
    /**
     * The same two as CPU time of this process: on a host busier than its cores, a
     * 2 ms task is preempted more often than a 1 ms one, which its wall time shows
     * and its CPU time does not.
     */
    local_cpu_ms: Summary;
    floor_cpu_ms: Summary;
    hub_ms: Summary;
  };
}

const PUBLISH_CONCURRENCY = 8;
const INDICATORS_PER_BULLETIN = 3;
const SCREEN_BATCH = 1000;
const SCREEN_HITS = 10;
const WARM_UP_BATCHES = 2;
/** Local screenings and floors run first, unmeasured, so both are compiled before they count. */
const LOCAL_WARM_UPS = 50;
/**
 * Local screenings (and floors) measured: cheap, so many — a busy host preempts a
 * 2 ms task more often than a 1 ms one, and only many samples give a steady median.
 */
const LOCAL_BATCHES = 200;

/** What the stage needs: the hub process, the sizes, and a progress line. */
export type MirrorStageContext = Pick<StageContext, "config" | "hub" | "progress">;

/**
 * The stage on a hub process of its own, started on a fresh data folder under `workDir`
 * and stopped after: its ten thousand publishes neither weigh on the other stages' hub
 * nor count in its memory peak. A failure carries the hub's last output.
 */
export async function mirrorStageOnItsOwnHub(
  config: BenchConfig,
  workDir: string,
  progress: (line: string) => void,
): Promise<MirrorResult> {
  const hub = await startHubProcess({
    dataDir: join(workDir, "mirror-hub"),
    nodeFlags: config.hubNodeFlags,
  });
  try {
    const publisher = await onboard(hub.admin, "bench-publisher", ["publish"]);
    const screener = await onboard(hub.admin, "bench-mirror", ["screen"]);
    return await mirrorStage({ config, hub, progress }, publisher, screener, workDir);
  } catch (error) {
    throw new Error(`the mirror stage failed; the hub's last output:\n${hub.output()}`, {
      cause: error,
    });
  } finally {
    await hub.stop();
  }
}

export async function mirrorStage(
  ctx: MirrorStageContext,
  publisher: BenchOrg,
  screener: BenchOrg,
  workDir: string,
): Promise<MirrorResult> {
  const { mirrorBulletins, mirrorChanges, mirrorScreenBatches } = ctx.config;
  ctx.progress(`mirror: publishing ${mirrorBulletins} bulletins for the initial sync`);
  const published = await publishMany(publisher, screener, mirrorBulletins);

  const path = join(workDir, "mirror.sqlite");
  const mirror = openMirror({
    path,
    client: new CordonClient({
      baseUrl: ctx.hub.url,
      orgId: screener.id,
      key: screener.key,
      retries: 1,
    }),
  });
  try {
    ctx.progress("mirror: initial sync");
    let t = now();
    const first = await mirror.sync();
    const syncMs = now() - t;
    const initialFloor = await readFeed(screener, undefined, published);
    const bytes = await bytesOnDisk(path);
    // Besides this stage's, the mirror holds what earlier stages published for everyone.
    const held = mirror.status().bulletins;
    ctx.progress(
      `mirror: initial sync of ${held} bulletins ${(syncMs / 1000).toFixed(1)} s (floor ${(initialFloor.ms / 1000).toFixed(1)} s), ${(bytes / 1e6).toFixed(1)} MB`,
    );

    ctx.progress(`mirror: ${mirrorChanges} changes, then a catch-up`);
    const cursor = mirror.store.state()?.cursor ?? undefined;
    const revocations = Math.round(mirrorChanges * 0.3);
    const fresh = await publishMany(publisher, screener, mirrorChanges - revocations);
    await timedPool(revocations, PUBLISH_CONCURRENCY, async (i) => {
      const id = published[i]?.id;
      const response = await publisher.client.raw("POST", `/v1/bulletins/${id}/revoke`, {
        body: { reason: "benchmark" },
      });
      if (response.status !== 200) throw new Error(`revoke failed: ${response.status}`);
    });
    t = now();
    const caughtUp = await mirror.sync();
    const catchUpMs = now() - t;
    if (caughtUp.applied !== mirrorChanges) {
      throw new Error(`the catch-up applied ${caughtUp.applied} changes, not ${mirrorChanges}`);
    }
    const catchUpFloor = await readFeed(screener, cursor, fresh);

    ctx.progress(
      `mirror: screening ${mirrorScreenBatches} batches of ${SCREEN_BATCH} locally and through the hub`,
    );
    const screen = await screenBatches(mirror, screener, fresh, mirrorScreenBatches);
    return {
      bulletins: held,
      initial_sync: {
        ms: syncMs,
        floor_ms: initialFloor.ms,
        pages: first.pages,
        bytes_on_disk: bytes,
      },
      catch_up: { changes: mirrorChanges, ms: catchUpMs, floor_ms: catchUpFloor.ms },
      screen,
    };
  } finally {
    mirror.close();
  }
}

/** The stage's rows of the benchmark table. */
export function mirrorRows(result: MirrorResult): Row[] {
  const { screen } = result;
  return [
    row({
      stage: "mirror",
      metric: "local screening of 1,000 addresses p50 (floor: validating and normalising them)",
      unit: "ms",
      value: screen.local_ms.p50,
      floor: screen.floor_ms.p50,
    }),
    row({
      stage: "mirror",
      metric: "local screening of 1,000 addresses, CPU time p50 (floor: the same, validating)",
      unit: "ms",
      value: screen.local_cpu_ms.p50,
      floor: screen.floor_cpu_ms.p50,
      target: "≤ 2× floor",
      holds: (_, ratio) => (ratio ?? Number.POSITIVE_INFINITY) <= 2,
    }),
    row({
      stage: "mirror",
      metric: "local screening of 1,000 addresses p99",
      unit: "ms",
      value: screen.local_ms.p99,
      floor: screen.floor_ms.p99,
    }),
    row({
      stage: "mirror",
      metric: "the hub's POST /v1/screen of the same batch p50 (floor: local)",
      unit: "ms",
      value: screen.hub_ms.p50,
      floor: screen.local_ms.p50,
      target: "≥ 50× local",
      holds: (_, ratio) => (ratio ?? 0) >= 50,
    }),
    row({
      stage: "mirror",
      metric: "the hub's POST /v1/screen of the same batch p99",
      unit: "ms",
      value: screen.hub_ms.p99,
      floor: screen.local_ms.p99,
    }),
    row({
      stage: "mirror",
      metric: `initial sync of ${result.bulletins.toLocaleString("en")} bulletins (floor: reading them)`,
      unit: "s",
      value: result.initial_sync.ms / 1000,
      floor: result.initial_sync.floor_ms / 1000,
    }),
    row({
      stage: "mirror",
      metric: `size on disk after the initial sync`,
      unit: "MB",
      value: result.initial_sync.bytes_on_disk / 1e6,
    }),
    row({
      stage: "mirror",
      metric: `catch-up after ${result.catch_up.changes.toLocaleString("en")} changes (floor: reading them)`,
      unit: "ms",
      value: result.catch_up.ms,
      floor: result.catch_up.floor_ms,
    }),
  ];
}

/** `count` bulletins for the screener: mostly TLP:GREEN, some AMBER, one in twenty RED. */
async function publishMany(
  publisher: BenchOrg,
  screener: BenchOrg,
  count: number,
): Promise<BenchBulletin[]> {
  const bulletins: BenchBulletin[] = [];
  for (let i = 0; i < count; i += 1) {
    const shape =
      i % 20 === 0
        ? { tlp: "red" as const, audience: [screener.id] }
        : i % 5 === 1
          ? { tlp: "amber" as const, audience: [screener.id] }
          : {};
    bulletins.push(await signedBulletin(publisher, INDICATORS_PER_BULLETIN, shape));
  }
  await timedPool(count, PUBLISH_CONCURRENCY, (i) =>
    publishOrThrow(publisher, bulletins[i] as BenchBulletin),
  );
  return bulletins;
}

/**
 * The floor of a sync: the same feed pages from the same cursor, and a direct GET of
 * each TLP:RED bulletin among them — what no mirror can avoid reading — without
 * verifying or storing anything.
 */
async function readFeed(
  reader: BenchOrg,
  cursor: string | undefined,
  bulletins: readonly BenchBulletin[],
): Promise<{ ms: number }> {
  const red = new Set(bulletins.filter((_, i) => i % 20 === 0).map((b) => b.id));
  const started = now();
  let at = cursor;
  for (;;) {
    const response = await reader.client.raw(
      "GET",
      `/v1/bulletins?limit=100${at === undefined ? "" : `&cursor=${at}`}`,
    );
    if (response.status !== 200) throw new Error(`feed failed: ${response.status}`);
    const page = response.body as {
      items: { id: string }[];
      next_cursor: string;
      has_more: boolean;
    };
    const reds = page.items.filter((item) => red.delete(item.id));
    await timedPool(reds.length, 8, async (i) => {
      await reader.client.raw("GET", `/v1/bulletins/${reds[i]?.id}`);
    });
    at = page.next_cursor;
    if (!page.has_more) return { ms: now() - started };
  }
}

async function screenBatches(
  mirror: Mirror,
  screener: BenchOrg,
  flaggedBulletins: readonly BenchBulletin[],
  batches: number,
): Promise<MirrorResult["screen"]> {
  const flagged = flaggedBulletins.flatMap((b) => b.addresses);
  const batchOf = () => {
    const inputs = Array.from({ length: SCREEN_BATCH }, () => ({
      type: "crypto_address",
      chain: "ethereum",
      address: randomEvmAddress(),
    }));
    for (let h = 0; h < SCREEN_HITS; h += 1) {
      const address = flagged[Math.floor(Math.random() * flagged.length)] as string;
      inputs[Math.floor(Math.random() * SCREEN_BATCH)] = {
        type: "crypto_address",
        chain: "ethereum",
        address,
      };
    }
    return inputs;
  };
  for (let i = 0; i < LOCAL_WARM_UPS; i += 1) {
    const inputs = batchOf();
    mirror.screen(inputs);
    inputs.map((input) => checkIndicator(input));
  }
  const local: number[] = [];
  const floor: number[] = [];
  const localCpu: number[] = [];
  const floorCpu: number[] = [];
  const hub: number[] = [];
  const batchesToScreen = Array.from(
    { length: Math.max(batches, LOCAL_BATCHES) + WARM_UP_BATCHES },
    batchOf,
  );
  const answers: unknown[] = [];
  // Local screenings and their floors first, each batch's two back to back: the hub
  // process goes on working after each answer, and would be timed with the local ones.
  for (const [i, inputs] of batchesToScreen.entries()) {
    let t = now();
    let cpu = process.cpuUsage();
    const answer = mirror.screen(inputs);
    const localCpuMs = cpuMs(process.cpuUsage(cpu));
    const localMs = now() - t;
    if (!answer.results.some((result) => result.match_count > 0)) {
      throw new Error("a local screening found none of its hits");
    }
    t = now();
    cpu = process.cpuUsage();
    const checks = inputs.map((input) => checkIndicator(input));
    const floorCpuMs = cpuMs(process.cpuUsage(cpu));
    const floorMs = now() - t;
    if (checks.some((check) => !check.ok)) throw new Error("the floor found an invalid input");
    // Kept only for the batches the hub answers too: holding the rest would load the GC.
    if (i < batches + WARM_UP_BATCHES) answers.push(answer.results);
    if (i < WARM_UP_BATCHES) continue;
    local.push(localMs);
    floor.push(floorMs);
    localCpu.push(localCpuMs);
    floorCpu.push(floorCpuMs);
  }
  for (const [i, inputs] of batchesToScreen.slice(0, batches + WARM_UP_BATCHES).entries()) {
    const t = now();
    const response = await screener.client.raw("POST", "/v1/screen", {
      body: { indicators: inputs },
    });
    const hubMs = now() - t;
    if (response.status !== 200) throw new Error(`screen failed: ${response.status}`);
    const hubResults = (response.body as { results: unknown[] }).results;
    if (JSON.stringify(hubResults) !== JSON.stringify(answers[i])) {
      throw new Error("the mirror and the hub answered the same batch differently");
    }
    if (i < WARM_UP_BATCHES) continue;
    hub.push(hubMs);
  }
  return {
    batches,
    local_batches: local.length,
    batch_size: SCREEN_BATCH,
    local_ms: summarise(local),
    floor_ms: summarise(floor),
    local_cpu_ms: summarise(localCpu),
    floor_cpu_ms: summarise(floorCpu),
    hub_ms: summarise(hub),
  };
}

function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

/** The SQLite file with its write-ahead log and shared-memory index. */
async function bytesOnDisk(path: string): Promise<number> {
  let total = 0;
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    total += await stat(file).then(
      (s) => s.size,
      () => 0,
    );
  }
  return total;
}
