/**
 * Rate limits under abuse (DESIGN §15, issue 13): the fields exact, a limited request
 * changing nothing and leaving its token usable, unauthenticated traffic unable to
 * empty a partner's bucket, the admin's own rates, pings once a minute, sightings
 * counted — against the real hub.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_RATE_LIMITS } from "../../shared/ratelimits/types.js";
import { generateSigningKey } from "../../shared/signatures/keys.js";
import { signRequestToken } from "../../shared/signatures/request-token.js";
import { bulletinPayload, publish } from "../helpers/bulletins.js";
import { startTestHub, type TestHub } from "../helpers/hub.js";
import { startReceiver } from "../helpers/receiver.js";
import { diffSnapshots, snapshotTable } from "../helpers/table-snapshot.js";

describe("rate limits", () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ rateLimits: DEFAULT_RATE_LIMITS });
  });
  afterAll(async () => {
    await t.stop();
  });

  it("name the route's class and what is left, exactly", async () => {
    const org = await t.onboard("fields", { roles: ["screen"] });
    const first = await org.client.raw("GET", "/v1/me");
    expect(first.status).toBe(200);
    expect(first.headers.get("ratelimit-policy")).toBe('"read";q=100;w=2');
    expect(first.headers.get("ratelimit")).toBe('"read";r=99;t=1');
    const screened = await org.client.raw("POST", "/v1/screen", {
      body: { indicators: [{ type: "telegram_channel", value: "@example_channel" }] },
    });
    expect(screened.headers.get("ratelimit-policy")).toBe('"screen";q=40;w=2');
    expect(screened.headers.get("ratelimit")).toBe('"screen";r=39;t=1');
    // Errors after the bucket admitted the request carry the fields too.
    const missing = await org.client.raw("GET", "/v1/bulletins/01JDX3Q8Z6V2M4N5P6R7S8T9VW");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("ratelimit-policy")).toBe('"read";q=100;w=2');
  });

  it("answer a request over the rate 429 with Retry-After, changing nothing, its token still good", async () => {
    const org = await t.onboard("limited", { roles: ["screen"] });
    await t.admin.call("PATCH", "/v1/admin/orgs/limited", { body: { rate_limits: { read: 1 } } });
    expect((await org.client.raw("GET", "/v1/me")).headers.get("ratelimit")).toBe('"read";r=1;t=1');
    expect((await org.client.raw("GET", "/v1/me")).status).toBe(200);
    const token = await org.client.token("GET", "/v1/me");
    const before = await snapshotTable(t.hub);
    const limited = await org.client.raw("GET", "/v1/me", { authorization: `Bearer ${token}` });
    const after = await snapshotTable(t.hub);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("content-type")).toBe("application/problem+json");
    expect(limited.headers.get("retry-after")).toBe("1");
    expect(limited.headers.get("ratelimit-policy")).toBe('"read";q=2;w=2');
    expect(limited.headers.get("ratelimit")).toBe('"read";r=0;t=1');
    expect(limited.body).toMatchObject({ status: 429, title: "Too many requests" });
    expect(diffSnapshots(before, after)).toEqual({ added: [], removed: [], changed: [] });
    // The same token, once the bucket has a unit again: it was never spent.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const again = await org.client.raw("GET", "/v1/me", { authorization: `Bearer ${token}` });
    expect(again.status).toBe(200);
    // And now it is.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const replayed = await org.client.raw("GET", "/v1/me", { authorization: `Bearer ${token}` });
    expect(replayed.status).toBe(401);
  });

  it("cannot be emptied by requests a partner did not sign", async () => {
    const victim = await t.onboard("protected", { roles: ["screen"] });
    const { signingKey: stranger } = await generateSigningKey("Ed25519");
    const forged = await Promise.all(
      Array.from({ length: 100 }, async () => {
        const token = await signRequestToken({
          iss: "protected",
          aud: t.hub.deps.audience,
          method: "GET",
          pathAndQuery: "/v1/me",
          key: { ...stranger, kid: victim.publicJwk.kid },
        });
        return victim.client.raw("GET", "/v1/me", { authorization: `Bearer ${token}` });
      }),
    );
    expect(forged.every((answer) => answer.status === 401)).toBe(true);
    const own = await victim.client.raw("GET", "/v1/me");
    expect(own.headers.get("ratelimit")).toBe('"read";r=99;t=1');
  });

  it("follow the rates the admin sets for one organisation, and go back to the hub's", async () => {
    const org = await t.onboard("partner", { roles: ["screen"] });
    const patched = await t.admin.call<{ rate_limits: unknown }>(
      "PATCH",
      "/v1/admin/orgs/partner",
      { body: { rate_limits: { read: 200, screen: 5 } } },
    );
    expect(patched.rate_limits).toEqual({ read: 200, screen: 5 });
    expect((await org.client.raw("GET", "/v1/me")).headers.get("ratelimit-policy")).toBe(
      '"read";q=400;w=2',
    );
    const reset = await t.admin.call<{ rate_limits: unknown }>("PATCH", "/v1/admin/orgs/partner", {
      body: { rate_limits: { read: null } },
    });
    expect(reset.rate_limits).toEqual({ screen: 5 });
    expect((await org.client.raw("GET", "/v1/me")).headers.get("ratelimit-policy")).toBe(
      '"read";q=100;w=2',
    );
    const invalid = await t.admin.raw("PATCH", "/v1/admin/orgs/partner", {
      body: { rate_limits: { writes: 5, read: 0 } },
    });
    expect(invalid.status).toBe(422);
  });

  it("let one ping a minute through of 200 sent at once to one subscription", {
    timeout: 90_000,
  }, async () => {
    const receiver = await startReceiver();
    try {
      const org = await t.onboard("pinger", { roles: ["subscribe"] });
      const { id } = await org.client.call<{ id: string }>("POST", "/v1/subscriptions", {
        body: { url: receiver.url, events: ["bulletin.published"], filter: {} },
      });
      const answers = await Promise.all(
        Array.from({ length: 200 }, () => org.client.raw("POST", `/v1/subscriptions/${id}/test`)),
      );
      expect(answers.filter((answer) => answer.status === 202)).toHaveLength(1);
      const refused = answers.filter((answer) => answer.status === 429);
      expect(refused).toHaveLength(199);
      for (const answer of refused) {
        const seconds = Number(answer.headers.get("retry-after"));
        expect(seconds).toBeGreaterThanOrEqual(1);
        expect(seconds).toBeLessThanOrEqual(60);
        expect(answer.headers.get("ratelimit")).toMatch(/"(publish|ping)";r=0;t=\d+/);
      }
      // Those the ping bucket refused name both buckets: the class admitted them.
      expect(
        refused.some((answer) =>
          /^"publish";r=\d+;t=1, "ping";r=0;t=\d+$/.test(answer.headers.get("ratelimit") ?? ""),
        ),
      ).toBe(true);
      await receiver.waitFor((hooks) => hooks.length === 1);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(receiver.received).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });

  it("count sightings in the publish class", async () => {
    const publisher = await t.onboard("sighted", { roles: ["publish"] });
    const reporter = await t.onboard("reporter", { roles: ["screen"] });
    // One a second, two at once: 40 at once cannot all pass, however slow this machine.
    await t.admin.call("PATCH", "/v1/admin/orgs/reporter", {
      body: { rate_limits: { publish: 1 } },
    });
    const payload = bulletinPayload("sighted");
    expect((await publish(publisher, payload)).status).toBe(201);
    const answers = await Promise.all(
      Array.from({ length: 40 }, () =>
        reporter.client.raw("POST", "/v1/sightings", {
          body: {
            bulletin_id: payload.id,
            indicator: { type: "telegram_channel", value: "https://t.me/example_channel" },
            note: "x".repeat(1024),
          },
        }),
      ),
    );
    const created = answers.filter((answer) => answer.status === 201).length;
    expect(created).toBeGreaterThanOrEqual(2);
    expect(created).toBeLessThan(40);
    expect(answers.filter((answer) => answer.status === 429).length).toBe(40 - created);
    expect(answers.find((answer) => answer.status === 429)?.headers.get("ratelimit")).toBe(
      '"publish";r=0;t=1',
    );
  });
});

// The cap races and the feed's large bulletins: log-and-caps.test.ts and large-feed.soak.ts.
