/**
 * Feed tokens over HTTP against a local hub (DESIGN §11): creation (shown once),
 * listing (never the token), the three presentations and a signed request on a route
 * that accepts them, refusals with a challenge naming Bearer and Basic, revocation
 * that holds from the very next request, the operator refused, and the cap of 10 live
 * tokens exact under 200 parallel creates.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FeedTokenRecord } from "../../shared/feed-tokens/types.js";
import { startTestHub, type TestHub, type TestOrg } from "../helpers/hub.js";

const TAXII = { accept: "application/taxii+json;version=2.1" };
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

interface Created {
  id: string;
  name: string;
  token: string;
  created_at: string;
  expires_at: string;
  max_tlp: string;
}

describe("feed tokens", () => {
  let t: TestHub;
  let acme: TestOrg;
  let beta: TestOrg;

  beforeAll(async () => {
    t = await startTestHub();
    acme = await t.onboard("acme", { roles: ["subscribe"] });
    beta = await t.onboard("beta", { roles: [] });
  });
  afterAll(async () => {
    await t.stop();
  });

  const create = async (org: TestOrg, body: unknown = { name: "opencti" }) =>
    org.client.raw("POST", "/v1/feed-tokens", { body });
  const discovery = (authorization: string | null) =>
    acme.client.raw("GET", "/taxii2/", { authorization, headers: TAXII });

  it("creates a token shown once, for 90 days by default, up to TLP:AMBER", async () => {
    const before = Date.now();
    const answer = await create(acme);
    expect(answer.status, answer.text).toBe(201);
    const created = answer.body as Created;
    expect(Object.keys(created).sort()).toEqual(
      ["created_at", "expires_at", "id", "max_tlp", "name", "token"].sort(),
    );
    expect(created.token).toMatch(new RegExp(`^cft_${created.id}_[A-Za-z0-9_-]{43}$`));
    expect(created.max_tlp).toBe("amber");
    const days = (Date.parse(created.expires_at) - before) / 86_400_000;
    expect(days).toBeGreaterThan(89.99);
    expect(days).toBeLessThanOrEqual(90.01);
    const listed = await acme.client.raw("GET", "/v1/feed-tokens");
    expect(listed.status).toBe(200);
    expect(listed.text).not.toContain(created.token.slice(-43));
    const items = (listed.body as { items: Record<string, unknown>[] }).items;
    expect(items.find((item) => item.id === created.id)).toEqual({
      id: created.id,
      name: "opencti",
      created_at: created.created_at,
      expires_at: created.expires_at,
      max_tlp: "amber",
      status: "active",
    });
    // Another organisation's list is its own; an organisation with no role may hold tokens.
    expect((await beta.client.raw("GET", "/v1/feed-tokens")).body).toEqual({ items: [] });
    expect((await create(beta)).status).toBe(201);
  });

  it("refuses a bad name or expiry, and the operator", async () => {
    const in91Days = new Date(Date.now() + 91 * 86_400_000).toISOString();
    const past = new Date(Date.now() - 1000).toISOString();
    for (const body of [{}, { name: "" }, { name: "x", extra: 1 }, { name: "a\u0007b" }]) {
      expect((await create(acme, body)).status, JSON.stringify(body)).toBe(422);
    }
    for (const expires_at of [in91Days, past, "tomorrow"]) {
      expect((await create(acme, { name: "x", expires_at })).status, expires_at).toBe(422);
    }
    const soon = new Date(Date.now() + 3_600_000).toISOString();
    const answer = await create(acme, { name: "short", expires_at: soon });
    expect(answer.status).toBe(201);
    expect((answer.body as Created).expires_at).toBe(soon);
    expect((await t.admin.raw("POST", "/v1/feed-tokens", { body: { name: "x" } })).status).toBe(
      403,
    );
    expect((await t.admin.raw("GET", "/v1/feed-tokens")).status).toBe(403);
  });

  it("is accepted as Bearer, Token or Basic (id and token), and a signed request too", async () => {
    const { id, token } = (await create(acme, { name: "presentations" })).body as Created;
    for (const authorization of [`Bearer ${token}`, `Token ${token}`, basic(id, token)]) {
      const answer = await discovery(authorization);
      expect(answer.status, authorization.slice(0, 6)).toBe(200);
    }
    const signed = await acme.client.raw("GET", "/taxii2/", { headers: TAXII });
    expect(signed.status).toBe(200);
    // A feed token opens only the routes that accept one.
    const feed = await acme.client.raw("GET", "/v1/bulletins", {
      authorization: `Bearer ${token}`,
    });
    expect(feed.status).toBe(401);
    expect(feed.headers.get("content-type")).toBe("application/problem+json");
  });

  it("refuses anything else with 401 and a challenge for Bearer and Basic", async () => {
    const { id, token } = (await create(acme, { name: "refusals" })).body as Created;
    const other = (await create(acme, { name: "other" })).body as Created;
    const wrongSecret = `${token.slice(0, -43)}${other.token.slice(-43)}`;
    const cases: [string | null, string][] = [
      [null, "token_malformed"],
      ["Digest x", "token_malformed"],
      ["Token not-a-token", "token_malformed"],
      [`Bearer ${wrongSecret}`, "credentials_rejected"],
      [basic(other.id, token), "credentials_rejected"],
      [basic(id, wrongSecret), "credentials_rejected"],
      [`Bearer cft_${"0".repeat(26)}_${"A".repeat(43)}`, "credentials_rejected"],
    ];
    for (const [authorization, code] of cases) {
      const answer = await discovery(authorization);
      expect(answer.status, String(authorization)).toBe(401);
      expect(answer.headers.get("www-authenticate")).toBe(
        'Bearer realm="cordon", Basic realm="cordon", charset="UTF-8"',
      );
      expect(answer.body, String(authorization)).toMatchObject({
        error_code: code,
        http_status: "401",
      });
    }
    const misp = await acme.client.raw("GET", "/misp/manifest.json", { authorization: null });
    expect(misp.status).toBe(401);
    expect(misp.headers.get("www-authenticate")).toContain("Basic");
    expect(misp.headers.get("content-type")).toBe("application/problem+json");
  });

  it("is refused from the very next request once revoked, and can be revoked once", async () => {
    const { id, token } = (await create(acme, { name: "revoked" })).body as Created;
    expect((await discovery(`Bearer ${token}`)).status).toBe(200);
    expect((await beta.client.raw("DELETE", `/v1/feed-tokens/${id}`)).status).toBe(404);
    expect((await discovery(`Bearer ${token}`)).status).toBe(200);
    expect((await acme.client.raw("DELETE", `/v1/feed-tokens/${id}`)).status).toBe(204);
    const after = await discovery(`Bearer ${token}`);
    expect(after.status).toBe(401);
    expect(after.body).toMatchObject({ error_code: "credentials_rejected" });
    expect((await discovery(basic(id, token))).status).toBe(401);
    expect((await acme.client.raw("DELETE", `/v1/feed-tokens/${id}`)).status).toBe(404);
    const listed = (await acme.client.raw("GET", "/v1/feed-tokens")).body as { items: Created[] };
    expect(listed.items.map((item) => item.id)).not.toContain(id);
  });

  it("stops working when its organisation is suspended", async () => {
    const gamma = await t.onboard("gamma", { roles: ["screen"] });
    const { token } = (await create(gamma)).body as Created;
    expect((await discovery(`Bearer ${token}`)).status).toBe(200);
    const suspended = await t.admin.raw("PATCH", "/v1/admin/orgs/gamma", {
      body: { status: "suspended" },
    });
    expect(suspended.status).toBe(200);
    expect((await discovery(`Bearer ${token}`)).status).toBe(401);
  });

  it("holds at most 10 live per organisation, exactly, under 200 parallel creates", async () => {
    const delta = await t.onboard("delta", { roles: ["subscribe"] });
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => create(delta, { name: `parallel-${i}` })),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(190);
    const listed = (await delta.client.raw("GET", "/v1/feed-tokens")).body as { items: Created[] };
    expect(listed.items).toHaveLength(10);
    // Every one that was created works; a revoked one makes room for exactly one more.
    const created = answers.filter((a) => a.status === 201).map((a) => a.body as Created);
    for (const { token } of created) expect((await discovery(`Bearer ${token}`)).status).toBe(200);
    const first = created[0] as Created;
    expect((await delta.client.raw("DELETE", `/v1/feed-tokens/${first.id}`)).status).toBe(204);
    const again = await Promise.all(
      Array.from({ length: 5 }, (_, i) => create(delta, { name: `again-${i}` })),
    );
    expect(again.filter((a) => a.status === 201)).toHaveLength(1);
  }, 60_000);

  it("does not count expired tokens towards the 10 (the store, at chosen times)", async () => {
    const store = t.hub.deps.store.feedTokens;
    const start = Date.parse("2030-01-01T00:00:00Z");
    const at = (minutes: number) => new Date(start + minutes * 60_000);
    const record = (i: number, expiresInMinutes: number): FeedTokenRecord => ({
      id: `01JDX3Q8Z6V2M4N5P6R7S8T${String(i).padStart(3, "0")}`,
      org_id: "epsilon",
      name: `t${i}`,
      token_sha256: "A".repeat(43),
      created_at: at(0).toISOString(),
      expires_at: at(expiresInMinutes).toISOString(),
    });
    for (let i = 0; i < 10; i++)
      expect(await store.addFeedToken(record(i, 60), 10, at(0))).toBe(true);
    // Half an hour on, all ten live: no room.
    expect(await store.addFeedToken(record(10, 120), 10, at(30))).toBe(false);
    // Two hours on, all ten expired: they give their places back.
    expect(await store.addFeedToken(record(11, 180), 10, at(120))).toBe(true);
    const listed = await store.listFeedTokens("epsilon");
    expect(listed.map((token) => token.name)).toEqual(["t11"]);
  });
});

describe("a feed token's requests and the rate limit", () => {
  let t: TestHub;
  let acme: TestOrg;

  beforeAll(async () => {
    t = await startTestHub({ rateLimits: { "feed-token": 1 } });
    acme = await t.onboard("acme", { roles: ["subscribe"] });
  });
  afterAll(async () => {
    await t.stop();
  });

  it("take from the organisation's feed-token bucket, and a 429 says when to come back", async () => {
    const created = (await acme.client.raw("POST", "/v1/feed-tokens", { body: { name: "misp" } }))
      .body as Created;
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof acme.client.raw>> | undefined;
    // Ten in a row: however slow the machine, at most 2 + (seconds taken) are admitted.
    for (let i = 0; i < 10; i += 1) {
      const answer = await acme.client.raw("GET", "/misp/manifest.json", {
        authorization: `Bearer ${created.token}`,
      });
      statuses.push(answer.status);
      if (answer.status === 429) limited = answer;
    }
    // Rate 1/s, capacity 2: the first two pass, then the bucket is empty.
    expect(statuses.slice(0, 2)).toEqual([200, 200]);
    expect(statuses).toContain(429);
    expect(Number(limited?.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(limited?.headers.get("ratelimit-policy")).toContain("feed-token");
  });
});
