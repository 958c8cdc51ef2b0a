/**
 * Issue 13, the attacks the change-log rewrite answers (quick versions, in `npm test`):
 * caps that hold under 200 parallel creates; a feed that no one's large bulletins can
 * break; hidden and missing bulletins that cost the same reads; `issued_at` offsets
 * that cannot bury newer bulletins; and fan-out that follows a subscriber's current
 * roles. The quick feed test posts 12 large bulletins (over two 4 MB pages); the long one,
 * `large-feed.soak.ts`, posts 50.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FEED_MAX_PAGE_BYTES } from "../../shared/bulletins/feed.js";
import { MAX_KEYS_PER_ORG } from "../../shared/orgs/schema.js";
import { signKeyProof } from "../../shared/signatures/key-proof.js";
import { generateSigningKey } from "../../shared/signatures/keys.js";
import { MAX_SUBSCRIPTIONS_PER_ORG } from "../../shared/subscriptions/types.js";
import { bulletinPayload, publish, randomEvmAddress } from "../helpers/bulletins.js";
import { countDynamoRequests } from "../helpers/dynamo-requests.js";
import { startTestHub, type TestHub, type TestOrg } from "../helpers/hub.js";
import { type Receiver, sleep, startReceiver } from "../helpers/receiver.js";
import { publishLargeBulletins, walkFeed } from "./large-bulletins.js";

let t: TestHub;
let publisher: TestOrg;
let reader: TestOrg;
let counter: ReturnType<typeof countDynamoRequests>;

/** Races and large bulletins are heavy on the embedded DynamoDB: time enough on a busy machine. */
const HEAVY = 240_000;

beforeAll(async () => {
  // Requests are counted here: no log writer reading and writing a second after each publish.
  t = await startTestHub({ logWriter: false });
  counter = countDynamoRequests(t.hub.dynamoClient);
  publisher = await t.onboard("publisher", { roles: ["publish", "screen", "subscribe"] });
  reader = await t.onboard("reader", { roles: ["screen", "subscribe"] });
});
afterAll(() => t.stop());

describe("caps under races", () => {
  it(
    `keeps an organisation at ${MAX_SUBSCRIPTIONS_PER_ORG} subscriptions under 200 parallel creates`,
    async () => {
      const racer = await t.onboard("racer-subs", { roles: ["subscribe"] });
      const answers = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          racer.client.raw("POST", "/v1/subscriptions", {
            body: { url: `http://127.0.0.1:9/hook-${i}`, events: ["bulletin.published"] },
          }),
        ),
      );
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(MAX_SUBSCRIPTIONS_PER_ORG);
      expect(statuses.filter((s) => s !== 201 && s !== 409)).toEqual([]);
      const listed = await racer.client.raw("GET", "/v1/subscriptions");
      expect((listed.body as { items: unknown[] }).items).toHaveLength(MAX_SUBSCRIPTIONS_PER_ORG);
      // Deleting one frees exactly one place.
      const first = (listed.body as { items: { id: string }[] }).items[0]?.id;
      expect((await racer.client.raw("DELETE", `/v1/subscriptions/${first}`)).status).toBe(204);
      const again = await Promise.all(
        Array.from({ length: 20 }, () =>
          racer.client.raw("POST", "/v1/subscriptions", {
            body: { url: "http://127.0.0.1:9/again", events: ["bulletin.published"] },
          }),
        ),
      );
      expect(again.filter((a) => a.status === 201)).toHaveLength(1);
    },
    HEAVY,
  );

  it(
    `keeps an organisation at ${MAX_KEYS_PER_ORG} keys under 60 parallel adds`,
    async () => {
      const racer = await t.onboard("racer-keys", { roles: ["screen"] });
      const requests = await Promise.all(
        Array.from({ length: 60 }, async () => {
          const { signingKey, publicJwk } = await generateSigningKey("Ed25519");
          return {
            jwk: publicJwk,
            proof: await signKeyProof({ iss: "racer-keys", key: signingKey }),
          };
        }),
      );
      const answers = await Promise.all(
        requests.map((body) => racer.client.raw("POST", "/v1/keys", { body })),
      );
      // Each add is a versioned replace: racing adds may give up with 409, never pass the cap.
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s !== 201 && s !== 409)).toEqual([]);
      const keysHeld = async () =>
        ((await racer.client.raw("GET", "/v1/me")).body as { keys: unknown[] }).keys.length;
      expect(await keysHeld()).toBeLessThanOrEqual(MAX_KEYS_PER_ORG);
      expect(await keysHeld()).toBe(1 + statuses.filter((s) => s === 201).length);
      // Added one by one, keys stop exactly at the cap.
      for (const body of requests.slice(0, MAX_KEYS_PER_ORG)) {
        const { signingKey, publicJwk } = await generateSigningKey("Ed25519");
        const answer = await racer.client.raw("POST", "/v1/keys", {
          body: {
            jwk: publicJwk,
            proof: await signKeyProof({ iss: "racer-keys", key: signingKey }),
          },
        });
        if (answer.status === 409) break;
        expect(answer.status, JSON.stringify(body.jwk.kid)).toBe(201);
      }
      expect(await keysHeld()).toBe(MAX_KEYS_PER_ORG);
    },
    HEAVY,
  );
});

