/**
 * The mirror's answer is the hub's (DESIGN §17): for random bulletins — every TLP,
 * audiences of organisations and groups, revocations, supersessions, expiries both
 * past and due during the run — published by several organisations, and random
 * screening inputs (hits in several spellings, misses, other chains, duplicates,
 * invalid ones), each organisation's mirror deep-equals the hub's `POST /v1/screen`
 * at the same moment, refusals included; and its log of changes is exactly the
 * changes the hub's feed shows that organisation, none repeated, none skipped.
 *
 * Seeded: CORDON_MIRROR_SEED replays one seed; CORDON_MIRROR_SEEDS sets how many run.
 */
import { isDeepStrictEqual } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Mirror } from "../../cli/sdk/mirror/index.js";
import type { BulletinPayload, Tlp } from "../../shared/bulletins/schema.js";
import type { Role } from "../../shared/orgs/types.js";
import { bulletinPayload, publish } from "../helpers/bulletins.js";
import { startTestHub, type TestHub, type TestOrg } from "../helpers/hub.js";
import {
  type Family,
  invalidInput,
  onAnotherChain,
  randomFamily,
  type Spelling,
} from "../helpers/indicator-pool.js";
import { hubScreen, mirrorFolder, openTestMirror } from "../helpers/mirror.js";
import { type Random, seededRandom } from "../helpers/seeded-random.js";

const seeds = ((): number[] => {
  const given = process.env.CORDON_MIRROR_SEED;
  if (given !== undefined) return [Number(given)];
  const count = Number(process.env.CORDON_MIRROR_SEEDS ?? 3);
  const base = Math.floor(Math.random() * 1_000_000);
  return Array.from({ length: count }, (_, i) => base + i);
})();

const TLPS: readonly Tlp[] = ["clear", "green", "amber", "amber+strict", "red"];
const OFFSETS_MINUTES = [0, 0, 330, -300, 345, 600, -570];

interface Published {
  payload: BulletinPayload;
  revoked: boolean;
}

interface World {
  seed: number;
  random: Random;
  orgs: TestOrg[];
  publishers: TestOrg[];
  groups: string[];
  families: Family[];
  published: Published[];
  mirrors: Map<string, Mirror>;
  /** The latest `valid_until` due during the run, in ms. */
  lastDue: number;
  /** Results compared that matched something, and that were invalid: the test must see both. */
  seen: { hits: number; invalid: number };
}

