/**
 * The change protocol as a state machine (shared/changes/protocol.ts), against an
 * in-memory fake of its store port: every kind reaches the log exactly once, in
 * commit order, with `at` increasing, whatever step a driver dies at and however
 * many drivers run at once.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { summariseIndicators } from "../../../shared/bulletins/indicators-of.js";
import type { BulletinRecord } from "../../../shared/bulletins/types.js";
import { parseMicros } from "../../../shared/changes/instants.js";
import {
  advance,
  CHANGE_PROTOCOL,
  finishFanout,
  type ProtocolDeps,
} from "../../../shared/changes/protocol.js";
import { sweep } from "../../../shared/changes/sweeper.js";
import { CHANGE_KINDS } from "../../../shared/changes/types.js";
import { CountingMetrics, silentLogger } from "../../../shared/observability/types.js";
import type { FanoutMessage } from "../../../shared/queue/port.js";
import {
  contentSha256,
  decodeBulletinJws,
  signBulletin,
} from "../../../shared/signatures/bulletin-jws.js";
import { generateHubKeySet, hubJwks } from "../../../shared/signatures/hub-keys.js";
import { generateSigningKey } from "../../../shared/signatures/keys.js";
import { signReceipt, verifyChangeReceipt } from "../../../shared/signatures/receipt.js";
import type { Store, WorkItem } from "../../../shared/store/types.js";
import { bulletinPayload } from "../../helpers/bulletins.js";
import { MemoryChangeStore } from "../../helpers/memory-changes.js";

interface World {
  deps: ProtocolDeps;
  changes: MemoryChangeStore;
  fanouts: FanoutMessage[];
  clock: { t: number };
}

async function world(): Promise<World> {
  const changes = new MemoryChangeStore();
  const fanouts: FanoutMessage[] = [];
  const clock = { t: Date.parse("2026-12-01T10:00:00Z") };
  const deps: ProtocolDeps = {
    store: { changes } as unknown as Store,
    queue: {
      sendFanout: async (messages) => {
        fanouts.push(...messages);
      },
      sendDeliveries: async () => {},
      retryAfter: async () => {},
      sendToDeadLetter: async () => {},
    },
    clock: { now: () => new Date(clock.t) },
    logger: silentLogger,
    hubKeys: await generateHubKeySet(),
  };
  return { deps, changes, fanouts, clock };
}

const { signingKey: publisher } = await generateSigningKey("Ed25519");

async function committed(w: World, overrides: Parameters<typeof bulletinPayload>[1] = {}) {
  const payload = bulletinPayload("trm", overrides);
  const jws = await signBulletin(payload, publisher);
  const decoded = decodeBulletinJws(jws);
  const receivedAt = new Date(w.clock.t).toISOString();
  const sha = contentSha256(decoded);
  const record: BulletinRecord = {
    id: payload.id,
    issuer: "trm",
    tlp: payload.tlp,
    category: payload.category,
    confidence: payload.confidence,
    issued_at: payload.issued_at,
    valid_until: null,
    received_at: receivedAt,
    status: "active",
    recipients: [],
    chains: ["tron"],
    indicator_types: ["crypto_address", "telegram_channel"],
    jws,
    kid: publisher.kid,
    content_sha256: sha,
    receipt: await signReceipt(
      {
        id: payload.id,
        issuer: "trm",
        kid: publisher.kid,
        content_sha256: sha,
        received_at: receivedAt,
      },
      w.deps.hubKeys.current,
    ),
    supersedes: payload.supersedes ?? null,
    changes: { published: { committed_at: receivedAt } },
    version: 1,
  };
  const indicators = summariseIndicators(payload).normalised;
  expect(await w.changes.commitPublication(record, indicators, "due")).toBe(true);
  return { record, indicators };
}

/** Runs the fan-out worker's part for every message queued so far. */
async function drainFanout(w: World): Promise<void> {
  for (const message of w.fanouts.splice(0)) {
    if (message.kind === "bulletin")
      await finishFanout(w.deps, message.bulletin_id, message.change);
  }
}

let w: World;
beforeEach(async () => {
  w = await world();
});

