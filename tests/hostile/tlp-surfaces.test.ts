/**
 * The visibility rule on every surface at once (DESIGN §4, §5, §6, §8 invariant 2),
 * as a property: organisations whose groups change between runs, bulletins with random
 * TLPs and audiences (organisations and groups), revocations and sightings — and for
 * every organisation, the operator included: a direct GET answers 200 exactly when it
 * may see the bulletin (404 otherwise, like a missing one), the change feed shows each
 * change it may see once and nothing else, screening matches only what it may see and
 * is active, only the issuer lists sightings, and webhooks reach exactly the
 * subscribers who may see the bulletin, TLP:RED as a notice only — and, through each
 * party's feed token, the TAXII collection (read on from where the last run stopped, so
 * nothing is ever served twice) and the MISP feed hold exactly what it may see up to
 * TLP:AMBER (DESIGN §11). The oracle is the design's rule written out in
 * tests/helpers/entitlement.ts, not the hub's own code.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BulletinPayload, Tlp } from "../../shared/bulletins/schema.js";
import { bulletinEventId } from "../../shared/events/registry.js";
import { mispEventUuid } from "../../shared/interop/misp/uuid.js";
import { stixIds } from "../../shared/interop/stix/bulletin.js";
import { webhookId } from "../../shared/webhooks/signing.js";
import { bulletinPayload, publish, randomEvmAddress } from "../helpers/bulletins.js";
import { type ModelOrg, mayView, recipientsAt } from "../helpers/entitlement.js";
import { startTestHub, type TestHub, type TestOrg } from "../helpers/hub.js";
import { COLLECTION, type Envelope, TaxiiReader } from "../helpers/taxii-client.js";
import {
  startWebhookEndpoint,
  type WebhookEndpoint,
  waitUntil,
} from "../helpers/webhook-endpoint.js";
import { runs } from "./harness.js";

const GROUPS = ["g-a", "g-b", "g-c"] as const;
const PUBLISHERS = ["p1", "p2"] as const;
const PARTICIPANTS = ["p1", "p2", "x1", "x2", "x3", "x4", "y1"] as const;
/** `y1` screens but does not subscribe; the operator holds no other role. */
const SUBSCRIBERS = ["p1", "p2", "x1", "x2", "x3", "x4"] as const;

interface Party {
  org: TestOrg;
  model: ModelOrg;
  endpoint?: WebhookEndpoint;
  subscriptionId?: string;
  /** Where this party's feed reading stands. */
  cursor: string;
  /** Its feed token, and where its TAXII reading stands, OpenCTI-style. */
  taxii?: { reader: TaxiiReader; next?: string; addedAfter?: string; served: Set<string> };
}

interface Published {
  payload: BulletinPayload;
  address: string;
  recipients: Set<string>;
  revoked: boolean;
  /** Sightings reported on it, by id. */
  sightings: string[];
}

let t: TestHub;
const parties = new Map<string, Party>();
const published: Published[] = [];
let requests = 0;
let refused = 0;
let webhooksChecked = 0;

beforeAll(async () => {
  t = await startTestHub();
  for (const id of PARTICIPANTS) {
    const roles = id.startsWith("p")
      ? (["publish", "subscribe", "screen"] as const)
      : id === "y1"
        ? (["screen"] as const)
        : (["subscribe", "screen"] as const);
    const groups = [GROUPS[PARTICIPANTS.indexOf(id) % GROUPS.length] as string];
    const org = await t.onboard(id, { roles: [...roles], groups });
    const party: Party = { org, model: { id, groups }, cursor: "" };
    if ((SUBSCRIBERS as readonly string[]).includes(id)) {
      const endpoint = await startWebhookEndpoint(id);
      const created = await org.client.raw("POST", "/v1/subscriptions", {
        body: {
          url: endpoint.url,
          events: ["bulletin.published", "bulletin.revoked", "sighting.reported"],
        },
      });
      expect(created.status, created.text).toBe(201);
      party.endpoint = endpoint;
      party.subscriptionId = (created.body as { id: string }).id;
    }
    const token = await org.client.raw("POST", "/v1/feed-tokens", { body: { name: "hostile" } });
    expect(token.status, token.text).toBe(201);
    party.taxii = {
      reader: new TaxiiReader(org, `Bearer ${(token.body as { token: string }).token}`),
      served: new Set(),
    };
    parties.set(id, party);
  }
  parties.set("hub-admin", {
    org: { id: "hub-admin", key: t.adminKey, publicJwk: undefined as never, client: t.admin },
    model: { id: "hub-admin", groups: [], admin: true },
    cursor: "",
  });
});
afterAll(async () => {
  console.info(
    `[hostile TLP] ${published.length} bulletins accepted and ${refused} refused for their audience, ` +
      `across ${parties.size} organisations: ` +
      `${requests} requests on get, feed, screen and sightings, ${webhooksChecked} webhooks checked`,
  );
  await t.stop();
  await Promise.all([...parties.values()].map((p) => p.endpoint?.close()));
});

