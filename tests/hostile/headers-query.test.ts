/**
 * Hostile headers, paths and query strings (DESIGN §3, §9): odd and missing
 * Authorization schemes, many and repeated headers, repeated parameters, huge and
 * malformed limits, garbage and crafted cursors, percent-encoding, unknown methods and
 * near-miss paths. Requests are signed for exactly what is sent where the point is the
 * route's own parsing, so that a refusal comes from the route and not from the token.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestOrg } from "../helpers/hub.js";
import { Harness, runs } from "./harness.js";

let h: Harness;

beforeAll(async () => {
  h = await Harness.start();
});
afterAll(async () => {
  console.info(h.summary("headers and queries"));
  await h.stop();
});

const b64uJson = (value: unknown) =>
  Buffer.from(JSON.stringify(value), "utf8").toString("base64url");

const limitValue = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000_000 }).map(String),
  fc.constantFrom(
    "",
    "%205",
    "5%20",
    "%35",
    "1e2",
    "0x10",
    "+5",
    "-0",
    "00001",
    "10.0",
    "%D9%A3",
    "99999999999999999999",
    "NaN",
    "Infinity",
    "%00",
    "5%00",
  ),
);

const cursorValue = fc.oneof(
  fc.string({ maxLength: 60 }).map(encodeURIComponent),
  fc.base64String({ maxLength: 80 }).map(encodeURIComponent),
  fc
    .oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom(
        "",
        "SIG#",
        "SIG#~",
        "BUL",
        "ZZZ",
        "\u0000",
        "x".repeat(2000),
        "SIG#".padEnd(1500, "z"),
      ),
    )
    .map((sk) => b64uJson({ sk })),
  fc.jsonValue({ maxDepth: 2 }).map(b64uJson),
  fc.constantFrom(
    "f1.",
    "f1.LTE",
    `f1.${Buffer.from("999999999999999").toString("base64url")}`,
    "f1.MA==",
    "f1.%2E%2E",
  ),
);

const extraParam = fc.oneof(
  fc.constantFrom(
    "",
    "&",
    "&&&",
    "=",
    "&=x",
    "&limit",
    "&cursor",
    "&limit=1&limit=2",
    "&cursor=a&cursor=b",
    "&x=%ZZ",
    "&%6C%69%6D%69%74=5",
    "&__proto__=1",
    "&constructor=x",
    "&%00=%00",
  ),
  fc.string({ maxLength: 40 }).map((s) => `&${encodeURIComponent(s)}=${encodeURIComponent(s)}`),
  // Longer, and the token that signs the URL passes the hub's 8,192-character bound on tokens.
  fc.integer({ min: 1_000, max: 3_000 }).map((n) => `&pad=${"p".repeat(n)}`),
);

describe("hostile queries on the listing routes", () => {
  it("answers 200 or a 422 naming the parameter, and stores nothing but the token", async () => {
    const listings: { org: () => Pick<TestOrg, "id" | "key">; path: () => string }[] = [
      { org: () => h.orgs.screener, path: () => "/v1/bulletins" },
      {
        org: () => h.orgs.publisher,
        path: () => `/v1/bulletins/${h.fixtures.bulletinIds[0]}/sightings`,
      },
      {
        org: () => h.orgs.subscriber,
        path: () => `/v1/subscriptions/${h.fixtures.subscriptionId}/deliveries`,
      },
      { org: () => h.orgs.subscriber, path: () => "/v1/subscriptions" },
      { org: () => h.orgs.screener, path: () => "/v1/me" },
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: 100 }),
        fc.option(limitValue),
        fc.option(cursorValue),
        extraParam,
        async (which, limit, cursor, extra) => {
          const listing = listings[which % listings.length] as (typeof listings)[number];
          const parts = [
            limit === null ? "" : `limit=${limit}`,
            cursor === null ? "" : `cursor=${cursor}`,
          ];
          const query = `${parts.filter((p) => p !== "").join("&")}${extra}`;
          const path = query === "" ? listing.path() : `${listing.path()}?${query}`;
          await h.probeSigned(
            "query",
            listing.org(),
            { method: "GET", path },
            { readOnly: true, expect: [200, 422] },
          );
        },
      ),
      { numRuns: runs(100) },
    );
    await h.finalCheck();
  }, 120_000);

  it("answers a crafted cursor on sightings and deliveries with 422, not 500", async () => {
    // Cursors are base64url JSON {sk} and were handed to DynamoDB as ExclusiveStartKey
    // unchecked: an empty, over-long or out-of-range sort key made the query fail.
    for (const sk of ["", "BUL", "ZZZ", "x".repeat(2000)]) {
      for (const [org, path] of [
        [h.orgs.publisher, `/v1/bulletins/${h.fixtures.bulletinIds[0]}/sightings`],
        [h.orgs.subscriber, `/v1/subscriptions/${h.fixtures.subscriptionId}/deliveries`],
      ] as const) {
        const answer = await h.probeSigned(
          "query:crafted-cursor",
          org,
          { method: "GET", path: `${path}?cursor=${b64uJson({ sk })}` },
          { readOnly: true },
        );
        expect([200, 422], `${path} with sk ${JSON.stringify(sk.slice(0, 8))}`).toContain(
          answer.status,
        );
      }
    }
  });
});

describe("hostile paths and methods", () => {
  it("answers unknown paths 404 and unknown methods 405, before reading any token", async () => {
    const id = () => h.fixtures.bulletinIds[0] as string;
    const paths = fc.oneof(
      fc.constantFrom(
        "/V1/ME",
        "/v1/me/",
        "//v1/me",
        "/v1//me",
        "/v1/./me",
        "/v1/../v1/me",
        "/v1/%6D%65",
        "/v1/bulletins/",
        "/v1/bulletins//revoke",
        "/v1/admin/orgs/",
        "/v1/admin/orgs/a/b",
        "/.well-known/jwks.json/",
        "/v2/me",
        "/",
        "*",
        "/v1/subscriptions/x/y/z",
      ),
      fc.string({ maxLength: 40 }).map((s) => `/v1/${encodeURIComponent(s)}/x/y`),
    );
    await fc.assert(
      fc.asyncProperty(paths, async (path) => {
        await h.probe(
          "path:unknown",
          { method: "GET", path, headers: [["authorization", "Bearer x.y.z"]] },
          // 400: API Gateway's own answer to a path it cannot decode (DESIGN §3).
          { forged: true, expect: [400, 401, 404] },
        );
      }),
      { numRuns: runs(30) },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "POST"),
        fc.constantFrom(
          "/v1/me",
          "/health",
          "/.well-known/jwks.json",
          "/v1/screen",
          `/v1/bulletins/${id()}/revoke`,
        ),
        async (method, path) => {
          const allowed: Record<string, string[]> = {
            "/v1/me": ["GET"],
            "/health": ["GET"],
            "/.well-known/jwks.json": ["GET"],
            "/v1/screen": ["POST"],
          };
          if ((allowed[path] ?? ["POST"]).includes(method)) return;
          await h.probe(
            "path:method",
            { method, path, headers: [["authorization", "Bearer x.y.z"]] },
            { forged: true, expect: [405] },
          );
        },
      ),
      { numRuns: runs(30) },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constantFrom(
            "__proto__",
            "constructor",
            "toString",
            "hasOwnProperty",
            "%2E%2E",
            "..",
            "%00",
            "%FF",
            "a%2Fb",
            "0%3F%20",
          ),
          fc.string({ minLength: 1, maxLength: 300 }).map(encodeURIComponent),
          // Past DynamoDB's bounds on keys (2,048 bytes of partition key, 1,024 of sort key).
          fc.integer({ min: 1_000, max: 4_000 }).map((n) => "A".repeat(n)),
        ),
        fc.constantFrom(
          "/v1/bulletins/{}",
          "/v1/bulletins/{}/sightings",
          "/v1/subscriptions/{}",
          "/v1/subscriptions/{}/deliveries",
          "/v1/admin/orgs/{}",
          "/v1/orgs/{}/jwks",
        ),
        async (segment, template) => {
          const admin = template.startsWith("/v1/admin");
          const org = admin
            ? { id: "hub-admin", key: h.t.adminKey }
            : template.includes("subscriptions")
              ? h.orgs.subscriber
              : h.orgs.screener;
          await h.probeSigned(
            "path:odd-id",
            org,
            { method: "GET", path: template.replace("{}", segment) },
            // 400: API Gateway's own answer to a path it cannot decode (`%FF`, DESIGN §3).
            // 401: a `%3F` ends the path the gateway hands on (DESIGN §3), so a token that
            // named the whole path no longer matches the request the hub sees.
            {
              readOnly: true,
              expect: /%3F/i.test(segment) ? [200, 400, 401, 404, 422] : [200, 400, 404, 422],
            },
          );
        },
      ),
      { numRuns: runs(40) },
    );
    await h.finalCheck();
  }, 120_000);
});

describe("ids past DynamoDB's key bounds", () => {
  it("answers 404, as for any missing resource, not 500", async () => {
    // Path ids reached the table as keys unchecked: a subscription id over 1,020 bytes or
    // an organisation id over 2,044 made GetItem fail with a ValidationException.
    const admin = { id: "hub-admin", key: h.t.adminKey };
    const long = "A".repeat(2100);
    const cases: [Pick<TestOrg, "id" | "key">, string, string, string?][] = [
      [h.orgs.subscriber, "GET", `/v1/subscriptions/${long}`],
      [h.orgs.subscriber, "GET", `/v1/subscriptions/${long}/deliveries`],
      [h.orgs.subscriber, "PATCH", `/v1/subscriptions/${long}`, '{"status":"active"}'],
      [h.orgs.subscriber, "DELETE", `/v1/subscriptions/${long}`],
      [h.orgs.subscriber, "POST", `/v1/subscriptions/${long}/test`],
      [h.orgs.subscriber, "POST", `/v1/subscriptions/${long}/rotate-secret`],
      [admin, "GET", `/v1/admin/orgs/${long}`],
      [admin, "PATCH", `/v1/admin/orgs/${long}`, '{"status":"active"}'],
      [h.orgs.screener, "GET", `/v1/orgs/${long}/jwks`],
      [h.orgs.screener, "GET", `/v1/bulletins/${long}`],
    ];
    for (const [org, method, path, body] of cases) {
      await h.probeSigned(
        "path:over-long-id",
        org,
        { method, path, ...(body === undefined ? {} : { body, contentType: "application/json" }) },
        { expect: [404] },
      );
    }
  });
});

describe("hostile headers", () => {
  it("refuses every malformed Authorization with 401, and accepts the scheme in any case", async () => {
    const schemes = fc.oneof(
      fc.constantFrom(
        "",
        " ",
        "Bearer",
        "Bearer ",
        "Bearer  ",
        "Basic dXNlcjpwYXNz",
        "Token abc",
        "Bearer a b",
        "Bearer\u00a0x.y.z",
        "Digest x",
        "Bearer,Bearer",
        "bearer=x.y.z",
      ),
      fc.string({ maxLength: 200 }).map((s) => s.replace(/[^\t\x20-\x7e\x80-\xff]/g, "")),
      fc
        .string({ maxLength: 60 })
        .map((s) => `Bearer ${s.replace(/[^\t\x20-\x7e\x80-\xff]/g, "")}`),
    );
    await fc.assert(
      fc.asyncProperty(schemes, async (authorization) => {
        const headers: [string, string][] =
          authorization === "" ? [] : [["authorization", authorization]];
        await h.probe(
          "header:authorization",
          { method: "GET", path: "/v1/me", headers },
          { forged: true, expect: [401] },
        );
      }),
      { numRuns: runs(60) },
    );
    // Two Authorization headers, the second a real token: joined, they are no token at all.
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("Bearer x.y.z", "Basic abc", "Bearer"),
        fc.boolean(),
        async (junk, junkFirst) => {
          const { authorization } = await h.sign(h.orgs.screener, "GET", "/v1/me");
          const pair: [string, string][] = junkFirst
            ? [
                ["authorization", junk],
                ["authorization", authorization],
              ]
            : [
                ["authorization", authorization],
                ["authorization", junk],
              ];
          await h.probe(
            "header:two-authorizations",
            { method: "GET", path: "/v1/me", headers: pair },
            { forged: true, expect: [401] },
          );
        },
      ),
      { numRuns: runs(12) },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("bearer", "BEARER", "BeArEr", "Bearer\t", "Bearer   "),
        async (scheme) => {
          const { token, jti } = await h.sign(h.orgs.screener, "GET", "/v1/me");
          const authorization =
            scheme.endsWith(" ") || scheme.endsWith("\t")
              ? `${scheme}${token}`
              : `${scheme} ${token}`;
          await h.probe(
            "header:scheme-case",
            { method: "GET", path: "/v1/me", headers: [["authorization", authorization]] },
            { signedBy: { iss: "screener", jti }, readOnly: true, expect: [200] },
          );
        },
      ),
      { numRuns: runs(10) },
    );
    await h.finalCheck();
  }, 120_000);

  it("copes with many, repeated and odd headers on a signed request", async () => {
    const header = fc.tuple(
      fc.oneof(
        fc.constantFrom(
          "content-type",
          "x-forwarded-for",
          "x-forwarded-host",
          "host",
          "cookie",
          "x-amzn-trace-id",
          "accept",
          "content-encoding",
          "transfer-encoding",
          "x-http-method-override",
          "origin",
          "expect",
        ),
        fc.stringMatching(/^[a-z][a-z0-9-]{0,30}$/),
      ),
      fc.string({ maxLength: 80 }).map((s) => s.replace(/[^\t\x20-\x7e\x80-\xff]/g, "").trim()),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(header, { minLength: 1, maxLength: 120 }),
        fc.boolean(),
        async (headers, post) => {
          // Framing headers are the HTTP client's to write, and a request has one Host.
          const safe = headers.filter(
            ([name]) =>
              !["transfer-encoding", "content-length", "host", "expect", "authorization"].includes(
                name,
              ),
          );
          if (post) {
            const body = JSON.stringify({
              indicators: [
                { type: "crypto_address", chain: "ethereum", address: h.fixtures.addresses[0] },
              ],
            });
            await h.probeSigned(
              "header:many",
              h.orgs.screener,
              { method: "POST", path: "/v1/screen", body, headers: safe },
              { readOnly: true, expect: [200, 415] },
            );
          } else {
            await h.probeSigned(
              "header:many",
              h.orgs.screener,
              { method: "GET", path: "/v1/me", headers: safe },
              { readOnly: true, expect: [200] },
            );
          }
        },
      ),
      { numRuns: runs(40) },
    );
    await h.finalCheck();
  }, 120_000);
});