describe("the change protocol", () => {
  it("lists, for every kind, the sequence first and the index before the fan-out", () => {
    for (const kind of CHANGE_KINDS) {
      const steps = CHANGE_PROTOCOL[kind];
      expect(steps[0]).toBe("sequence");
      expect(steps.indexOf("index")).toBeLessThan(steps.indexOf("fanout"));
      expect(steps.at(-1)).toBe("fanout");
    }
  });

  it("logs a publication once from seq 0, indexes it, hands it to fan-out, then takes it off the outbox", async () => {
    const { record, indicators } = await committed(w);
    await advance(w.deps, record.id);
    expect(w.changes.log.map((e) => [e.seq, e.kind, e.bulletin_id])).toEqual([
      [0, "published", record.id],
    ]);
    expect(w.changes.log[0]?.receipt).toBe(record.receipt);
    const matches = await w.changes.committedMatches(indicators);
    expect(matches.get(indicators[0] ?? "")?.[0]?.status).toBe("active");
    expect(w.fanouts).toEqual([{ kind: "bulletin", bulletin_id: record.id, change: "published" }]);
    expect(w.changes.outbox.has(record.id)).toBe(true);
    await drainFanout(w);
    expect(w.changes.outbox.has(record.id)).toBe(false);
    const stored = await w.changes.bulletin(record.id);
    expect(stored?.changes.published).toMatchObject({ seq: 0, indexed: true, fanned_out: true });
  });

  it.each([
    ["sequence", "sequence"],
    ["the index mirror", "mirrorStatus"],
    ["recording a step", "markDone"],
  ] as const)(
    "completes a publication exactly once after a driver dies at %s",
    async (_, method) => {
      const { record } = await committed(w);
      w.changes.failNext(method);
      await expect(advance(w.deps, record.id)).rejects.toThrow(/injected/);
      await advance(w.deps, record.id);
      await advance(w.deps, record.id);
      await drainFanout(w);
      expect(w.changes.log.filter((e) => e.bulletin_id === record.id)).toHaveLength(1);
      expect(w.changes.outbox.has(record.id)).toBe(false);
    },
  );

  it("re-sends the fan-out until the worker marks it done, and the sweeper drives what a dead request left", async () => {
    const { record } = await committed(w);
    w.changes.failNext("sequence");
    await expect(advance(w.deps, record.id)).rejects.toThrow();
    const work: WorkItem[] = [
      { kind: "bulletin", bulletin_id: record.id, due: "x", handle: record.id },
    ];
    const metrics = new CountingMetrics();
    const store = {
      changes: w.changes,
      work: {
        listDueWork: async () => work.splice(0),
        postpone: async () => 1,
        delay: async () => {},
      },
    } as unknown as Store;
    await sweep({ ...w.deps, store, metrics });
    expect(w.changes.log).toHaveLength(1);
    expect(w.fanouts).toHaveLength(1);
    await drainFanout(w);
    expect(w.changes.outbox.has(record.id)).toBe(false);
  });

  it("does not take a claimed place for a logged one: a driver that died in between is finished by the next", async () => {
    const { record } = await committed(w);
    w.changes.dieAfterNextClaim();
    await expect(advance(w.deps, record.id)).rejects.toThrow(/between the claim/);
    const claimed = await w.changes.bulletin(record.id);
    expect(claimed?.changes.published).toMatchObject({ seq: 0 });
    expect(claimed?.changes.published?.logged).toBeUndefined();
    // Another change takes the claimed place before the re-drive.
    const other = await committed(w);
    await advance(w.deps, other.record.id);
    await advance(w.deps, record.id);
    expect(w.changes.log.map((e) => e.bulletin_id)).toEqual([other.record.id, record.id]);
    const stored = await w.changes.bulletin(record.id);
    expect(stored?.changes.published).toMatchObject({ seq: 1, logged: true });
  });

  it("logs a change once however many drivers run at once", async () => {
    const { record } = await committed(w);
    await Promise.all(Array.from({ length: 6 }, () => advance(w.deps, record.id)));
    expect(w.changes.log).toHaveLength(1);
  });

  it("logs a revocation after the publication it revokes, even when the publication was left unlogged", async () => {
    const { record, indicators } = await committed(w);
    w.changes.failNext("sequence");
    await expect(advance(w.deps, record.id)).rejects.toThrow();
    w.clock.t += 1000;
    const revokedAt = new Date(w.clock.t).toISOString();
    expect(
      await w.changes.commitRevocation(
        record.id,
        "trm",
        { reason: "wrong", revoked_at: revokedAt },
        "due",
      ),
    ).toBe(true);
    await advance(w.deps, record.id);
    expect(w.changes.log.map((e) => e.kind)).toEqual(["published", "revoked"]);
    const matches = await w.changes.committedMatches(indicators);
    expect(matches.get(indicators[0] ?? "")?.[0]?.status).toBe("revoked");
    const revocation = w.changes.log[1];
    const claims = await verifyChangeReceipt(revocation?.receipt ?? "", hubJwks(w.deps.hubKeys));
    expect(claims).toEqual({
      id: record.id,
      issuer: "trm",
      kind: "revoked",
      seq: 1,
      at: revocation?.at,
    });
  });

  it("never lets a late mirror of the publication overwrite the revocation in the index", async () => {
    const { record, indicators } = await committed(w);
    const stale = { ...record };
    await w.changes.commitRevocation(record.id, "trm", { reason: "r", revoked_at: "t" }, "due");
    const revoked = await w.changes.bulletin(record.id);
    if (revoked === undefined) throw new Error("no bulletin");
    await w.changes.mirrorStatus(revoked, indicators);
    await w.changes.mirrorStatus(stale, indicators);
    const matches = await w.changes.committedMatches(indicators);
    expect(matches.get(indicators[0] ?? "")?.[0]?.status).toBe("revoked");
  });

  it("supersedes the predecessor after the successor's publication, with no event of its own", async () => {
    const first = await committed(w);
    await advance(w.deps, first.record.id);
    await drainFanout(w);
    w.clock.t += 1000;
    const second = await committed(w, { supersedes: first.record.id });
    await advance(w.deps, second.record.id);
    expect(w.changes.log.map((e) => [e.kind, e.bulletin_id])).toEqual([
      ["published", first.record.id],
      ["published", second.record.id],
      ["superseded", first.record.id],
    ]);
    expect(w.fanouts).toEqual([
      { kind: "bulletin", bulletin_id: second.record.id, change: "published" },
    ]);
    expect(w.changes.outbox.has(first.record.id)).toBe(false);
    const old = await w.changes.bulletin(first.record.id);
    expect(old).toMatchObject({ status: "superseded", superseded_by: second.record.id });
  });

  it("gives every change an `at` after its predecessor's, even when the clock steps back", async () => {
    for (let i = 0; i < 5; i += 1) {
      const { record } = await committed(w);
      await advance(w.deps, record.id);
      w.clock.t -= 60_000;
    }
    const instants = w.changes.log.map((e) => parseMicros(e.at));
    for (let i = 1; i < instants.length; i += 1)
      expect(instants[i]).toBeGreaterThan(instants[i - 1] ?? 0);
    expect(w.changes.log.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4]);
  });
});
