/**
 * What each operation costs in DynamoDB requests, counted (not estimated) with an SDK
 * middleware on an in-process hub: a publish by indicator count, a screen by batch
 * size and hits, a feed page, and a fan-out by subscriber count. The hub keeps its
 * table in memory here — the count of requests does not depend on where dynalite
 * keeps its data — and runs no sweeper, so every request counted is the operation's own.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLocalHub } from "../../local/hub.js";
import { BENCH_RATE_LIMITS } from "../config.js";
import {
  countDynamoRequests,
  type OperationCounts,
  quiescence,
  scale,
  subtract,
  totalOf,
  writesOf,
} from "../dynamo-counter.js";
import {
  inProcessAdmin,
  onboard,
  publishOrThrow,
  randomEvmAddress,
  signedBulletin,
} from "../fixtures.js";
import type { ReceiverProcess } from "../receiver.js";
import { createSubscriberTiers } from "../subscribers.js";

/**
 * A quiet spell longer than the transparency log writer's wait for the end of its
 * second (shared/transparency/schedule.ts), so that its last look at the log is counted
 * with the publish that woke it, never with the next operation.
 */
const QUIET_MS = 1_200;

export interface OperationCost {
  /** Requests per operation, by DynamoDB operation. */
  requests: OperationCounts;
  total: number;
  writes: number;
}

export interface PublishCost {
  indicators: number;
  /** Until the publish answered. */
  request_path: OperationCost;
  /** Including the outbox and fan-out work that follows (no subscribers). */
  with_background: OperationCost;
}

export interface FanoutCost {
  subscribers: number;
  /** Fan-out and every delivery, beyond what a publish with no subscriber costs. */
  beyond_publish: OperationCost;
  per_subscriber: OperationCost;
}

export interface CostReport {
  publish: PublishCost[];
  screen: { inputs: number; hits: number; cost: OperationCost }[];
  feed_page: { items: number; cost: OperationCost };
  fanout: FanoutCost[];
  auth: OperationCost;
}

function costOf(requests: OperationCounts): OperationCost {
  return { requests, total: totalOf(requests), writes: writesOf(requests) };
}

export async function measureCosts(
  receiver: ReceiverProcess,
  options: { fanoutTiers: number[]; progress: (line: string) => void },
): Promise<CostReport> {
  const dataDir = await mkdtemp(join(tmpdir(), "cordon-bench-costs-"));
  const hub = await startLocalHub({
    dataDir,
    inMemory: true,
    sweepIntervalMs: 3_600_000,
    // Counted, not limited: each request's one rate-limit take shows in the counts.
    rateLimits: BENCH_RATE_LIMITS,
  });
  try {
    const counter = countDynamoRequests(hub.dynamoClient);
    const admin = inProcessAdmin(hub);
    const publisher = await onboard(admin, "cost-publisher", ["publish"], hub.deps.audience);
    const screener = await onboard(admin, "cost-screener", ["screen"], hub.deps.audience);

    // Authentication alone: the cheapest authenticated request.
    await quiescence(counter, QUIET_MS);
    counter.reset();
    await screener.client.raw("GET", "/v1/me");
    const auth = costOf(counter.snapshot());

    // Publish, by indicators per bulletin (no subscriber yet).
    const publish: PublishCost[] = [];
    const published: string[] = [];
    for (const indicators of [1, 10, 100, 1000]) {
      const runs = 3;
      let path: OperationCounts = {};
      let all: OperationCounts = {};
      for (let run = 0; run < runs; run += 1) {
        const bulletin = await signedBulletin(publisher, indicators);
        await quiescence(counter, QUIET_MS);
        counter.reset();
        await publishOrThrow(publisher, bulletin);
        const atAnswer = counter.snapshot();
        await quiescence(counter, QUIET_MS);
        path = add(path, atAnswer);
        all = add(all, counter.snapshot());
        published.push(...bulletin.addresses);
      }
      publish.push({
        indicators,
        request_path: costOf(scale(path, runs)),
        with_background: costOf(scale(all, runs)),
      });
    }
    options.progress(
      `costs: publish ${publish.map((p) => `${p.indicators}→${p.with_background.total}`).join(", ")}`,
    );

    options.progress("costs: screening batches of 1,000 and 100");
    // Screening, clean and with hits.
    const screen: CostReport["screen"] = [];
    for (const [inputs, hits] of [
      [1000, 0],
      [1000, 10],
      [100, 0],
    ] as const) {
      const addresses = Array.from({ length: inputs }, (_, i) =>
        i < hits ? (published[i] as string) : randomEvmAddress(),
      );
      await quiescence(counter, QUIET_MS);
      counter.reset();
      const response = await screener.client.raw("POST", "/v1/screen", {
        body: {
          indicators: addresses.map((address) => ({
            type: "crypto_address",
            chain: "ethereum",
            address,
          })),
        },
      });
      if (response.status !== 200) throw new Error(`screen failed: ${response.status}`);
      screen.push({ inputs, hits, cost: costOf(counter.snapshot()) });
    }

    options.progress("costs: a feed page (publishing 100 bulletins first)");
    // A full feed page: at least 100 changes in the feed first.
    const fill = Array.from({ length: 100 }, () => signedBulletin(publisher, 1));
    for (const bulletin of await Promise.all(fill)) await publishOrThrow(publisher, bulletin);
    await quiescence(counter, QUIET_MS);
    counter.reset();
    const page = await screener.client.raw("GET", "/v1/bulletins?limit=100");
    const items = (page.body as { items: unknown[] }).items.length;
    const feedPage = { items, cost: costOf(counter.snapshot()) };

    // Fan-out, by subscriber count, beyond what a publish with no subscriber costs.
    const baseline = publish.find((p) => p.indicators === 10)?.with_background.requests ?? {};
    const tiers = options.fanoutTiers.filter((tier) => tier <= 100);
    options.progress(`costs: fan-out to ${tiers.join(", ")} subscribers`);
    const subscribers = await createSubscriberTiers(
      admin,
      "cost-sub",
      receiver.url,
      tiers,
      publisher.id,
      hub.deps.audience,
    );
    const fanout: FanoutCost[] = [];
    for (const tier of subscribers.tiers) {
      const bulletin = await signedBulletin(publisher, 10, {
        confidence: subscribers.confidenceOf(tier),
      });
      await quiescence(counter, QUIET_MS);
      counter.reset();
      await publishOrThrow(publisher, bulletin);
      await receiver.waitFor(bulletin.id, tier, 60_000);
      await quiescence(counter, QUIET_MS);
      const beyond = subtract(counter.snapshot(), baseline);
      fanout.push({
        subscribers: tier,
        beyond_publish: costOf(beyond),
        per_subscriber: costOf(scale(beyond, tier)),
      });
    }
    options.progress(
      `costs: fan-out ${fanout.map((f) => `${f.subscribers} subscribers→${f.beyond_publish.total}`).join(", ")}`,
    );
    return { publish, screen, feed_page: feedPage, fanout, auth };
  } finally {
    await hub.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

function add(a: OperationCounts, b: OperationCounts): OperationCounts {
  const out: OperationCounts = { ...a };
  for (const [operation, n] of Object.entries(b)) out[operation] = (out[operation] ?? 0) + n;
  return out;
}