const directory = () =>
  [...parties.values()].filter((p) => p.model.admin !== true).map((p) => p.model);
const party = (id: string) => parties.get(id) as Party;

const bulletinSpec = fc.record({
  publisher: fc.constantFrom(...PUBLISHERS),
  tlp: fc.constantFrom<Tlp>("clear", "green", "amber", "amber+strict", "red"),
  // Now and then the operator, which no bulletin may name.
  named: fc.oneof(
    { weight: 9, arbitrary: fc.subarray([...PARTICIPANTS]) },
    { weight: 1, arbitrary: fc.subarray([...PARTICIPANTS, "hub-admin"]) },
  ),
  groups: fc.subarray([...GROUPS]),
  revoke: fc.boolean(),
  sightingBy: fc.option(fc.constantFrom(...PARTICIPANTS), { nil: undefined }),
});

const runSpec = fc.record({
  regroup: fc.array(
    fc.record({ org: fc.constantFrom(...PARTICIPANTS), groups: fc.subarray([...GROUPS]) }),
    {
      maxLength: 2,
    },
  ),
  bulletins: fc.array(bulletinSpec, { minLength: 1, maxLength: 4 }),
});

/** Whether the hub must refuse this audience (DESIGN §4, §9), and so store nothing. */
function refusal(tlp: Tlp, audience: string[]): boolean {
  if (tlp === "clear" || tlp === "green") return audience.length > 0;
  if (audience.length === 0) return true;
  if (audience.includes("hub-admin")) return true;
  const groups = audience.filter((a) => a.startsWith("group:"));
  if ((tlp === "amber+strict" || tlp === "red") && groups.length > 0) return true;
  // A group is known when at least one active organisation belongs to it.
  return groups.some(
    (g) => !directory().some((org) => org.groups.includes(g.slice("group:".length))),
  );
}

async function call(org: TestOrg, method: string, path: string, body?: unknown) {
  requests += 1;
  return org.client.raw(method, path, body === undefined ? {} : { body });
}

describe("TLP and audience on every surface", () => {
  it("never shows, lists, screens or delivers a bulletin to an organisation that may not see it", async () => {
    await fc.assert(
      fc.asyncProperty(runSpec, async (run) => {
        // Groups change between publishes: joining later opens nothing, leaving hides nothing.
        for (const change of run.regroup) {
          const answer = await call(
            party("hub-admin").org,
            "PATCH",
            `/v1/admin/orgs/${change.org}`,
            {
              groups: change.groups,
            },
          );
          expect(answer.status, answer.text).toBe(200);
          party(change.org).model = { id: change.org, groups: change.groups };
        }
        const fresh: Published[] = [];
        for (const spec of run.bulletins) {
          const address = randomEvmAddress();
          const audience = [
            ...(spec.tlp === "clear" || spec.tlp === "green" ? [] : spec.named),
            ...(spec.tlp === "amber" ? spec.groups.map((g) => `group:${g}`) : []),
          ];
          const payload = bulletinPayload(spec.publisher, {
            tlp: spec.tlp,
            ...(audience.length > 0 ? { audience } : {}),
            indicators: [{ type: "crypto_address", chain: "ethereum", address }],
          });
          requests += 1;
          const answer = await publish(party(spec.publisher).org, payload);
          if (refusal(spec.tlp, audience)) {
            expect(answer.status, answer.text).toBe(422);
            refused += 1;
            continue;
          }
          expect(answer.status, answer.text).toBe(201);
          const entry: Published = {
            payload,
            address,
            recipients: recipientsAt(audience, directory()),
            revoked: false,
            sightings: [],
          };
          fresh.push(entry);
          published.push(entry);
          if (spec.sightingBy !== undefined) {
            const reporter = party(spec.sightingBy);
            const seen = mayView(payload, entry.recipients, reporter.model);
            const reported = await call(reporter.org, "POST", "/v1/sightings", {
              bulletin_id: payload.id,
              indicator: { type: "crypto_address", chain: "ethereum", address },
            });
            expect(reported.status, `${spec.sightingBy} reports on ${spec.tlp}`).toBe(
              seen ? 201 : 404,
            );
            if (seen) entry.sightings.push((reported.body as { id: string }).id);
          }
          if (spec.revoke) {
            const revoked = await call(
              party(spec.publisher).org,
              "POST",
              `/v1/bulletins/${payload.id}/revoke`,
              {
                reason: "withdrawn",
              },
            );
            expect(revoked.status, revoked.text).toBe(200);
            entry.revoked = true;
          }
        }
        await checkSurfaces(fresh);
      }),
      { numRuns: runs(5) },
    );
    await checkWebhooks(published, true);
  }, 120_000);
});

