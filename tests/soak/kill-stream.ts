/**
 * Issue 8, faults (a), as one reusable run: the local hub as a child process with its
 * table on disk, killed with SIGKILL at random points while a stream of signed
 * bulletins is published to a set of webhook subscribers, and restarted each time.
 * The publishing client re-posts whatever it got no answer for (the same JWS; the hub
 * answers 200 with the same receipt when it had committed it), so every bulletin ends
 * accepted. The run then waits for every subscriber to hold every bulletin it is owed
 * and reports what it saw; the tests decide what must hold.
 */

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { Transport } from "../../cli/sdk/transport.js";
import type { BulletinPayload, Tlp } from "../../shared/bulletins/schema.js";
import { bulletinEventId } from "../../shared/events/registry.js";
import { signBulletin } from "../../shared/signatures/bulletin-jws.js";
import { generateSigningKey } from "../../shared/signatures/keys.js";
import type { SigningKey } from "../../shared/signatures/types.js";
import { webhookId } from "../../shared/webhooks/signing.js";
import { bulletinPayload, randomEvmAddress } from "../helpers/bulletins.js";
import {
  filterMatches,
  type ModelFilter,
  type ModelOrg,
  mayView,
  recipientsAt,
} from "../helpers/entitlement.js";
import { type HubProcess, startHubProcess } from "../helpers/hub-process.js";
import { type Random, seededRandom } from "../helpers/seeded-random.js";
import {
  type Behaviour,
  OK,
  type Policy,
  startWebhookEndpoint,
  type WebhookEndpoint,
  waitUntil,
} from "../helpers/webhook-endpoint.js";

export interface KillStreamOptions {
  seed: number;
  publishes: number;
  /** Organisations with the subscribe role, each with one subscription. */
  subscribers: number;
  /** Kills while the stream is published; each is followed by a restart. */
  killsDuringStream: number;
  /** Kills after the last publish answered, while deliveries drain. */
  killsDuringDrain: number;
  /** Publishes in flight at once. */
  concurrency: number;
  /** How long, after the last restart, every owed delivery may take to arrive. */
  drainTimeoutMs: number;
  /** Subscribers that also flap (500, 429, resets, …), at most twice per delivery. */
  flappers?: number;
  /**
   * Least time the hub runs between a restart and the next kill. Two kills closer than
   * the re-drive after a start can take leave work for the periodic sweep, two minutes
   * on (tests/soak/double-crash.test.ts); a run with a short drain bound keeps them apart.
   */
  minUptimeMs?: number;
  /** The hub processes' log level (default warn); their warnings are in the report. */
  hubLogLevel?: string;
  /** Progress lines (kills, restarts, the drain). */
  progress?: (line: string) => void;
}

export interface KillStreamReport {
  seed: number;
  kills: number;
  publishes: number;
  /** POSTs that got no answer (the hub died under them, or was starting). */
  unanswered: number;
  /** Bulletins posted again after such a POST. */
  reposted: number;
  /** Re-posts the hub answered 200: it had committed the bulletin before it died. */
  repostsAlreadyCommitted: number;
  /** Bulletins answered other than 200/201, or with two different receipts. */
  publishProblems: string[];
  /** bulletin.published events accepted. */
  events: number;
  owedDeliveries: number;
  deliveryAttempts: number;
  duplicatesDropped: number;
  missing: string[];
  extra: string[];
  /** For each missing delivery: what the subscriber saw and what the hub recorded. */
  missingDetails: string[];
  /** Warnings and errors the hub processes logged, with how often each came. */
  hubWarnings: string[];
  /** Requests carrying a webhook-id the subscriber was owed none of. */
  unknown: string[];
  badSignatures: string[];
  /** Delivered bodies that do not match their webhook-id (type, subscription, bulletin, red notice). */
  wrongBodies: string[];
  /** Feed walks that skip, repeat or show a change they should not. */
  feedProblems: string[];
  /** Stored JWS not byte for byte what was published. */
  jwsProblems: string[];
  /** From the last restart until the last owed delivery arrived. */
  drainMs: number;
  /** Deliveries still missing, 5 s, 10 s, … after the last restart. */
  drainCurve: number[];
  /** Kills, restarts and the end of the stream, in seconds from the start. */
  timeline: string[];
  durationMs: number;
}