describe("the mirror answers exactly what the hub answers", () => {
  let t: TestHub;
  let folder: Awaited<ReturnType<typeof mirrorFolder>>;

  beforeAll(async () => {
    t = await startTestHub();
    folder = await mirrorFolder();
  });
  afterAll(async () => {
    await t.stop();
    await folder.remove();
  });

  it.each(seeds)("seed %i", { timeout: 240_000 }, async (seed) => {
    const world = await createWorld(t, seed);
    try {
      const operations = world.random.int(16, 26);
      const checkpoints = new Set([Math.floor(operations / 3), Math.floor((2 * operations) / 3)]);
      for (let step = 0; step < operations; step += 1) {
        await randomOperation(world);
        if (checkpoints.has(step)) {
          // Some mirrors catch up now, others later: both must end the same.
          for (const org of world.random.subset(world.orgs, 0.6)) {
            await mirrorOf(world, org).sync();
            await compareScreening(world, org, `step ${step}`);
          }
        }
      }
      for (const org of world.orgs) {
        await mirrorOf(world, org).sync();
        await compareScreening(world, org, "end");
        await compareRefusals(world, org);
        await compareChanges(world, org);
      }
      // Expiry is the clock's: no change, no sync — bulletins due during the run lapse.
      const wait = world.lastDue + 50 - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      for (const org of world.orgs) await compareScreening(world, org, "after expiries");
      expect(world.seen.hits, `seed ${seed}: no screening hit anything`).toBeGreaterThan(0);
      expect(world.seen.invalid, `seed ${seed}: no input was invalid`).toBeGreaterThan(0);
    } finally {
      for (const mirror of world.mirrors.values()) mirror.close();
    }
  });

  async function createWorld(hub: TestHub, seed: number): Promise<World> {
    const random = seededRandom(seed);
    const groups = [`g${seed}-a`, `g${seed}-b`];
    const orgs: TestOrg[] = [];
    const publishers: TestOrg[] = [];
    const count = random.int(4, 5);
    for (let i = 0; i < count; i += 1) {
      // Two publishers at least, one of which may not screen; every group has a member.
      const roles: Role[] =
        i === 0
          ? ["publish"]
          : i === 1
            ? ["publish", "screen"]
            : random.pick<Role[]>([["screen"], ["publish", "screen"]]);
      const org = await hub.onboard(`s${seed}-org${i}`, {
        roles,
        groups: i < 2 ? [groups[i] as string] : random.subset(groups, 0.5),
      });
      orgs.push(org);
      if (roles.includes("publish")) publishers.push(org);
    }
    return {
      seed,
      random,
      orgs,
      publishers,
      groups,
      families: Array.from({ length: random.int(12, 20) }, () => randomFamily(random)),
      published: [],
      mirrors: new Map(),
      lastDue: 0,
      seen: { hits: 0, invalid: 0 },
    };
  }

  function mirrorOf(world: World, org: TestOrg): Mirror {
    let mirror = world.mirrors.get(org.id);
    if (mirror === undefined) {
      mirror = openTestMirror(t, org, folder.path(`${org.id}.sqlite`), {
        pageLimit: world.random.int(3, 100),
      });
      world.mirrors.set(org.id, mirror);
    }
    return mirror;
  }

  async function randomOperation(world: World): Promise<void> {
    const { random } = world;
    const issuer = random.pick(world.publishers);
    const own = world.published.filter((p) => p.payload.issuer === issuer.id);
    const live = own.filter((p) => !p.revoked);
    if (live.length > 0 && random() < 0.15) {
      const target = random.pick(live);
      const response = await issuer.client.raw(
        "POST",
        `/v1/bulletins/${target.payload.id}/revoke`,
        {
          body: { reason: `seed ${world.seed}` },
        },
      );
      expect(response.status, `seed ${world.seed}: ${response.text}`).toBe(200);
      target.revoked = true;
      return;
    }
    const payload = randomBulletin(world, issuer, own);
    const response = await publish(issuer, payload);
    expect(response.status, `seed ${world.seed}: ${response.text}`).toBe(201);
    world.published.push({ payload, revoked: false });
  }

  function randomBulletin(
    world: World,
    issuer: TestOrg,
    own: readonly Published[],
  ): BulletinPayload {
    const { random } = world;
    const now = Date.now();
    const tlp = random.pick(TLPS);
    const others = world.orgs.map((org) => org.id);
    const audience =
      tlp === "clear" || tlp === "green"
        ? undefined
        : nonEmpty(
            random,
            tlp === "amber" ? [...others, ...world.groups.map((g) => `group:${g}`)] : others,
          );
    const issuedAt = now - random.int(2 * 3_600_000, 5 * 86_400_000);
    const due = now + random.int(1_000, 4_000);
    const validUntil = random.pick([
      null,
      null,
      rfc3339(issuedAt + 3_600_000, random),
      rfc3339(due, random),
      rfc3339(now + 30 * 86_400_000, random),
    ]);
    const lapses = validUntil === null ? 0 : Date.parse(validUntil);
    if (lapses > now && lapses < now + 60_000) world.lastDue = Math.max(world.lastDue, lapses);
    const indicators = Array.from({ length: random.int(1, 4) }, () => {
      const spelling = random.pick(random.pick(world.families).spellings);
      return (random() < 0.1 ? onAnotherChain(spelling) : undefined) ?? spelling;
    });
    return bulletinPayload(issuer.id, {
      tlp,
      ...(audience === undefined ? {} : { audience }),
      confidence: random.int(0, 100),
      category: random.pick(["terrorist_financing", "sanctions", "scam", "ransomware"] as const),
      issued_at: rfc3339(issuedAt, random),
      valid_until: validUntil,
      supersedes: own.length > 0 && random() < 0.2 ? random.pick(own).payload.id : null,
      indicators: indicators as unknown as BulletinPayload["indicators"],
    });
  }

  function randomInputs(world: World): unknown[] {
    const { random } = world;
    const inputs: unknown[] = [];
    const count = random.int(1, 60);
    for (let i = 0; i < count; i += 1) {
      const roll = random();
      if (roll < 0.45) inputs.push(random.pick(random.pick(world.families).spellings));
      else if (roll < 0.6) inputs.push(randomFamily(random).spellings[0]);
      else if (roll < 0.7) {
        const spelling = random.pick(random.pick(world.families).spellings) as Spelling;
        inputs.push(onAnotherChain(spelling) ?? spelling);
      } else if (roll < 0.85) inputs.push(invalidInput(random));
      else if (inputs.length > 0) inputs.push(random.pick(inputs));
      else inputs.push(invalidInput(random));
    }
    return inputs;
  }

  /**
   * The hub answers at some instant between t0 and t1; when the mirror's answers at
   * both ends agree, no bulletin lapsed between them and the hub's must be that one.
   */
  async function compareScreening(world: World, org: TestOrg, when: string): Promise<void> {
    const mirror = mirrorOf(world, org);
    for (let round = 0; round < 3; round += 1) {
      const inputs = randomInputs(world);
      for (let attempt = 0; ; attempt += 1) {
        const t0 = new Date();
        const hub = await hubScreen(org, inputs);
        const t1 = new Date();
        const before = answerOf(() => mirror.screen(inputs, { now: t0 }));
        const after = answerOf(() => mirror.screen(inputs, { now: t1 }));
        if (!isDeepStrictEqual(before, after) && attempt < 5) continue;
        expect(after, `seed ${world.seed}, ${org.id}, ${when}: ${JSON.stringify(inputs)}`).toEqual(
          hub,
        );
        const results = (hub.body as { results?: { match_count: number; error?: unknown }[] })
          .results;
        world.seen.hits += results?.filter((r) => r.match_count > 0).length ?? 0;
        world.seen.invalid += results?.filter((r) => r.error !== undefined).length ?? 0;
        break;
      }
    }
  }

  async function compareRefusals(world: World, org: TestOrg): Promise<void> {
    const mirror = mirrorOf(world, org);
    const bodies: unknown[] = [[], "not a list", { 0: "x" }, Array.from({ length: 1001 }, () => 1)];
    for (const indicators of bodies) {
      const hub = await hubScreen(org, indicators);
      expect(hub.status).not.toBe(200);
      expect(
        answerOf(() => mirror.screen(indicators)),
        `seed ${world.seed}, ${org.id}`,
      ).toEqual(hub);
    }
  }

  /** The mirror logged exactly the changes the feed shows this organisation, in order. */
  async function compareChanges(world: World, org: TestOrg): Promise<void> {
    const seen: number[] = [];
    let cursor: string | undefined;
    for (;;) {
      const response = await org.client.raw(
        "GET",
        `/v1/bulletins?limit=100${cursor === undefined ? "" : `&cursor=${cursor}`}`,
      );
      const page = response.body as {
        items: { change: { seq: number } }[];
        next_cursor: string;
        has_more: boolean;
      };
      seen.push(...page.items.map((item) => item.change.seq));
      cursor = page.next_cursor;
      if (!page.has_more) break;
    }
    const mirror = mirrorOf(world, org);
    const logged = mirror.store.changes();
    expect(
      logged.map((change) => change.seq),
      `seed ${world.seed}, ${org.id}`,
    ).toEqual(seen);
    expect(logged.every((change) => change.outcome === "applied")).toBe(true);
    expect(mirror.status().unverifiable).toBe(0);
  }
});

/** The hub's answer shape — status and body — for a mirror call, refusals included. */
function answerOf(screen: () => unknown): { status: number; body: unknown } {
  try {
    return { status: 200, body: screen() };
  } catch (error) {
    const refused = error as { status?: number; problem?: unknown };
    if (refused.status === undefined) throw error;
    return { status: refused.status, body: refused.problem };
  }
}

function nonEmpty<T>(random: Random, items: readonly T[]): T[] {
  const chosen = random.subset(items, 0.4);
  return chosen.length > 0 ? chosen : [random.pick(items)];
}

/** An instant as RFC 3339 with a random offset (and sometimes no fraction). */
function rfc3339(instant: number, random: Random): string {
  const withFraction = random() < 0.5;
  const ms = withFraction ? instant : instant - (instant % 1000);
  const offset = random.pick(OFFSETS_MINUTES);
  const local = new Date(ms + offset * 60_000).toISOString();
  const fraction = withFraction ? local.slice(19, 23) : "";
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  const zone =
    offset === 0 && random() < 0.5
      ? "Z"
      : `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
  return `${local.slice(0, 19)}${fraction}${zone}`;
}