/** get, screen, sightings and the feed, for every organisation, on this run's bulletins. */
async function checkSurfaces(fresh: Published[]): Promise<void> {
  for (const [id, p] of parties) {
    const label = (b: Published) =>
      `${id} on ${b.payload.tlp} from ${b.payload.issuer} to [${[...b.recipients]}]`;
    for (const b of fresh) {
      const visible = mayView(b.payload, b.recipients, p.model);
      const got = await call(p.org, "GET", `/v1/bulletins/${b.payload.id}`);
      expect(got.status, `GET: ${label(b)}`).toBe(visible ? 200 : 404);
      const sightings = await call(p.org, "GET", `/v1/bulletins/${b.payload.id}/sightings`);
      expect(sightings.status, `sightings: ${label(b)}`).toBe(b.payload.issuer === id ? 200 : 404);
      if (b.payload.issuer === id) {
        const items = (sightings.body as { items: { id: string }[] }).items.map((s) => s.id);
        expect(items.sort(), `sightings: ${label(b)}`).toEqual([...b.sightings].sort());
      }
    }
    if (fresh.length > 0 && id !== "hub-admin") {
      const screened = await call(p.org, "POST", "/v1/screen", {
        indicators: fresh.map((b) => ({
          type: "crypto_address",
          chain: "ethereum",
          address: b.address,
        })),
      });
      expect(screened.status).toBe(200);
      const results = (
        screened.body as { results: { match_count: number; matches: { id: string }[] }[] }
      ).results;
      for (const [i, b] of fresh.entries()) {
        const expected = mayView(b.payload, b.recipients, p.model) && !b.revoked;
        expect(results[i]?.match_count, `screen: ${label(b)}`).toBe(expected ? 1 : 0);
      }
    }
    await checkFeed(id, p, fresh);
    await checkExports(id, p, fresh);
  }
}

/**
 * Through the party's feed token: what the TAXII collection adds since the last run
 * (each version once, ever) and the MISP manifest hold exactly this run's bulletins it
 * may see up to TLP:AMBER.
 */
async function checkExports(id: string, p: Party, fresh: Published[]): Promise<void> {
  if (p.taxii === undefined) return;
  const taxii = p.taxii;
  const added: string[] = [];
  for (;;) {
    requests += 1;
    const answer = await taxii.reader.get(`${COLLECTION}/objects/`, {
      "match[version]": "all",
      next: taxii.next,
      added_after: taxii.addedAfter,
    });
    expect(answer.status, answer.text).toBe(200);
    const body = answer.body as Envelope;
    for (const object of body.objects ?? []) {
      const key = `${object.id}@${String(object.modified ?? "")}`;
      expect(taxii.served.has(key), `TAXII of ${id} served ${key} twice`).toBe(false);
      taxii.served.add(key);
      added.push(object.id);
    }
    if (body.more) {
      taxii.next = body.next;
      continue;
    }
    taxii.next = undefined;
    taxii.addedAfter = answer.headers.get("x-taxii-date-added-last") ?? taxii.addedAfter;
    break;
  }
  requests += 1;
  const manifest = await p.org.client.raw("GET", "/misp/manifest.json", {
    authorization: taxii.reader.authorization as string,
  });
  expect(manifest.status).toBe(200);
  for (const b of fresh) {
    const exported =
      mayView(b.payload, b.recipients, p.model) &&
      b.payload.tlp !== "red" &&
      b.payload.tlp !== "amber+strict";
    const where = `${id} on ${b.payload.tlp} from ${b.payload.issuer} to [${[...b.recipients]}]`;
    expect(added.includes(stixIds.report(b.payload.id)), `TAXII: ${where}`).toBe(exported);
    expect(mispEventUuid(b.payload.id) in (manifest.body as object), `MISP: ${where}`).toBe(
      exported,
    );
  }
}

