/**
 * The TAXII collection as a property (shared/taxii): publications of every TLP and
 * audience from two publishers, naming a small pool of addresses so that observables,
 * identities and markings are shared between bulletins, revocations, and readers of
 * both credentials polling as OpenCTI does (a page at a time, `next` and `added_after`)
 * in between. For every reader: no object version is ever served twice, every object a
 * served object refers to was served to it, every version of every bulletin it may
 * read reached it and nothing of any other — and a fresh walk from the start agrees.
 */
import fc from "fast-check";
import { ulid } from "ulid";
import { describe, expect, it } from "vitest";
import type { BulletinPayload, Tlp } from "../../../shared/bulletins/schema.js";
import type { BulletinRecord } from "../../../shared/bulletins/types.js";
import { isExportedTo } from "../../../shared/bulletins/visibility.js";
import type { Indicator } from "../../../shared/indicators/types.js";
import { stixIds } from "../../../shared/interop/stix/bulletin.js";
import type { StixObject } from "../../../shared/interop/stix/types.js";
import type { Organisation } from "../../../shared/orgs/types.js";
import type { IntroductionStore, Store } from "../../../shared/store/types.js";
import { ALL_VERSIONS, type Filters } from "../../../shared/taxii/filters.js";
import { readCollectionPage } from "../../../shared/taxii/pages.js";
import { decodeNext, firstChangeAfter, laterOf, START } from "../../../shared/taxii/position.js";
import type { ExportReader } from "../../../shared/taxii/reader.js";
import { MemoryChangeStore } from "../../helpers/memory-changes.js";
import { checkCollection } from "../../interop/stix-rules.js";

const ORGS = ["p1", "p2", "r1", "r2"] as const;
const POOL: Indicator[] = [
  {
    type: "crypto_address",
    chain: "ethereum",
    address: "0x52908400098527886e0f7030069857d2e4169ee7",
  },
  {
    type: "crypto_address",
    chain: "ethereum",
    address: "0x8617e340b3d01fa5f11f306f4090fd50e238070d",
  },
  { type: "crypto_address", chain: "tron", address: "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t" },
  { type: "telegram_channel", value: "https://t.me/shared_channel" },
];

class MemoryIntroductions implements IntroductionStore {
  readonly items = new Map<string, Record<string, number>>();
  async introductions(ids: readonly string[]) {
    return new Map(
      ids.flatMap((id) => {
        const item = this.items.get(id);
        return item === undefined ? [] : [[id, { ...item }] as const];
      }),
    );
  }
  async introduce(id: string, classes: Record<string, number>) {
    const item = this.items.get(id) ?? {};
    for (const [name, seq] of Object.entries(classes)) item[name] ??= seq;
    this.items.set(id, item);
    return { ...item };
  }
}

const org = (id: string): Organisation => ({
  id,
  name: `${id} name`,
  type: "exchange",
  roles: ["publish", "subscribe"],
  groups: [],
  status: "active",
  keys: {},
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z",
  version: 1,
});

const operation = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("publish" as const),
      issuer: fc.constantFrom("p1", "p2"),
      tlp: fc.constantFrom<Tlp>("clear", "green", "amber", "amber+strict", "red"),
      recipients: fc.subarray(["r1", "r2", "p1", "p2"], { minLength: 1 }),
      indicators: fc.subarray(POOL, { minLength: 1, maxLength: 3 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("revoke" as const), which: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("read" as const),
      reader: fc.nat({ max: 3 }),
      limit: fc.integer({ min: 1, max: 12 }),
    }),
  },
);

interface Poller {
  reader: ExportReader;
  next?: string;
  addedAfter?: string;
  served: Map<string, StixObject>;
}

