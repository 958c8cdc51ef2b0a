/**
 * Fan-out: one publish matching 10, 100 and 1,000 subscriptions, each on its own
 * path of the receiver process. Measured from just before the publish is sent to
 * each delivery's arrival; then the floor — the same number of deliveries signed
 * (v1 HMAC and v1a Ed25519) and POSTed straight from here to the same receivers.
 */
import { generateSigningKey } from "../../shared/signatures/keys.js";
import { newWebhookSecret } from "../../shared/webhooks/signing.js";
import type { StageContext } from "../context.js";
import { type BenchOrg, publishOrThrow, signedBulletin } from "../fixtures.js";
import { webhookFloor } from "../floors.js";
import type { Arrival } from "../receiver.js";
import { median, type Summary, sleep, summarise, wallClock } from "../stats.js";
import type { SubscriberTiers } from "../subscribers.js";

/** The hub's delivery concurrency is 16 pollers × batches of 10; its HTTP agent keeps 64 sockets. */
const FLOOR_CONCURRENCY = 64;
const WAIT_MS = 120_000;

export interface FanoutSide {
  /** Publish sent → last delivery, median over the runs. */
  last_ms: number;
  last_ms_runs: number[];
  /** Publish sent → each delivery, pooled over the runs. */
  delivery_ms: Summary;
  /** Deliveries ÷ time to the last, median over the runs. */
  per_second: number;
}

export interface FanoutTierResult {
  subscribers: number;
  runs: number;
  /** How long the publish itself took to answer (median). */
  publish_answer_ms: number;
  hub: FanoutSide;
  floor: FanoutSide;
}

function sideOf(runs: { started: number; arrivals: Arrival[] }[]): FanoutSide {
  const lasts = runs.map((run) => Math.max(...run.arrivals.map((a) => a.at)) - run.started);
  const all = runs.flatMap((run) => run.arrivals.map((a) => a.at - run.started));
  const rates = runs.map((run, i) => run.arrivals.length / ((lasts[i] as number) / 1000));
  return {
    last_ms: median(lasts),
    last_ms_runs: lasts,
    delivery_ms: summarise(all),
    per_second: median(rates),
  };
}

export async function fanoutStage(
  ctx: StageContext,
  publisher: BenchOrg,
  subscribers: SubscriberTiers,
): Promise<FanoutTierResult[]> {
  const results: FanoutTierResult[] = [];
  const { signingKey: floorHubKey } = await generateSigningKey("Ed25519");
  const secret = newWebhookSecret();
  // A warm-up publish to the smallest tier, not counted.
  const smallest = subscribers.tiers[0];
  let data: unknown;
  if (smallest !== undefined) {
    const warm = await signedBulletin(publisher, ctx.config.indicatorsPerBulletin, {
      confidence: subscribers.confidenceOf(smallest),
    });
    await publishOrThrow(publisher, warm);
    await ctx.receiver.waitFor(warm.id, smallest, WAIT_MS);
    data = (await publisher.client.raw("GET", `/v1/bulletins/${warm.id}`)).body;
    await webhookFloor({
      receiver: ctx.receiver,
      tag: "floor-warm-up",
      count: smallest,
      data,
      secret,
      hubKey: floorHubKey,
      concurrency: FLOOR_CONCURRENCY,
    });
    await ctx.receiver.waitFor("floor-warm-up", smallest, WAIT_MS);
    await sleep(500);
  }
  for (const tier of subscribers.tiers) {
    const hubRuns: { started: number; arrivals: Arrival[] }[] = [];
    const floorRuns: { started: number; arrivals: Arrival[] }[] = [];
    const answers: number[] = [];
    for (let run = 0; run < ctx.config.fanoutRuns; run += 1) {
      const bulletin = await signedBulletin(publisher, ctx.config.indicatorsPerBulletin, {
        confidence: subscribers.confidenceOf(tier),
      });
      const started = wallClock();
      await publishOrThrow(publisher, bulletin);
      answers.push(wallClock() - started);
      hubRuns.push({ started, arrivals: await ctx.receiver.waitFor(bulletin.id, tier, WAIT_MS) });
      // Let the hub settle (its last deliveries' bookkeeping) before the floor runs.
      await sleep(500);
      const tag = `floor-${tier}-${run}`;
      const floorStarted = await webhookFloor({
        receiver: ctx.receiver,
        tag,
        count: tier,
        data,
        secret,
        hubKey: floorHubKey,
        concurrency: FLOOR_CONCURRENCY,
      });
      floorRuns.push({
        started: floorStarted,
        arrivals: await ctx.receiver.waitFor(tag, tier, WAIT_MS),
      });
      await sleep(250);
    }
    const result: FanoutTierResult = {
      subscribers: tier,
      runs: hubRuns.length,
      publish_answer_ms: median(answers),
      hub: sideOf(hubRuns),
      floor: sideOf(floorRuns),
    };
    ctx.progress(
      `fan-out: ${tier} subscribers, last delivery ${result.hub.last_ms.toFixed(0)} ms after publish (floor ${result.floor.last_ms.toFixed(0)} ms)`,
    );
    results.push(result);
  }
  return results;
}
