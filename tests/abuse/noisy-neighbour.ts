/**
 * The noisy-neighbour measurements of the abuse suite, quick (`npm test`) or long
 * (`npm run test:soak`): a victim's webhook latency and `GET /v1/me` latency, quiet
 * and then while a neighbour floods, in the same run (issue 13, attacks 1 and 3).
 */

import { blackHole } from "../../bench/black-hole.js";
import { signBulletin } from "../../shared/signatures/bulletin-jws.js";
import { bulletinPayload } from "../helpers/bulletins.js";
import { type Receiver, startReceiver } from "../helpers/receiver.js";
import { type AbuseHub, type AbuseOrg, flood, quantile, sample, startAbuseHub } from "./harness.js";

export interface Phases {
  quiet: number[];
  flooded: number[];
  /** What the hub answered the flood, by status. */
  flood: Record<string, number>;
}

export function describePhases(name: string, phases: Phases): string {
  const q = (xs: number[], p: number) => quantile(xs, p).toFixed(0);
  return `${name}: quiet p50 ${q(phases.quiet, 0.5)} ms p99 ${q(phases.quiet, 0.99)} ms (${phases.quiet.length}); flooded p50 ${q(phases.flooded, 0.5)} ms p99 ${q(phases.flooded, 0.99)} ms (${phases.flooded.length}); flood answered ${JSON.stringify(phases.flood)}`;
}

/**
 * Attack 1: a neighbour whose 25 endpoints accept connections and never answer. It
 * pings them all at once (200 pings in parallel) and keeps publishing bulletins only
 * those endpoints want, so that there is always a hanging delivery of its to try.
 * Sample: from a publish sent to the victim's webhook received, one publish at a time.
 */
export async function webhookStarvation(options: {
  publishes: number;
  floodMs: number;
  /** The neighbour's publishes a second (each one 25 hanging deliveries). */
  noisyPublishRate: number;
}): Promise<Phases & { pings: Record<string, number> }> {
  const hub = await startAbuseHub();
  const receiver = await startReceiver();
  const hole = await blackHole();
  try {
    const publisher = await hub.onboard("publisher", ["publish"]);
    const victim = await hub.onboard("victim", ["subscribe"]);
    const noisy = await hub.onboard("noisy", ["publish", "subscribe"]);
    await subscribe(victim, receiver.url, { issuers: ["publisher"] });
    const holes: string[] = [];
    for (let i = 0; i < 25; i += 1)
      holes.push(await subscribe(noisy, `${hole.url}/${i}`, { issuers: ["noisy"] }));

    const quiet = await deliveryLatencies(publisher, receiver, options.publishes);
    const pings = await pingAll(noisy, holes, 200);
    const publishing = await flood(hub, noisy, {
      kind: "publish",
      concurrency: 2,
      ratePerSecond: options.noisyPublishRate,
    });
    await new Promise((resolve) => setTimeout(resolve, options.floodMs));
    const flooded = await deliveryLatencies(publisher, receiver, options.publishes);
    return { quiet, flooded, flood: await publishing.stop(), pings };
  } finally {
    await hub.stop();
    await receiver.close();
    await hole.close();
  }
}

/** `count` pings at once, spread over the subscriptions: what the hub answered, by status. */
export async function pingAll(
  org: AbuseOrg,
  subscriptions: readonly string[],
  count: number,
): Promise<Record<string, number>> {
  const answers = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      org.client.raw("POST", `/v1/subscriptions/${subscriptions[i % subscriptions.length]}/test`),
    ),
  );
  const statuses: Record<string, number> = {};
  for (const answer of answers) statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
  return statuses;
}

/** Quiet and flooded windows per measurement, taking turns. */
const WINDOWS = 3;
/** Time for a flood to start or for its requests in flight to finish, before a window. */
const SETTLE_MS = 500;

/**
 * Attack 3: a neighbour sending requests of `kind`, many at once, at `ratePerSecond`.
 * Sample: the victim's `GET /v1/me`, one at a time, for `sampleMs` quiet and as long
 * flooded, in windows that take turns.
 */
export async function apiFlood(options: {
  kind: "read" | "screen" | "sighting";
  concurrency: number;
  ratePerSecond: number;
  sampleMs: number;
  /** The neighbour's own rates, as the admin sets them (`PATCH /v1/admin/orgs/{id}`). */
  noisyRates?: Record<string, number>;
}): Promise<Phases> {
  const hub = await startAbuseHub();
  try {
    const victim = await hub.onboard("victim", ["screen"]);
    const noisy = await hub.onboard("noisy", ["publish", "screen"]);
    if (options.noisyRates !== undefined) {
      await hub.admin.call("PATCH", `/v1/admin/orgs/${noisy.id}`, {
        body: { rate_limits: options.noisyRates },
      });
    }
    const targets: string[] = [];
    if (options.kind === "sighting") {
      const payload = bulletinPayload("noisy");
      const jws = await signBulletin(payload, noisy.key);
      await noisy.client.call("POST", "/v1/bulletins", { body: { jws } });
      targets.push(payload.id);
    }
    const me = async () => {
      const answer = await victim.client.raw("GET", "/v1/me");
      if (answer.status !== 200) throw new Error(`GET /v1/me answered ${answer.status}`);
    };
    // Quiet and flooded windows take turns, so that whatever else this machine does
    // falls on both alike; each condition's samples are pooled.
    const attack = await flood(hub, noisy, {
      kind: options.kind,
      concurrency: options.concurrency,
      ratePerSecond: options.ratePerSecond,
      targets,
    });
    const quiet: number[] = [];
    const flooded: number[] = [];
    const windowMs = options.sampleMs / WINDOWS;
    for (let i = 0; i < WINDOWS; i += 1) {
      attack.pause();
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      quiet.push(...(await sample(windowMs, me)));
      attack.resume();
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      flooded.push(...(await sample(windowMs, me)));
    }
    return { quiet, flooded, flood: await attack.stop() };
  } finally {
    await hub.stop();
  }
}

async function subscribe(
  org: AbuseOrg,
  url: string,
  filter: Record<string, unknown>,
): Promise<string> {
  const created = await org.client.call<{ id: string }>("POST", "/v1/subscriptions", {
    body: { url, events: ["bulletin.published"], filter },
  });
  return created.id;
}

async function deliveryLatencies(
  publisher: AbuseOrg,
  receiver: Receiver,
  count: number,
): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const payload = bulletinPayload(publisher.id);
    const jws = await signBulletin(payload, publisher.key);
    const sent = Date.now();
    await publisher.client.call("POST", "/v1/bulletins", { body: { jws } });
    const hooks = await receiver.waitFor(
      (received) => received.some((hook) => hook.json.data.id === payload.id),
      60_000,
    );
    const arrival = hooks.find((hook) => hook.json.data.id === payload.id);
    latencies.push((arrival?.at ?? Date.now()) - sent);
  }
  return latencies;
}

export type { AbuseHub };