describe("the feed reads what it returns", () => {
  it(
    "costs an organisation that sees none of them a few log queries and no bulletin read",
    async () => {
      const outsider = await t.onboard("outsider", { roles: ["screen"] });
      for (let i = 0; i < 3; i += 1) {
        const hidden = bulletinPayload("publisher", { tlp: "amber", audience: ["reader"] });
        expect((await publish(publisher, hidden)).status).toBe(201);
      }
      await counter.settle();
      const page = await outsider.client.raw("GET", "/v1/bulletins?limit=100");
      expect(page.status).toBe(200);
      // Nothing published yet is visible to it: authentication (the organisation's GetItem,
      // the rate limit's UpdateItem, the replay guard's PutItem) and one query of the log,
      // and no bulletin read at all.
      expect((page.body as { items: unknown[] }).items).toEqual([]);
      expect(counter.byOperation()).toEqual({ GetItem: 1, UpdateItem: 1, PutItem: 1, Query: 1 });
    },
    HEAVY,
  );

  it(
    "answers every page of a feed full of other people's large bulletins, each change once",
    async () => {
      const ids = await publishLargeBulletins(publisher, 12);
      for (const org of [publisher, reader]) {
        const walk = await walkFeed(org);
        expect(walk.statuses.filter((s) => s !== 200)).toEqual([]);
        expect(new Set(walk.ids).size).toBe(walk.ids.length);
        for (const id of ids) expect(walk.ids).toContain(id);
        expect(Math.max(...walk.pageBytes)).toBeLessThanOrEqual(FEED_MAX_PAGE_BYTES);
      }
    },
    HEAVY,
  );
});

describe("hidden and missing", () => {
  it("cost the same requests to GET", async () => {
    const hidden = bulletinPayload("publisher", { tlp: "amber", audience: ["reader"] });
    expect((await publish(publisher, hidden)).status).toBe(201);
    const outsider = await t.onboard("outsider-2", { roles: ["screen"] });
    await counter.settle();
    const forHidden = await outsider.client.raw("GET", `/v1/bulletins/${hidden.id}`);
    const hiddenReads = counter.byOperation();
    counter.reset();
    const forMissing = await outsider.client.raw("GET", `/v1/bulletins/${bulletinPayload("x").id}`);
    const missingReads = counter.byOperation();
    expect(forHidden.status).toBe(404);
    expect(forMissing.status).toBe(404);
    expect(forHidden.body).toEqual(forMissing.body);
    expect(hiddenReads).toEqual(missingReads);
  });
});

describe("issued_at offsets", () => {
  it("orders screening matches by the instant issued, whatever offset a publisher writes", async () => {
    const address = randomEvmAddress();
    const indicators = [{ type: "crypto_address" as const, chain: "ethereum" as const, address }];
    const now = Date.now();
    const day = (offset: number) => new Date(now + offset * 86_400_000).toISOString().slice(0, 10);
    // Early instants written with a +23:59 offset: as text they look like the latest.
    const early = bulletinPayload("publisher", {
      indicators,
      issued_at: `${day(-3)}T23:59:00+23:59`,
    });
    const newest = bulletinPayload("publisher", {
      indicators,
      issued_at: new Date(now - 60_000).toISOString(),
    });
    const middle = bulletinPayload("publisher", {
      indicators,
      issued_at: `${day(-1)}T12:00:00-02:00`,
    });
    for (const p of [early, newest, middle]) expect((await publish(publisher, p)).status).toBe(201);
    const screened = await reader.client.raw("POST", "/v1/screen", { body: { indicators } });
    const matches = (
      screened.body as { results: { matches: { id: string; issued_at: string }[] }[] }
    ).results[0]?.matches;
    expect(matches?.map((m) => m.id)).toEqual([newest.id, middle.id, early.id]);
    for (const m of matches ?? []) expect(m.issued_at).toMatch(/Z$/);
  });
});

describe("fan-out follows the subscriber's current roles", () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(() => receiver.close());

  it("delivers nothing to a subscription whose organisation lost the subscribe role", async () => {
    const watcher = await t.onboard("watcher", { roles: ["subscribe", "screen"] });
    const created = await watcher.client.raw("POST", "/v1/subscriptions", {
      body: { url: receiver.url, events: ["bulletin.published"] },
    });
    expect(created.status).toBe(201);
    const demoted = await t.admin.raw("PATCH", "/v1/admin/orgs/watcher", {
      body: { roles: ["screen"] },
    });
    expect(demoted.status).toBe(200);
    const payload = bulletinPayload("publisher");
    expect((await publish(publisher, payload)).status).toBe(201);
    // A control subscriber that keeps its role receives the same publication.
    const control = await t.onboard("control", { roles: ["subscribe"] });
    const controlled = await control.client.raw("POST", "/v1/subscriptions", {
      body: { url: receiver.url, events: ["bulletin.published"] },
    });
    const second = bulletinPayload("publisher");
    expect((await publish(publisher, second)).status).toBe(201);
    const controlId = (controlled.body as { id: string }).id;
    await receiver.waitFor((hooks) => hooks.some((h) => h.json.subscription_id === controlId));
    await sleep(500);
    const watcherId = (created.body as { id: string }).id;
    expect(receiver.received.filter((h) => h.json.subscription_id === watcherId)).toEqual([]);
  });
});