interface Party {
  id: string;
  key: SigningKey;
  model: ModelOrg;
}

interface Subscriber extends Party {
  endpoint: WebhookEndpoint;
  subscriptionId: string;
  filter: ModelFilter;
}

const GROUPS = ["exchanges", "central-banks", "fius"] as const;
const CATEGORIES = ["terrorist_financing", "sanctions", "ransomware", "scam", "fraud"] as const;
const EVM_CHAINS = ["ethereum", "bsc", "polygon", "arbitrum", "base"] as const;
const TLPS: Tlp[] = ["clear", "green", "amber", "amber+strict", "red"];

export async function runKillStream(options: KillStreamOptions): Promise<KillStreamReport> {
  const started = Date.now();
  const timeline: string[] = [];
  const mark = (event: string) => {
    const line = `${((Date.now() - started) / 1000).toFixed(1)} s ${event}`;
    timeline.push(line);
    options.progress?.(line);
  };
  const random = seededRandom(options.seed);
  const dataDir = await mkdtemp(join(tmpdir(), "cordon-kill-stream-"));
  const hubEnv = {
    CORDON_LOG_LEVEL: options.hubLogLevel ?? "warn",
    // Crashes are the subject here, not rate limits (tests/abuse): the stream's pace is its own.
    CORDON_RATE_LIMITS: "publish=1000,screen=1000,read=1000",
  };
  let hub = await startHubProcess(dataDir, hubEnv);
  const endpoints: WebhookEndpoint[] = [];
  try {
    const clientOf = (party: Pick<Party, "id" | "key">) =>
      new Transport({ baseUrl: hub.url, orgId: party.id, key: party.key, retries: 1 });
    const { publishers, subscribers } = await setUp(hub, options, random, endpoints, clientOf);
    const directory = [
      ...new Map([...publishers, ...subscribers].map((p) => [p.id, p.model])).values(),
    ];
    const payloads = plannedBulletins(options.publishes, publishers, subscribers, random);
    const jwsOf = new Map<string, string>();
    for (const payload of payloads) {
      const publisher = publishers.find((p) => p.id === payload.issuer) as Party;
      jwsOf.set(payload.id, await signBulletin(payload, publisher.key));
    }

    // Act: the stream, and the killer beside it.
    const stream = new PublishStream(payloads, jwsOf, publishers, clientOf, options.concurrency);
    let lastRestart = Date.now();
    let kills = 0;
    const logs: string[] = [];
    const killAndRestart = async () => {
      await sleep(lastRestart + (options.minUptimeMs ?? 0) - Date.now());
      await hub.kill("SIGKILL");
      logs.push(hub.output());
      kills += 1;
      mark(`kill ${kills} (${stream.answered} of ${payloads.length} publishes answered)`);
      hub = await startHubProcess(dataDir, hubEnv);
      lastRestart = Date.now();
      mark("restarted");
    };
    const marks = Array.from({ length: options.killsDuringStream }, () =>
      random.int(Math.floor(payloads.length * 0.05), Math.floor(payloads.length * 0.95)),
    ).sort((a, b) => a - b);
    const killer = (async () => {
      for (const mark of marks) {
        await waitUntil(() => stream.answered >= mark, 600_000);
        // Land anywhere in a request, a fan-out or a delivery, not on an answer boundary.
        await sleep(random.int(0, 400));
        await killAndRestart();
      }
    })();
    mark("stream started");
    await stream.run();
    mark("every publish answered");
    await killer;
    for (let i = 0; i < options.killsDuringDrain; i += 1) {
      // While deliveries are still on their way: right after the last answer, then later.
      await sleep(i === 0 ? random.int(0, 300) : random.int(500, 3000));
      await killAndRestart();
    }

    // Assess: who is owed what, by the design's rule.
    const owed = new Map<string, Map<string, BulletinPayload>>();
    for (const s of subscribers) {
      const mine = new Map<string, BulletinPayload>();
      for (const payload of payloads) {
        const recipients = recipientsAt(payload.audience ?? [], directory);
        if (mayView(payload, recipients, s.model) && filterMatches(s.filter, payload))
          mine.set(webhookId(bulletinEventId(payload.id, "published"), s.subscriptionId), payload);
      }
      owed.set(s.id, mine);
    }
    const missing = () =>
      subscribers.flatMap((s) =>
        [...(owed.get(s.id)?.keys() ?? [])]
          .filter((id) => !s.endpoint.delivered.has(id))
          .map((id) => `${s.id}:${id}`),
      );
    const drainCurve: number[] = [];
    const sampler = setInterval(() => {
      drainCurve.push(missing().length);
      options.progress?.(
        `${drainCurve.length * 5} s after the last restart: ${missing().length} deliveries missing`,
      );
    }, 5000);
    try {
      await waitUntil(() => missing().length === 0, options.drainTimeoutMs).catch(() => undefined);
    } finally {
      clearInterval(sampler);
    }
    const drainMs = Date.now() - lastRestart;
    mark(`drained: ${missing().length} deliveries missing`);
    // Time for anything extra (a retry, a duplicate) to show itself.
    await sleep(2000);

    const report: KillStreamReport = {
      seed: options.seed,
      kills,
      publishes: payloads.length,
      unanswered: stream.unanswered,
      reposted: stream.reposted,
      repostsAlreadyCommitted: stream.committedBeforeDeath,
      publishProblems: stream.problems,
      events: stream.accepted.size,
      owedDeliveries: [...owed.values()].reduce((n, m) => n + m.size, 0),
      deliveryAttempts: 0,
      duplicatesDropped: 0,
      missing: missing(),
      missingDetails: [],
      hubWarnings: [],
      extra: [],
      unknown: [],
      badSignatures: [],
      wrongBodies: [],
      feedProblems: [],
      jwsProblems: [],
      drainMs,
      drainCurve,
      timeline,
      durationMs: 0,
    };
    for (const s of subscribers) {
      const mine = owed.get(s.id) ?? new Map<string, BulletinPayload>();
      report.deliveryAttempts += s.endpoint.attempts.length;
      report.duplicatesDropped += s.endpoint.duplicates();
      for (const id of s.endpoint.delivered.keys())
        if (!mine.has(id)) report.extra.push(`${s.id}:${id}`);
      for (const attempt of s.endpoint.attempts)
        if (!mine.has(attempt.webhookId)) report.unknown.push(`${s.id}:${attempt.webhookId}`);
      report.badSignatures.push(...s.endpoint.badSignatures().map((id) => `${s.id}:${id}`));
      for (const hook of s.endpoint.delivered.values()) {
        const payload = mine.get(hook.webhookId);
        if (payload === undefined) continue;
        const redNotice = payload.tlp === "red";
        if (
          hook.type !== "bulletin.published" ||
          hook.subscriptionId !== s.subscriptionId ||
          hook.dataId !== payload.id ||
          redNotice !== !("bulletin" in hook.data) ||
          (!redNotice && hook.data.jws !== jwsOf.get(payload.id))
        )
          report.wrongBodies.push(`${s.id}:${hook.webhookId}`);
      }
    }
    report.hubWarnings = warningsIn([...logs, hub.output()]);
    for (const entry of report.missing.slice(0, 10))
      report.missingDetails.push(await explainMissing(entry, subscribers, clientOf));
    await checkStoredState(
      report,
      payloads,
      jwsOf,
      [...publishers, ...subscribers],
      directory,
      clientOf,
    );
    report.durationMs = Date.now() - started;
    return report;
  } finally {
    await hub.kill("SIGKILL");
    await Promise.all(endpoints.map((endpoint) => endpoint.close()));
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function setUp(
  hub: HubProcess,
  options: KillStreamOptions,
  random: Random,
  endpoints: WebhookEndpoint[],
  clientOf: (party: Pick<Party, "id" | "key">) => Transport,
): Promise<{ publishers: Party[]; subscribers: Subscriber[] }> {
  const admin = await hub.admin();
  const onboard = async (id: string, roles: string[], groups: string[]): Promise<Party> => {
    const { signingKey, publicJwk } = await generateSigningKey("Ed25519");
    const created = await admin.raw("POST", "/v1/admin/orgs", {
      body: { id, name: id, type: "exchange", roles, groups, jwks: { keys: [publicJwk] } },
    });
    if (created.status !== 201) throw new Error(`onboarding ${id}: ${created.text}`);
    return { id, key: signingKey, model: { id, groups } };
  };
  // The second publisher is also a subscriber: its own bulletins reach it when they match.
  const publishers = [await onboard("pub-a", ["publish"], [])];
  const subscriberParties: Party[] = [];
  for (let i = 0; i < options.subscribers; i += 1) {
    // Every group gets a member, so that every group in an audience is known.
    const groups = [GROUPS[i % GROUPS.length] as string, ...random.subset(GROUPS, 0.2)];
    const id = i === 0 ? "pub-b" : `sub-${String(i).padStart(2, "0")}`;
    const party = await onboard(id, i === 0 ? ["publish", "subscribe"] : ["subscribe"], [
      ...new Set(groups),
    ]);
    if (i === 0) publishers.push(party);
    subscriberParties.push(party);
  }
  const flappers = new Set(
    subscriberParties.slice(subscriberParties.length - (options.flappers ?? 0)).map((p) => p.id),
  );
  const subscribers: Subscriber[] = [];
  for (const party of subscriberParties) {
    const flapping = flappers.has(party.id);
    const endpoint = await startWebhookEndpoint(
      party.id,
      flapping ? flapper(random) : healthy(random),
    );
    endpoints.push(endpoint);
    const filter = randomFilter(random, publishers);
    const created = await clientOf(party).raw("POST", "/v1/subscriptions", {
      body: { url: endpoint.url, events: ["bulletin.published"], filter },
    });
    if (created.status !== 201) throw new Error(`subscribing ${party.id}: ${created.text}`);
    const subscription = created.body as { id: string; secret: string };
    endpoint.secret = subscription.secret;
    subscribers.push({ ...party, endpoint, subscriptionId: subscription.id, filter });
  }
  return { publishers, subscribers };
}

/** Answers 200 after a short while, so that deliveries are in flight when a kill lands. */
function healthy(random: Random): Policy {
  return () => ({ kind: "answer", status: 200, delayMs: random.int(0, 40) });
}

function flapper(random: Random): Policy {
  const faults: Behaviour[] = [
    { kind: "answer", status: 500 },
    { kind: "answer", status: 429, headers: { "retry-after": "1" } },
    { kind: "reset" },
    { kind: "hang", holdMs: 800 },
    { kind: "accept-then-drop" },
  ];
  const plans = new Map<string, Behaviour[]>();
  return ({ webhookId: id, attempt }) => {
    let plan = plans.get(id);
    if (plan === undefined) {
      plan = Array.from({ length: random.int(0, 2) }, () => random.pick(faults));
      plans.set(id, plan);
    }
    return plan[attempt - 1] ?? OK;
  };
}

function randomFilter(random: Random, publishers: readonly Party[]): ModelFilter {
  const filter: ModelFilter = {};
  if (random() < 0.35) return filter;
  if (random() < 0.4) filter.categories = random.subset(CATEGORIES, 0.5).slice(0, 3);
  if (random() < 0.3) filter.chains = random.subset(EVM_CHAINS, 0.5);
  if (random() < 0.2)
    filter.indicator_types = [random.pick(["crypto_address", "telegram_channel"])];
  if (random() < 0.2) filter.issuers = [random.pick(publishers).id];
  if (random() < 0.4) filter.min_confidence = random.int(20, 80);
  for (const [name, value] of Object.entries(filter))
    if (Array.isArray(value) && value.length === 0) delete filter[name as keyof ModelFilter];
  return filter;
}

function plannedBulletins(
  count: number,
  publishers: readonly Party[],
  subscribers: readonly Party[],
  random: Random,
): BulletinPayload[] {
  const orgIds = subscribers.map((s) => s.id);
  return Array.from({ length: count }, () => {
    const issuer = random.pick(publishers).id;
    const tlp = random.pick(TLPS);
    const named = random.subset(orgIds, 0.12).filter((id) => id !== issuer);
    const groups = random.subset(GROUPS, 0.3).map((group) => `group:${group}`);
    let audience: string[] = [];
    if (tlp === "amber") audience = [...named, ...groups];
    if (tlp === "amber+strict" || tlp === "red") audience = named;
    // A restricted TLP needs an audience; a group for amber, else one organisation.
    if (audience.length === 0 && tlp === "amber") audience = ["group:exchanges"];
    if (audience.length === 0 && tlp !== "clear" && tlp !== "green")
      audience = [random.pick(orgIds.filter((id) => id !== issuer))];
    const indicators: BulletinPayload["indicators"] = Array.from(
      { length: random.int(1, 3) },
      () => ({
        type: "crypto_address" as const,
        chain: random.pick(EVM_CHAINS),
        address: randomEvmAddress(),
      }),
    );
    if (random() < 0.3)
      indicators.push({ type: "telegram_channel", value: `@chan_${random.int(10_000, 99_999)}` });
    return bulletinPayload(issuer, {
      tlp,
      ...(audience.length > 0 ? { audience } : {}),
      category: random.pick(CATEGORIES),
      confidence: random.int(0, 100),
      indicators,
    });
  });
}

/** Publishes every bulletin until the hub answers it, re-posting after a lost answer. */
class PublishStream {
  answered = 0;
  unanswered = 0;
  reposted = 0;
  committedBeforeDeath = 0;
  readonly problems: string[] = [];
  readonly accepted = new Map<string, string>();
  private next = 0;

  constructor(
    private readonly payloads: readonly BulletinPayload[],
    private readonly jwsOf: ReadonlyMap<string, string>,
    private readonly publishers: readonly Party[],
    private readonly clientOf: (party: Pick<Party, "id" | "key">) => Transport,
    private readonly concurrency: number,
  ) {}

  async run(): Promise<void> {
    await Promise.all(Array.from({ length: this.concurrency }, () => this.worker()));
  }

  private async worker(): Promise<void> {
    for (;;) {
      const payload = this.payloads[this.next];
      this.next += 1;
      if (payload === undefined) return;
      await this.publishUntilAnswered(payload);
      this.answered += 1;
    }
  }

  private async publishUntilAnswered(payload: BulletinPayload): Promise<void> {
    const publisher = this.publishers.find((p) => p.id === payload.issuer) as Party;
    const jws = this.jwsOf.get(payload.id);
    let lostAnswers = 0;
    for (let tries = 0; tries < 200; tries += 1) {
      let status: number;
      let receipt: string;
      try {
        const response = await this.clientOf(publisher).raw("POST", "/v1/bulletins", {
          body: { jws },
        });
        status = response.status;
        receipt = (response.body as { receipt?: string } | undefined)?.receipt ?? "";
        if (status >= 500) throw new Error(`answered ${status}: ${response.text}`);
      } catch {
        // No answer (the hub died or is starting): the same JWS again, shortly.
        lostAnswers += 1;
        this.unanswered += 1;
        if (lostAnswers === 1) this.reposted += 1;
        await sleep(150);
        continue;
      }
      if (status !== 201 && status !== 200) {
        this.problems.push(`${payload.id}: answered ${status}`);
        return;
      }
      if (status === 200 && lostAnswers > 0) this.committedBeforeDeath += 1;
      if (status === 200 && lostAnswers === 0)
        this.problems.push(`${payload.id}: first post answered 200`);
      const previous = this.accepted.get(payload.id);
      if (previous !== undefined && previous !== receipt)
        this.problems.push(`${payload.id}: two receipts`);
      this.accepted.set(payload.id, receipt);
      return;
    }
    this.problems.push(`${payload.id}: never answered`);
  }
}

/** The hub's warn and error lines (JSON), counted by message. */
function warningsIn(outputs: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const line of outputs.join("\n").split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      const entry = JSON.parse(line) as { level?: string; message?: string; error?: unknown };
      if (entry.level !== "warn" && entry.level !== "error" && entry.message !== "outbox swept")
        continue;
      const key = `${entry.level}: ${entry.message} ${JSON.stringify(entry.error ?? "").slice(0, 160)}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    } catch {
      // not a log line
    }
  }
  return [...counts].map(([key, n]) => `${n}× ${key}`);
}

/** A missing delivery, as the subscriber saw its attempts and as the hub recorded it. */
async function explainMissing(
  entry: string,
  subscribers: readonly Subscriber[],
  clientOf: (party: Pick<Party, "id" | "key">) => Transport,
): Promise<string> {
  const [id = "", webhook = ""] = entry.split(":");
  const s = subscribers.find((x) => x.id === id);
  if (s === undefined) return entry;
  const seen = s.endpoint.attempts
    .filter((a) => a.webhookId === webhook)
    .map((a) => {
      const what = a.behaviour.kind === "answer" ? a.behaviour.status : a.behaviour.kind;
      return `${what}@${new Date(a.arrivedAt).toISOString().slice(11, 23)}`;
    });
  let recorded = "not listed";
  let cursor = "";
  for (let page = 0; page < 50; page += 1) {
    const listed = await clientOf(s).raw(
      "GET",
      `/v1/subscriptions/${s.subscriptionId}/deliveries?limit=100${cursor}`,
    );
    const body = listed.body as { items: Record<string, unknown>[]; next_cursor: string | null };
    const found = body.items.find((d) => d.webhook_id === webhook);
    if (found !== undefined) {
      recorded = JSON.stringify(found);
      break;
    }
    if (body.next_cursor === null || body.items.length === 0) break;
    cursor = `&cursor=${body.next_cursor}`;
  }
  return `${entry}: attempts seen [${seen.join(", ")}]; hub records ${recorded}`;
}

/** The feed and the stored JWS, read back after the run. */
async function checkStoredState(
  report: KillStreamReport,
  payloads: readonly BulletinPayload[],
  jwsOf: ReadonlyMap<string, string>,
  parties: readonly Party[],
  directory: readonly ModelOrg[],
  clientOf: (party: Pick<Party, "id" | "key">) => Transport,
): Promise<void> {
  const unique = [...new Map(parties.map((p) => [p.id, p])).values()];
  for (const party of unique) {
    const client = clientOf(party);
    const seen: string[] = [];
    let cursor = "";
    for (let page = 0; page < 1000; page += 1) {
      const response = await client.raw("GET", `/v1/bulletins?limit=100${cursor}`);
      const body = response.body as {
        items: { id: string }[];
        next_cursor: string;
        has_more: boolean;
      };
      if (response.status !== 200) {
        report.feedProblems.push(`${party.id}: feed answered ${response.status}`);
        break;
      }
      seen.push(...body.items.map((item) => item.id));
      if (!body.has_more) break;
      cursor = `&cursor=${body.next_cursor}`;
    }
    const expected = payloads
      .filter((p) => mayView(p, recipientsAt(p.audience ?? [], directory), party.model))
      .map((p) => p.id);
    if (new Set(seen).size !== seen.length)
      report.feedProblems.push(`${party.id}: a change repeats`);
    const missing = expected.filter((id) => !seen.includes(id));
    const extra = seen.filter((id) => !expected.includes(id));
    if (missing.length > 0)
      report.feedProblems.push(`${party.id}: feed misses ${missing.join(",")}`);
    if (extra.length > 0) report.feedProblems.push(`${party.id}: feed shows ${extra.join(",")}`);
  }
  for (const payload of payloads) {
    const publisher = unique.find((p) => p.id === payload.issuer) as Party;
    const read = await clientOf(publisher).raw("GET", `/v1/bulletins/${payload.id}`);
    if ((read.body as { jws?: string } | undefined)?.jws !== jwsOf.get(payload.id))
      report.jwsProblems.push(`${payload.id}: ${read.status}`);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

export function describeReport(report: KillStreamReport): string {
  return (
    `seed ${report.seed}: ${report.kills} SIGKILLs, ${report.publishes} publishes ` +
    `(${report.unanswered} POSTs unanswered, ${report.reposted} bulletins re-posted, ` +
    `${report.repostsAlreadyCommitted} of them already committed and answered 200 with the same ` +
    `receipt), ${report.events} events, ${report.owedDeliveries} ` +
    `deliveries owed, ${report.owedDeliveries - report.missing.length} made in ` +
    `${report.deliveryAttempts} attempts, ${report.duplicatesDropped} duplicates dropped by ` +
    `webhook-id, drained ${(report.drainMs / 1000).toFixed(1)} s after the last restart, ` +
    `${(report.durationMs / 1000).toFixed(0)} s in all`
  );
}

/** Invariant 1 over a run: nothing accepted lost, nothing delivered twice, to no one not owed it. */
export function expectNothingLostOrLeaked(report: KillStreamReport, events: number): void {
  expect(report.publishProblems).toEqual([]);
  expect(report.events).toBe(events);
  expect(report.missingDetails).toEqual([]);
  expect(report.missing).toEqual([]);
  expect(report.extra).toEqual([]);
  expect(report.unknown).toEqual([]);
  expect(report.badSignatures).toEqual([]);
  expect(report.wrongBodies).toEqual([]);
  expect(report.feedProblems).toEqual([]);
  expect(report.jwsProblems).toEqual([]);
}
