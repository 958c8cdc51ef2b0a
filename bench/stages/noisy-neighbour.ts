/**
 * Noisy neighbour (issue 13): a victim's webhook latency — publish sent to webhook
 * received, one publish at a time — with no one else about, and then while a
 * neighbour's 25 endpoints accept connections and never answer, the neighbour pinging
 * them all at once and publishing a bulletin a second that only they want. Target: the
 * victim's p99 at most twice its quiet p99.
 *
 * And what the rate limit costs each request: the time of one bucket take (one
 * conditional UpdateItem) on the floor's own dynalite, beside the replay guard's
 * conditional PutItem that every request already made.
 */
import { type HubDynamo, LOCAL_TABLE } from "../../local/dynamo.js";
import { toleranceMs } from "../../shared/ratelimits/gcra.js";
import { classPolicy } from "../../shared/ratelimits/types.js";
import { createDynamoStore } from "../../shared/store/dynamo/store.js";
import { blackHole } from "../black-hole.js";
import type { StageContext } from "../context.js";
import { type BenchOrg, onboard, publishOrThrow, signedBulletin } from "../fixtures.js";
import { type Summary, summarise } from "../stats.js";

const WAIT_MS = 60_000;

export interface NoisyNeighbourResult {
  publishes: number;
  /** Publish sent → the victim's webhook received. */
  quiet: Summary;
  noisy: Summary;
  /** What the neighbour's 200 pings were answered, by status. */
  pings: Record<string, number>;
  rate_limit: {
    /** One bucket take (conditional UpdateItem), ms. */
    take_ms: Summary;
    /** One replay-guard claim (conditional PutItem), ms: what every request already paid. */
    claim_ms: Summary;
  };
}

export async function noisyNeighbourStage(
  ctx: StageContext,
  floorDynamo: Pick<HubDynamo, "client">,
): Promise<NoisyNeighbourResult> {
  const publishes = ctx.config.quick ? 10 : 30;
  const publisher = await onboard(ctx.hub.admin, "bench-nn-publisher", ["publish"]);
  const victim = await onboard(ctx.hub.admin, "bench-nn-victim", ["subscribe"]);
  const noisy = await onboard(ctx.hub.admin, "bench-nn-noisy", ["publish", "subscribe"]);
  await subscribe(victim, `${ctx.receiver.url}/hooks/nn-victim`, publisher.id);
  const hole = await blackHole();
  try {
    const holes: string[] = [];
    for (let i = 0; i < 25; i += 1)
      holes.push(await subscribe(noisy, `${hole.url}/${i}`, noisy.id));

    const quiet = await victimLatencies(ctx, publisher, publishes);
    const pings = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        noisy.client.raw("POST", `/v1/subscriptions/${holes[i % holes.length]}/test`),
      ),
    );
    let publishing = true;
    const background = (async () => {
      while (publishing) {
        const started = Date.now();
        await publishOrThrow(noisy, await signedBulletin(noisy, 1)).catch(() => {});
        await new Promise((resolve) =>
          setTimeout(resolve, Math.max(0, 1000 - (Date.now() - started))),
        );
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const loud = await victimLatencies(ctx, publisher, publishes);
    publishing = false;
    await background;
    const statuses: Record<string, number> = {};
    for (const answer of pings) statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
    return {
      publishes,
      quiet: summarise(quiet),
      noisy: summarise(loud),
      pings: statuses,
      rate_limit: await rateLimitCost(floorDynamo, ctx.config.quick ? 200 : 1000),
    };
  } finally {
    await hole.close();
  }
}

async function subscribe(org: BenchOrg, url: string, issuer: string): Promise<string> {
  const response = await org.client.raw("POST", "/v1/subscriptions", {
    body: { url, events: ["bulletin.published"], filter: { issuers: [issuer] } },
  });
  if (response.status !== 201) throw new Error(`subscribing failed: ${response.status}`);
  return (response.body as { id: string }).id;
}

async function victimLatencies(
  ctx: StageContext,
  publisher: BenchOrg,
  count: number,
): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const bulletin = await signedBulletin(publisher, 1);
    const sent = performance.timeOrigin + performance.now();
    await publishOrThrow(publisher, bulletin);
    const [arrival] = await ctx.receiver.waitFor(bulletin.id, 1, WAIT_MS);
    latencies.push((arrival?.at ?? Number.NaN) - sent);
  }
  return latencies;
}

/** One bucket take and one replay-guard claim, each `runs` times in turn, on the floor's table. */
async function rateLimitCost(
  dynamo: Pick<HubDynamo, "client">,
  runs: number,
): Promise<NoisyNeighbourResult["rate_limit"]> {
  const store = createDynamoStore(dynamo.client, LOCAL_TABLE);
  const policy = classPolicy("read", 50);
  const bucket = { intervalMs: policy.intervalMs, toleranceMs: toleranceMs(policy) };
  const take: number[] = [];
  const claim: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    // A new organisation every time: each take is the conditional write a fresh request makes.
    let started = performance.now();
    await store.rateLimits.take(`bench#${i}#read`, bucket, Date.now());
    take.push(performance.now() - started);
    started = performance.now();
    await store.replay.claimJti("bench", `jti-${i}-${Date.now()}`, 2_000_000_000, new Date());
    claim.push(performance.now() - started);
  }
  return { take_ms: summarise(take), claim_ms: summarise(claim) };
}
