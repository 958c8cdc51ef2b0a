/**
 * The TAXII 2.1 server over HTTP against a local hub (DESIGN §11, §12): every endpoint
 * with each presentation of a feed token (Bearer, Token, Basic) and a signed request;
 * media types, 406, TAXII error messages; pagination that returns each version once
 * whatever the page size; `next` beside `added_after`; a revocation seen as new
 * versions after the cursor; OpenCTI's ingester call pattern (runs of `next` and
 * `added_after` ending in an empty page, nothing re-sent); the STIX rules on every
 * object; and what each reader is served (TLP:AMBER+STRICT only to a signed request,
 * TLP:RED never).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BulletinPayload } from "../../shared/bulletins/schema.js";
import type { StixObject } from "../../shared/interop/stix/types.js";
import { bulletinPayload, publish, randomEvmAddress } from "../helpers/bulletins.js";
import { startTestHub, type TestHub, type TestOrg } from "../helpers/hub.js";
import {
  COLLECTION,
  type Envelope,
  type ManifestRecord,
  TAXII_ACCEPT,
  TaxiiReader,
} from "../helpers/taxii-client.js";
import { checkCollection } from "../interop/stix-rules.js";

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
const key = (o: { id: string; modified?: unknown; version?: string }, version?: string) =>
  `${o.id}@${version ?? (o as { version?: string }).version ?? String(o.modified ?? "")}`;

interface Published {
  label: string;
  payload: BulletinPayload;
}

describe("TAXII 2.1", () => {
  let t: TestHub;
  let p1: TestOrg;
  let p2: TestOrg;
  let reader: TestOrg;
  let outsider: TestOrg;
  let token: { id: string; token: string };
  const published = new Map<string, Published>();
  const shared = randomEvmAddress();

  const add = async (label: string, org: TestOrg, overrides: Partial<BulletinPayload>) => {
    const payload = bulletinPayload(org.id, overrides);
    const answer = await publish(org, payload);
    expect(answer.status, answer.text).toBe(201);
    published.set(label, { label, payload });
    return payload;
  };
  const reportOf = (label: string, objects: readonly StixObject[]) =>
    objects.filter(
      (o) =>
        o.type === "report" &&
        (o.external_references as { external_id?: string }[])[0]?.external_id ===
          published.get(label)?.payload.id,
    );

  beforeAll(async () => {
    t = await startTestHub();
    p1 = await t.onboard("p1", { roles: ["publish"] });
    p2 = await t.onboard("p2", { roles: ["publish"], groups: ["central-banks"] });
    reader = await t.onboard("reader", { roles: ["subscribe"], groups: ["central-banks"] });
    outsider = await t.onboard("outsider", { roles: ["screen"] });
    const evm = (address: string) =>
      ({ type: "crypto_address", chain: "ethereum", address }) as const;
    await add("A green", p1, {
      indicators: [evm(shared), { type: "telegram_channel", value: "https://t.me/taxii_a" }],
    } as Partial<BulletinPayload>);
    await add("B amber to reader", p1, {
      tlp: "amber",
      audience: ["reader"],
      indicators: [evm(shared), evm(randomEvmAddress())],
    } as Partial<BulletinPayload>);
    await add("C amber+strict to reader", p1, {
      tlp: "amber+strict",
      audience: ["reader"],
      indicators: [evm(randomEvmAddress())],
    } as Partial<BulletinPayload>);
    await add("D red to reader", p1, {
      tlp: "red",
      audience: ["reader"],
      indicators: [evm(randomEvmAddress())],
    } as Partial<BulletinPayload>);
    await add("E clear, revoked", p2, {
      tlp: "clear",
      indicators: [evm(randomEvmAddress())],
    } as Partial<BulletinPayload>);
    await add("F amber to central-banks", p2, {
      tlp: "amber",
      audience: ["group:central-banks"],
      indicators: [evm(randomEvmAddress())],
    } as Partial<BulletinPayload>);
    const g = await add("G green, superseded", p1, {
      indicators: [evm(randomEvmAddress()), evm(randomEvmAddress())],
    } as Partial<BulletinPayload>);
    await add("H supersedes G", p1, {
      supersedes: g.id,
      indicators: [
        g.indicators[0] as BulletinPayload["indicators"][number],
        evm(randomEvmAddress()),
      ],
    });
    await add("I amber to outsider", p2, {
      tlp: "amber",
      audience: ["outsider"],
      indicators: [evm(randomEvmAddress())],
    } as Partial<BulletinPayload>);
    const revoked = await p2.client.raw(
      "POST",
      `/v1/bulletins/${published.get("E clear, revoked")?.payload.id}/revoke`,
      { body: { reason: "mistaken" } },
    );
    expect(revoked.status).toBe(200);
    const created = await reader.client.raw("POST", "/v1/feed-tokens", { body: { name: "taxii" } });
    token = created.body as { id: string; token: string };
  }, 60_000);
  afterAll(async () => {
    await t.stop();
  });

  const presentations = () =>
    [
      ["Bearer", new TaxiiReader(reader, `Bearer ${token.token}`)],
      ["Token", new TaxiiReader(reader, `Token ${token.token}`)],
      ["Basic", new TaxiiReader(reader, basic(token.id, token.token))],
      ["signed", new TaxiiReader(reader, undefined)],
    ] as const;

  it("answers every endpoint with each presentation, as application/taxii+json;version=2.1", async () => {
    for (const [label, client] of presentations()) {
      const objects = (await client.get(`${COLLECTION}/objects/`)).body as Envelope;
      const someId = objects.objects?.find((o) => o.type === "report")?.id as string;
      const sco = objects.objects?.find((o) => o.type === "cryptocurrency-wallet")?.id as string;
      for (const path of [
        "/taxii2/",
        "/taxii2/cordon/",
        "/taxii2/cordon/collections/",
        `${COLLECTION}/`,
        "/taxii2/cordon/collections/bulletins/",
        `${COLLECTION}/objects/`,
        `${COLLECTION}/manifest/`,
        `${COLLECTION}/objects/${someId}/`,
        `${COLLECTION}/objects/${someId}/versions/`,
        `${COLLECTION}/objects/${sco}/`,
        `${COLLECTION}/objects/${sco}/versions/`,
      ]) {
        const answer = await client.get(path);
        expect(answer.status, `${label} ${path}`).toBe(200);
        expect(answer.headers.get("content-type"), path).toBe(TAXII_ACCEPT);
      }
    }
    const root = (await new TaxiiReader(reader, undefined).get("/taxii2/")).body;
    expect(root).toMatchObject({ api_roots: ["/taxii2/cordon/"], default: "/taxii2/cordon/" });
    const collections = (
      await new TaxiiReader(reader, undefined).get("/taxii2/cordon/collections/")
    ).body;
    expect(collections).toEqual({
      collections: [
        expect.objectContaining({
          id: "4e1b7c1a-6f52-4c55-9d39-8a7c5b0e3f10",
          alias: "bulletins",
          can_read: true,
          can_write: false,
          media_types: ["application/stix+json;version=2.1"],
        }),
      ],
    });
  });

  it("negotiates, and answers errors as TAXII error messages", async () => {
    const client = new TaxiiReader(reader, `Bearer ${token.token}`);
    const raw = (path: string, headers: Record<string, string>, method = "GET") =>
      reader.client.raw(method, path, { authorization: `Bearer ${token.token}`, headers });
    for (const accept of [
      "application/taxii+json",
      "application/*",
      "*/*",
      `text/html, ${TAXII_ACCEPT};q=0.5`,
    ]) {
      expect((await raw("/taxii2/", { accept })).status, accept).toBe(200);
    }
    for (const accept of [
      "application/json",
      "application/taxii+json;version=2.0",
      `${TAXII_ACCEPT};q=0`,
      "application/stix+json;version=2.1",
    ]) {
      const answer = await raw(`${COLLECTION}/objects/`, { accept });
      expect(answer.status, accept).toBe(406);
      expect(answer.body).toMatchObject({ title: "Not acceptable", http_status: "406" });
    }
    const cases: [string, number, Record<string, string>?][] = [
      ["/taxii2/nope/", 404],
      ["/taxii2/cordon/collections/00000000-0000-4000-8000-000000000000/objects/", 404],
      [`${COLLECTION}/objects/report--00000000-0000-4000-8000-000000000000/`, 404],
      [`${COLLECTION}/objects/not-an-id/versions/`, 404],
      [`${COLLECTION}/objects/?limit=0`, 400],
      [`${COLLECTION}/objects/?limit=ten`, 400],
      [`${COLLECTION}/objects/?next=forged`, 400],
      [`${COLLECTION}/manifest/?added_after=yesterday`, 400],
    ];
    for (const [path, status] of cases) {
      const answer = await raw(path, { accept: TAXII_ACCEPT });
      expect(answer.status, path).toBe(status);
      expect(answer.headers.get("content-type"), path).toBe(TAXII_ACCEPT);
      expect(Object.keys(answer.body as object).sort(), path).toEqual([
        "description",
        "error_code",
        "http_status",
        "title",
      ]);
      expect((answer.body as { http_status: string }).http_status).toBe(String(status));
    }
    const post = await raw(
      `${COLLECTION}/objects/`,
      { accept: TAXII_ACCEPT, "content-type": "application/taxii+json;version=2.1" },
      "POST",
    );
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET");
    expect(post.body).toMatchObject({ http_status: "405" });
    // A limit over 1,000 is served as 1,000.
    expect((await client.get(`${COLLECTION}/objects/`, { limit: 5000 })).status).toBe(200);
  });

  it("returns each version once, in date_added order, whatever the page size", async () => {
    const client = new TaxiiReader(reader, `Bearer ${token.token}`);
    const whole = await client.walk("objects", { "match[version]": "all", limit: 1000 });
    const all = whole.items as StixObject[];
    const keys = all.map((o) => key(o));
    expect(new Set(keys).size).toBe(keys.length);
    checkCollection(all);
    for (const limit of [1, 3, 7, 40]) {
      const walk = await client.walk("objects", { "match[version]": "all", limit });
      const got = (walk.items as StixObject[]).map((o) => key(o));
      expect(got, `limit ${limit}`).toEqual(keys);
      for (const page of walk.pages) {
        const objects = (page.body as Envelope).objects ?? [];
        expect(objects.length, `limit ${limit}`).toBeLessThanOrEqual(limit);
      }
      const manifest = await client.walk("manifest", { "match[version]": "all", limit });
      expect(
        (manifest.items as ManifestRecord[]).map((r) => key(r, r.version)),
        `manifest, limit ${limit}`,
      ).toEqual(
        (manifest.items as ManifestRecord[])
          .map((r) => key(r, r.version))
          .filter((v, i, a) => a.indexOf(v) === i),
      );
      expect(manifest.items).toHaveLength(keys.length);
    }
    const manifest = (await client.walk("manifest", { "match[version]": "all" }))
      .items as ManifestRecord[];
    const added = manifest.map((r) => r.date_added);
    expect([...added].sort()).toEqual(added);
    for (const record of manifest)
      expect(record.media_type).toBe("application/stix+json;version=2.1");
    // Headers name the page's first and last date_added.
    const page = await client.get(`${COLLECTION}/objects/`, { "match[version]": "all", limit: 10 });
    const objects = (page.body as Envelope).objects ?? [];
    expect(page.headers.get("x-taxii-date-added-first")).toBe(manifest[0]?.date_added);
    expect(page.headers.get("x-taxii-date-added-last")).toBe(
      manifest[objects.length - 1]?.date_added,
    );
  });

  it("serves the latest version by default, shared objects once, and objects by id", async () => {
    const client = new TaxiiReader(reader, `Token ${token.token}`);
    const latest = (await client.walk("objects")).items as StixObject[];
    const ids = latest.map((o) => o.id);
    expect(new Set(ids).size).toBe(ids.length);
    const revoked = reportOf("E clear, revoked", latest);
    expect(revoked).toHaveLength(1);
    expect(revoked[0]?.revoked).toBe(true);
    const wallets = latest.filter((o) => o.type === "cryptocurrency-wallet" && o.value === shared);
    expect(wallets).toHaveLength(1);
    // Object by id: its last version, all of them on request; its versions.
    const report = revoked[0] as StixObject;
    const one = (await client.get(`${COLLECTION}/objects/${report.id}/`)).body as Envelope;
    expect(one.objects?.map((o) => o.modified)).toEqual([report.modified]);
    const both = (
      await client.get(`${COLLECTION}/objects/${report.id}/`, { "match[version]": "all" })
    ).body as Envelope;
    expect(both.objects).toHaveLength(2);
    const first = (
      await client.get(`${COLLECTION}/objects/${report.id}/`, { "match[version]": "first" })
    ).body as Envelope;
    expect(first.objects?.[0]?.revoked).toBeUndefined();
    const versions = (await client.get(`${COLLECTION}/objects/${report.id}/versions/`)).body as {
      versions: string[];
    };
    expect(versions.versions).toEqual(both.objects?.map((o) => o.modified));
    const paged = await client.get(`${COLLECTION}/objects/${report.id}/versions/`, { limit: 1 });
    expect(paged.body).toMatchObject({ more: true, versions: [versions.versions[0]] });
    const rest = await client.get(`${COLLECTION}/objects/${report.id}/versions/`, {
      limit: 1,
      next: (paged.body as { next: string }).next,
    });
    expect(rest.body).toEqual({ more: false, versions: [versions.versions[1]] });
    const wallet = wallets[0] as StixObject;
    const sco = (await client.get(`${COLLECTION}/objects/${wallet.id}/`)).body as Envelope;
    expect(sco.objects).toEqual([wallet]);
  });

  it("serves a feed token up to TLP:AMBER, a signed request TLP:AMBER+STRICT, TLP:RED to no one; hidden and missing alike", async () => {
    const labelsOf = (objects: readonly StixObject[]) =>
      [...published.keys()].filter((label) => reportOf(label, objects).length > 0).sort();
    const viaToken = (
      await new TaxiiReader(reader, `Bearer ${token.token}`).walk("objects", {
        "match[version]": "all",
      })
    ).items as StixObject[];
    const signed = (
      await new TaxiiReader(reader, undefined).walk("objects", { "match[version]": "all" })
    ).items as StixObject[];
    const outside = (
      await new TaxiiReader(outsider, undefined).walk("objects", { "match[version]": "all" })
    ).items as StixObject[];
    const everyone = ["A green", "E clear, revoked", "G green, superseded", "H supersedes G"];
    expect(labelsOf(viaToken)).toEqual(
      [...everyone, "B amber to reader", "F amber to central-banks"].sort(),
    );
    expect(labelsOf(signed)).toEqual(
      [
        ...everyone,
        "B amber to reader",
        "C amber+strict to reader",
        "F amber to central-banks",
      ].sort(),
    );
    expect(labelsOf(outside)).toEqual([...everyone, "I amber to outsider"].sort());
    const markings = (objects: readonly StixObject[]) =>
      new Set(objects.flatMap((o) => (o.object_marking_refs as string[] | undefined) ?? []));
    expect(markings(viaToken)).not.toContain(
      "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    );
    expect(markings(signed)).toContain("marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003");
    const red = published.get("D red to reader")?.payload.id as string;
    for (const objects of [viaToken, signed, outside]) {
      expect(JSON.stringify(objects)).not.toContain(red);
    }
    // The outsider's shared wallet came with bulletin A only, marked green.
    const wallet = outside.find((o) => o.type === "cryptocurrency-wallet" && o.value === shared);
    expect(wallet?.object_marking_refs).toEqual([
      "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    ]);
    // A hidden object answers as a missing one does.
    const strictReport = reportOf("C amber+strict to reader", signed)[0] as StixObject;
    const hidden = await new TaxiiReader(reader, `Bearer ${token.token}`).get(
      `${COLLECTION}/objects/${strictReport.id}/`,
    );
    const missing = await new TaxiiReader(reader, `Bearer ${token.token}`).get(
      `${COLLECTION}/objects/${strictReport.id.slice(0, -4)}ffff/`,
    );
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual(missing.body);
    // derived-from only where the superseded bulletin is visible (it is, to all).
    const derived = signed.filter((o) => o.relationship_type === "derived-from");
    expect(derived.length).toBeGreaterThanOrEqual(2);
    checkCollection(viaToken);
    checkCollection(signed);
    checkCollection(outside);
  });

  it("shows a revocation as new versions after the cursor; next keeps working beside added_after", async () => {
    const client = new TaxiiReader(reader, `Bearer ${token.token}`);
    const before = await client.walk("objects", { "match[version]": "all", limit: 5 });
    const last = before.pages.at(-1)?.headers.get("x-taxii-date-added-last") as string;
    const seen = new Set((before.items as StixObject[]).map((o) => key(o)));
    const target = published.get("F amber to central-banks")?.payload.id as string;
    expect(
      (await p2.client.raw("POST", `/v1/bulletins/${target}/revoke`, { body: { reason: "done" } }))
        .status,
    ).toBe(200);
    const after = await client.walk("objects", {
      "match[version]": "all",
      added_after: last,
      limit: 2,
    });
    const fresh = after.items as StixObject[];
    expect(fresh.length).toBeGreaterThanOrEqual(3);
    for (const object of fresh) {
      expect(seen.has(key(object)), key(object)).toBe(false);
      expect(seen.has(`${object.id}@${object.modified}`)).toBe(false);
      expect(object.revoked).toBe(true);
      expect(
        [...seen].some((k) => k.startsWith(`${object.id}@`)),
        "same id, new version",
      ).toBe(true);
    }
    // The next of a page still works with the first request's added_after beside it.
    const firstPage = await client.get(`${COLLECTION}/objects/`, {
      "match[version]": "all",
      limit: 3,
    });
    const next = (firstPage.body as Envelope).next as string;
    const withAddedAfter = await client.get(`${COLLECTION}/objects/`, {
      "match[version]": "all",
      limit: 3,
      next,
      added_after: "2000-01-01T00:00:00Z",
    });
    const withoutIt = await client.get(`${COLLECTION}/objects/`, {
      "match[version]": "all",
      limit: 3,
      next,
    });
    expect(withAddedAfter.body).toEqual(withoutIt.body);
    // An added_after at the end: an empty page and no more.
    const end = await client.get(`${COLLECTION}/objects/`, {
      added_after: after.pages.at(-1)?.headers.get("x-taxii-date-added-last") as string,
    });
    expect(end.body).toEqual({ more: false });
  });

  it("serves OpenCTI's ingester call pattern without re-sending anything", async () => {
    // As OpenCTI's ingestion manager does: next and added_after on every request, the
    // cursor kept while more, added_after from X-TAXII-Date-Added-Last when done.
    const state: { next?: string; added_after?: string } = {};
    const delivered: string[] = [];
    const run = async () => {
      for (let request = 0; request < 500; request++) {
        const answer = await new TaxiiReader(reader, `Bearer ${token.token}`).get(
          `${COLLECTION}/objects/`,
          { ...state, limit: 4 },
        );
        expect(answer.status).toBe(200);
        const body = answer.body as Envelope;
        const objects = body.objects ?? [];
        if (objects.length === 0) return;
        delivered.push(...objects.map((o) => key(o)));
        if (body.more && body.next !== undefined) {
          state.next = body.next;
        } else {
          delete state.next;
          state.added_after = answer.headers.get("x-taxii-date-added-last") as string;
          return;
        }
      }
    };
    await run();
    const firstRun = delivered.length;
    expect(firstRun).toBeGreaterThan(0);
    await run();
    expect(delivered).toHaveLength(firstRun);
    // New bulletins and a revocation arrive; the next runs bring exactly those.
    const extra = await add("J green, later", p1, {
      indicators: [{ type: "crypto_address", chain: "ethereum", address: shared }],
    } as Partial<BulletinPayload>);
    await p1.client.raw("POST", `/v1/bulletins/${published.get("A green")?.payload.id}/revoke`, {
      body: { reason: "x" },
    });
    for (let i = 0; i < 3; i++) await run();
    expect(new Set(delivered).size).toBe(delivered.length);
    const later = delivered.slice(firstRun);
    expect(later.some((k) => k.startsWith(`report--`))).toBe(true);
    expect(JSON.stringify(later)).not.toContain("cryptocurrency-wallet--");
    expect(extra.id).toBeDefined();
    // The last run ended in an empty page.
    const final = await new TaxiiReader(reader, `Bearer ${token.token}`).get(
      `${COLLECTION}/objects/`,
      { ...state },
    );
    expect((final.body as Envelope).objects).toBeUndefined();
  });
});