describe("the TAXII collection", () => {
  it("serves each reader every version it may read exactly once, and every object they refer to", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 4, maxLength: 30 }), async (operations) => {
        const changes = new MemoryChangeStore();
        const introductions = new MemoryIntroductions();
        const orgs = new Map<string, Organisation>(ORGS.map((id) => [id, org(id)]));
        const store = {
          changes,
          introductions,
          orgs: {
            getOrgs: async (ids: readonly string[]) =>
              new Map(
                ids.flatMap((id) =>
                  orgs.has(id) ? [[id, orgs.get(id) as Organisation] as const] : [],
                ),
              ),
          },
        } as unknown as Store;
        const deps = { store, clock: { now: () => new Date() } };
        const pollers: Poller[] = [
          { reader: { org: org("r1"), ceiling: "amber" }, served: new Map() },
          { reader: { org: org("r1"), ceiling: "amber+strict" }, served: new Map() },
          { reader: { org: org("r2"), ceiling: "amber" }, served: new Map() },
          { reader: { org: org("p1"), ceiling: "amber+strict" }, served: new Map() },
        ];
        const published: BulletinRecord[] = [];
        const filters: Filters = { versions: ALL_VERSIONS, specVersion: true };

        const poll = async (poller: Poller, limit: number) => {
          let start = poller.next === undefined ? START : decodeNext(poller.next);
          if (poller.addedAfter !== undefined)
            start = laterOf(start, {
              seq: await firstChangeAfter(deps, poller.addedAfter),
              skip: 0,
            });
          const page = await readCollectionPage(deps, poller.reader, start, limit, filters);
          expect(page.objects.length).toBeLessThanOrEqual(limit);
          for (const served of page.objects) {
            const key = `${served.id}@${served.version}`;
            expect(poller.served.has(key), `served twice: ${key}`).toBe(false);
            poller.served.set(key, served.object);
          }
          if (page.objects.length === 0) return false;
          if (page.more) poller.next = page.next;
          else {
            poller.next = undefined;
            poller.addedAfter = page.objects.at(-1)?.date_added;
          }
          return true;
        };

        for (const op of operations) {
          if (op.kind === "publish") {
            published.push(await publish(changes, op));
          } else if (op.kind === "revoke") {
            const target = published[op.which % Math.max(1, published.length)];
            if (target !== undefined) await revoke(changes, target);
          } else {
            await poll(pollers[op.reader] as Poller, op.limit);
          }
        }
        for (const poller of pollers) {
          for (let i = 0; i < 1000 && (await poll(poller, 7)); i++);
          const objects = [...poller.served.values()];
          checkCollection(objects);
          const fresh: Poller = { reader: poller.reader, served: new Map() };
          for (let i = 0; i < 1000 && (await poll(fresh, 1000)); i++);
          expect([...fresh.served.keys()].sort()).toEqual([...poller.served.keys()].sort());
          for (const record of published) {
            const current = changes.records.get(record.id) as BulletinRecord;
            const reports = objects.filter((o) => o.id === stixIds.report(record.id));
            const expected = isExportedTo(current, poller.reader.org, poller.reader.ceiling)
              ? current.changes.revoked === undefined
                ? 1
                : 2
              : 0;
            expect(reports, `${record.tlp} from ${record.issuer}`).toHaveLength(expected);
          }
        }
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});

async function publish(
  changes: MemoryChangeStore,
  op: { issuer: string; tlp: Tlp; recipients: string[]; indicators: Indicator[] },
): Promise<BulletinRecord> {
  const id = ulid();
  const now = new Date().toISOString();
  const shared = op.tlp === "clear" || op.tlp === "green";
  const payload: BulletinPayload = {
    id,
    issuer: op.issuer,
    issued_at: now,
    title: `bulletin ${id}`,
    category: "sanctions",
    tlp: op.tlp,
    ...(shared ? {} : { audience: op.recipients }),
    confidence: 70,
    valid_until: null,
    supersedes: null,
    indicators: op.indicators,
  };
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const record: BulletinRecord = {
    id,
    issuer: op.issuer,
    tlp: op.tlp,
    category: "sanctions",
    confidence: 70,
    issued_at: now,
    valid_until: null,
    received_at: now,
    status: "active",
    recipients: shared ? [] : op.recipients,
    chains: [],
    indicator_types: [],
    jws: `${encode({ alg: "EdDSA", kid: "k", typ: "cordon-bulletin+jws" })}.${encode(payload)}.c2ln`,
    kid: "k",
    content_sha256: id,
    receipt: "receipt",
    supersedes: null,
    changes: { published: { committed_at: now } },
    version: 1,
  };
  expect(await changes.commitPublication(record, [], now)).toBe(true);
  await changes.sequence(record, "published", new Date(), async () => "receipt");
  await changes.markDone(id, "published", "indexed");
  return record;
}

async function revoke(changes: MemoryChangeStore, target: BulletinRecord): Promise<void> {
  const at = new Date().toISOString();
  if (
    !(await changes.commitRevocation(target.id, target.issuer, { reason: "x", revoked_at: at }, at))
  )
    return;
  const current = changes.records.get(target.id) as BulletinRecord;
  await changes.sequence(current, "revoked", new Date(), async () => "change-receipt");
  await changes.markDone(target.id, "revoked", "indexed");
}