/** Reads what is new in the party's feed: each visible change of this run once, nothing else. */
async function checkFeed(id: string, p: Party, fresh: Published[]): Promise<void> {
  const items: { id: string; tlp?: string; bulletin?: unknown; jws?: unknown; status: string }[] =
    [];
  for (;;) {
    const page = await call(
      p.org,
      "GET",
      `/v1/bulletins?limit=100${p.cursor === "" ? "" : `&cursor=${p.cursor}`}`,
    );
    expect(page.status).toBe(200);
    const body = page.body as { items: typeof items; next_cursor: string; has_more: boolean };
    items.push(...body.items);
    p.cursor = body.next_cursor;
    if (!body.has_more) break;
  }
  const expected = fresh.flatMap((b) =>
    mayView(b.payload, b.recipients, p.model) ? Array(b.revoked ? 2 : 1).fill(b.payload.id) : [],
  );
  expect(items.map((item) => item.id).sort(), `feed of ${id}`).toEqual(expected.sort());
  for (const item of items) {
    const b = fresh.find((f) => f.payload.id === item.id);
    expect(item.status, `feed of ${id}`).toBe(b?.revoked ? "revoked" : "active");
    // TLP:RED leaves the hub only in a recipient's direct GET: a feed item is a notice.
    if (b?.payload.tlp === "red") {
      expect(item.bulletin, `feed of ${id} carries red content`).toBeUndefined();
      expect(item.jws, `feed of ${id} carries red content`).toBeUndefined();
    }
  }
}

/** Every subscriber holds exactly the events it may see; red ones as notices. */
async function checkWebhooks(all: Published[], final: boolean): Promise<void> {
  const owed = new Map<string, Map<string, { b: Published; type: string }>>();
  for (const id of SUBSCRIBERS) {
    const p = party(id);
    const mine = new Map<string, { b: Published; type: string }>();
    for (const b of all) {
      if (!mayView(b.payload, b.recipients, p.model)) continue;
      const sub = p.subscriptionId as string;
      mine.set(webhookId(bulletinEventId(b.payload.id, "published"), sub), {
        b,
        type: "bulletin.published",
      });
      if (b.revoked)
        mine.set(webhookId(bulletinEventId(b.payload.id, "revoked"), sub), {
          b,
          type: "bulletin.revoked",
        });
      if (b.payload.issuer === id)
        for (const s of b.sightings) mine.set(webhookId(s, sub), { b, type: "sighting.reported" });
    }
    owed.set(id, mine);
  }
  const missing = () =>
    SUBSCRIBERS.flatMap((id) =>
      [...(owed.get(id)?.keys() ?? [])]
        .filter((w) => !party(id).endpoint?.delivered.has(w))
        .map((w) => `${id}:${w}`),
    );
  await waitUntil(
    () => missing().length === 0,
    30_000,
    () => `missing ${missing().join(" ")}`,
  );
  if (final) {
    // Settled as the hub sees it: no delivery left pending or retrying anywhere.
    await waitUntil(async () => {
      for (const id of SUBSCRIBERS) {
        const p = party(id);
        const listed = await p.org.client.raw(
          "GET",
          `/v1/subscriptions/${p.subscriptionId}/deliveries?limit=100`,
        );
        const items = (listed.body as { items: { status: string; event_id: string }[] }).items;
        // Even the hub's delivery records name only events the subscriber may see.
        const foreign = items.filter((d) => {
          const b = all.find((x) => d.event_id.startsWith(`${x.payload.id}.`));
          return b !== undefined && !mayView(b.payload, b.recipients, p.model);
        });
        expect(
          foreign.map((d) => d.event_id),
          `${id}'s deliveries name hidden bulletins`,
        ).toEqual([]);
        if (items.some((d) => d.status === "pending" || d.status === "retrying")) return false;
      }
      return true;
    }, 30_000);
  }
  for (const id of SUBSCRIBERS) {
    const endpoint = party(id).endpoint as WebhookEndpoint;
    const mine = owed.get(id) ?? new Map();
    expect(
      endpoint.attempts.filter((a) => !mine.has(a.webhookId)).map((a) => a.webhookId),
      `${id} got a webhook it may not see`,
    ).toEqual([]);
    for (const hook of endpoint.delivered.values()) {
      webhooksChecked += 1;
      const owedHook = mine.get(hook.webhookId);
      expect(hook.type, id).toBe(owedHook?.type);
      if (hook.type === "sighting.reported") {
        expect(hook.data.bulletin_id, id).toBe(owedHook?.b.payload.id);
        continue;
      }
      expect(hook.dataId, id).toBe(owedHook?.b.payload.id);
      if (owedHook?.b.payload.tlp === "red") {
        const allowed = ["id", "issuer", "tlp", "status", "received_at", "revocation"];
        expect(
          Object.keys(hook.data).filter((k) => !allowed.includes(k)),
          `${id}: red webhook carries content`,
        ).toEqual([]);
      }
    }
  }
}
