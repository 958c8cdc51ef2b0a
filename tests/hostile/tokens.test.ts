/**
 * Hostile request tokens against the real HTTP API (DESIGN §3): random strings,
 * mangled real tokens, forbidden algorithms, extra and repeated header members, every
 * claim wrong in turn, replays and giants — each on a request that would succeed with
 * a good token (a publish, a subscription, an admin change, …). Every one must answer
 * 401 and store nothing at all, not even a replay guard.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signBulletin } from "../../shared/signatures/bulletin-jws.js";
import { TOKEN_REFUSALS, type TokenRefusal } from "../../shared/signatures/errors.js";
import { generateSigningKey } from "../../shared/signatures/keys.js";
import { REQUEST_TOKEN_TYP } from "../../shared/signatures/request-token.js";
import type { SigningKey } from "../../shared/signatures/types.js";
import { bulletinPayload } from "../helpers/bulletins.js";
import {
  applyFlip,
  b64u,
  type Flip,
  flipArbitrary,
  sha256B64u,
  signHs256,
  signRaw,
  signRs256,
  unsigned,
} from "../helpers/forge.js";
import type { TestOrg } from "../helpers/hub.js";
import type { RawAnswer } from "../helpers/raw-http.js";
import { Harness, runs } from "./harness.js";

interface Target {
  org: Pick<TestOrg, "id" | "key">;
  method: string;
  path: string;
  body: () => Promise<string | undefined>;
}

/** Header values may hold tab, printable ASCII and Latin-1, nothing else. */
const headerSafe = (text: string) => text.replace(/[^\t\x20-\x7e\x80-\xff]/g, "");

let h: Harness;
let targets: Target[];

beforeAll(async () => {
  h = await Harness.start();
  const { publisher, screener, subscriber } = h.orgs;
  const admin = { id: "hub-admin", key: h.t.adminKey };
  targets = [
    { org: publisher, method: "GET", path: "/v1/me", body: async () => undefined },
    { org: screener, method: "GET", path: "/v1/bulletins?limit=5", body: async () => undefined },
    {
      org: screener,
      method: "POST",
      path: "/v1/screen",
      body: async () =>
        JSON.stringify({
          indicators: [
            { type: "crypto_address", chain: "ethereum", address: h.fixtures.addresses[0] },
          ],
        }),
    },
    {
      org: publisher,
      method: "POST",
      path: "/v1/bulletins",
      // A fresh, valid, signed bulletin: only the request token is wrong.
      body: async () =>
        JSON.stringify({ jws: await signBulletin(bulletinPayload("publisher"), publisher.key) }),
    },
    {
      org: subscriber,
      method: "POST",
      path: "/v1/subscriptions",
      body: async () =>
        JSON.stringify({ url: "http://127.0.0.1:9/forged", events: ["bulletin.published"] }),
    },
    {
      org: admin,
      method: "PATCH",
      path: "/v1/admin/orgs/victim",
      body: async () => JSON.stringify({ status: "suspended" }),
    },
    {
      org: publisher,
      method: "POST",
      path: `/v1/bulletins/${h.fixtures.bulletinIds[0]}/revoke`,
      body: async () => JSON.stringify({ reason: "forged" }),
    },
    {
      org: subscriber,
      method: "DELETE",
      path: `/v1/subscriptions/${h.fixtures.subscriptionId}`,
      body: async () => undefined,
    },
    {
      org: screener,
      method: "POST",
      path: "/v1/sightings",
      body: async () =>
        JSON.stringify({
          bulletin_id: h.fixtures.bulletinIds[0],
          indicator: {
            type: "crypto_address",
            chain: "ethereum",
            address: h.fixtures.addresses[0],
          },
        }),
    },
  ];
});
afterAll(async () => {
  console.info(h.summary("tokens"));
  await h.stop();
});

const now = () => Math.floor(Date.now() / 1000);

function claimsFor(target: Target, body: string | undefined, audience: string) {
  return {
    iss: target.org.id,
    aud: audience,
    iat: now(),
    exp: now() + 60,
    jti: `forged-${crypto.randomUUID()}`,
    htm: target.method,
    htu: target.path,
    bsh: sha256B64u(body ?? ""),
  };
}

const headerOf = (key: SigningKey, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ alg: key.alg, kid: key.kid, typ: REQUEST_TOKEN_TYP, ...extra });

/** One claim made wrong; each is a request the org did not sign for as sent. */
const claimMutation = fc.oneof(
  fc.constantFrom(
    ...["iss", "aud", "iat", "exp", "jti", "htm", "htu", "bsh"].map((name) => ({
      name,
      drop: true,
    })),
  ),
  fc.record({
    name: fc.constant("iss"),
    value: fc.constantFrom("other", "PUBLISHER", "", "hub-admin", "unknown-org", 7, null, [
      "publisher",
    ]),
  }),
  fc.record({
    name: fc.constant("aud"),
    value: fc.constantFrom(
      "https://staging.cordon",
      "cordon ",
      "CORDON",
      "",
      [],
      ["staging"],
      1,
      null,
    ),
  }),
  fc.record({
    name: fc.constant("iat"),
    value: fc.integer({ min: 61, max: 10_000_000 }),
    shift: fc.constant(true),
  }),
  fc.record({
    name: fc.constant("exp"),
    value: fc.integer({ min: -10_000_000, max: -61 }),
    shift: fc.constant(true),
  }),
  fc.record({
    name: fc.constant("exp"),
    value: fc.integer({ min: 301, max: 100_000_000 }),
    shift: fc.constant(true),
  }),
  fc.record({
    name: fc.constantFrom("iat", "exp"),
    value: fc.constantFrom(1.5, "1700000000", -1, 1e300, null, true, Number.MAX_SAFE_INTEGER + 2),
  }),
  fc.record({
    // Well past the 60 s of skew, so that a second ticking over in between changes nothing.
    name: fc.constant("nbf"),
    value: fc.integer({ min: 70, max: 100_000 }),
    shift: fc.constant(true),
  }),
  fc.record({
    name: fc.constant("jti"),
    value: fc.constantFrom("", "x".repeat(129), 42, null, {}),
  }),
  fc.record({ name: fc.constant("htm"), value: fc.constantFrom("PUT", "OPTIONS", "", "G E T", 1) }),
  fc.record({
    name: fc.constant("htu"),
    value: fc.constantFrom(
      "FULL_URL",
      "/v1/other",
      "TRAILING_SLASH",
      "QUERY_ADDED",
      "ENCODED",
      "",
      3,
    ),
  }),
  fc.record({
    name: fc.constant("bsh"),
    value: fc.constantFrom("EMPTY", "OTHER", "PADDED", "STD", "", null),
  }),
);

type Forgery =
  | { kind: "random"; text: string }
  | Flip
  | {
      kind: "splice";
      how: "swap01" | "swap12" | "drop" | "extra" | "truncate" | "double";
      at: number;
    }
  | { kind: "alg"; alg: string; signer: "none" | "hs256" | "rs256" | "own" | "other" }
  | { kind: "member"; extra: Record<string, unknown> }
  | { kind: "duplicate"; where: "header" | "claims"; member: string }
  | { kind: "typ"; typ: unknown }
  | { kind: "kid"; kid: string }
  | { kind: "claim"; mutation: { name: string; value?: unknown; drop?: boolean; shift?: boolean } }
  | { kind: "huge"; length: number }
  | { kind: "other-org"; sameKid: boolean };

const forgery: fc.Arbitrary<Forgery> = fc.oneof(
  fc.record({
    kind: fc.constant("random" as const),
    text: fc.string({ maxLength: 300, unit: "binary" }),
  }),
  fc.record({
    kind: fc.constant("random" as const),
    text: fc.stringMatching(/^[A-Za-z0-9_-]{1,80}\.[A-Za-z0-9_-]{1,200}\.[A-Za-z0-9_-]{0,90}$/),
  }),
  flipArbitrary,
  fc.record({
    kind: fc.constant("splice" as const),
    how: fc.constantFrom("swap01", "swap12", "drop", "extra", "truncate", "double"),
    at: fc.nat({ max: 2 }),
  }),
  fc.record({
    kind: fc.constant("alg" as const),
    alg: fc.constantFrom(
      "none",
      "None",
      "HS256",
      "HS512",
      "RS256",
      "PS256",
      "ES384",
      "ES256K",
      "EdDSA",
      "ES256",
      "Ed448",
      "",
    ),
    signer: fc.constantFrom("none", "hs256", "rs256", "own", "other"),
  }),
  fc.record({
    kind: fc.constant("member" as const),
    extra: fc.constantFrom<Record<string, unknown>>(
      { jku: "https://attacker.example/jwks.json" },
      { jwk: { kty: "OKP", crv: "Ed25519", x: b64u(new Uint8Array(32)) } },
      { x5u: "https://attacker.example/cert" },
      { x5c: ["MIIB"] },
      { crit: ["exp"] },
      { b64: false, crit: ["b64"] },
      { cty: "JWT" },
      { zip: "DEF" },
      { Alg: "none" },
      { kid2: "x" },
    ),
  }),
  fc.record({
    kind: fc.constant("duplicate" as const),
    where: fc.constant("header" as const),
    member: fc.constantFrom("alg", "kid", "typ"),
  }),
  fc.record({
    kind: fc.constant("duplicate" as const),
    where: fc.constant("claims" as const),
    member: fc.constantFrom("iss", "aud", "iat", "exp", "jti", "htm", "htu", "bsh"),
  }),
  fc.record({
    kind: fc.constant("typ" as const),
    typ: fc.constantFrom(
      "JWT",
      "jwt",
      "cordon-bulletin+jws",
      "cordon-key-proof+jws",
      "CORDON-REQ+JWT",
      "cordon-req+jwt ",
      "",
      null,
      1,
    ),
  }),
  fc.record({
    kind: fc.constant("kid" as const),
    kid: fc.constantFrom(
      "__proto__",
      "constructor",
      "toString",
      "hasOwnProperty",
      "valueOf",
      "../admin",
      "kid\u0000",
      "*",
      "OTHER",
    ),
  }),
  fc.record({ kind: fc.constant("claim" as const), mutation: claimMutation }),
  fc.record({
    kind: fc.constant("huge" as const),
    length: fc.integer({ min: 8_193, max: 14_000 }),
  }),
  fc.record({ kind: fc.constant("other-org" as const), sameKid: fc.boolean() }),
);

/**
 * The 401 `code` each kind of forgery must get, where the kind decides it (DESIGN
 * §15); the others (a flipped bit, a spliced token, a wrong claim) may fail any check.
 */
const REFUSAL_OF_FORGERY: Partial<Record<Forgery["kind"], TokenRefusal>> = {
  random: "token_malformed",
  member: "token_malformed",
  duplicate: "token_malformed",
  typ: "token_malformed",
  huge: "token_malformed",
  "other-org": "credentials_rejected",
};

/** A 401 body names one of the §15 codes (the `expected` one when given), never more. */
function expectRefusal(answer: RawAnswer, expected?: TokenRefusal): void {
  const body = answer.json as { code?: unknown; detail?: unknown };
  expect(TOKEN_REFUSALS).toContain(body.code);
  if (expected !== undefined) expect(body.code).toBe(expected);
  if (body.code === "credentials_rejected") {
    credentialsRejectedDetail ??= body.detail;
    expect(body.detail).toBe(credentialsRejectedDetail);
  }
}

/** The one detail every `credentials_rejected` carries, learnt from the first one seen. */
let credentialsRejectedDetail: unknown;

/** The Authorization value for `target`, forged as `f`. */
async function forge(f: Forgery, target: Target, body: string | undefined): Promise<string> {
  const audience = h.t.hub.deps.audience;
  const key = target.org.key;
  const claims: Record<string, unknown> = claimsFor(target, body, audience);
  const good = (await h.sign(target.org, target.method, target.path, body)).token;
  switch (f.kind) {
    case "random":
      return `Bearer ${headerSafe(f.text)}`;
    case "flip": {
      return `Bearer ${headerSafe(applyFlip(good, f, "x"))}`;
    }
    case "splice": {
      const [a = "", b = "", c = ""] = good.split(".");
      const spliced = {
        swap01: `${b}.${a}.${c}`,
        swap12: `${a}.${c}.${b}`,
        drop: [a, b, c].filter((_, i) => i !== f.at).join("."),
        extra: `${good}.${c}`,
        truncate: good.slice(0, Math.max(1, good.length - 1 - f.at * 7)),
        double: `${good}${good}`,
      }[f.how];
      return `Bearer ${spliced}`;
    }
    case "alg": {
      const header = JSON.stringify({ alg: f.alg, kid: key.kid, typ: REQUEST_TOKEN_TYP });
      const payload = JSON.stringify(claims);
      const token =
        f.signer === "none"
          ? unsigned(header, payload)
          : f.signer === "hs256"
            ? signHs256(header, payload, Buffer.from(publicX(key), "base64url"))
            : f.signer === "rs256"
              ? signRs256(header, payload)
              : // The org's own key under an alg that is not its key's; or, when the alg fits it,
                // another organisation's key.
                f.signer === "other" || fits(f.alg, key)
                ? signRaw(header, payload, h.orgs.other.key)
                : signRaw(header, payload, key);
      return `Bearer ${token}`;
    }
    case "member":
      return `Bearer ${signRaw(headerOf(key, f.extra), JSON.stringify(claims), key)}`;
    case "duplicate": {
      if (f.where === "header") {
        const header = headerOf(key).replace(
          /^\{/,
          `{"${f.member}":${JSON.stringify(f.member === "alg" ? "none" : "x")},`,
        );
        return `Bearer ${signRaw(header, JSON.stringify(claims), key)}`;
      }
      const payload = JSON.stringify(claims).replace(/^\{/, `{"${f.member}":"forged",`);
      return `Bearer ${signRaw(headerOf(key), payload, key)}`;
    }
    case "typ":
      return `Bearer ${signRaw(headerOf(key, { typ: f.typ }), JSON.stringify(claims), key)}`;
    case "kid": {
      const kid = f.kid === "OTHER" ? h.orgs.other.key.kid : f.kid;
      return `Bearer ${signRaw(headerOf(key, { kid }), JSON.stringify(claims), key)}`;
    }
    case "claim": {
      const { name, value, drop, shift } = f.mutation;
      if (drop === true) delete claims[name];
      else if (shift === true) {
        if (name === "exp" && typeof value === "number" && value > 0) claims.exp = now() + value;
        else claims[name] = now() + (value as number);
      } else if (name === "htu") {
        claims.htu =
          {
            FULL_URL: `${h.url}${target.path}`,
            TRAILING_SLASH: `${target.path.split("?")[0]}/`,
            QUERY_ADDED: `${target.path}${target.path.includes("?") ? "&" : "?"}x=1`,
            ENCODED: target.path.replace("/v1/", "/%76%31/"),
          }[String(value)] ?? value;
      } else if (name === "bsh") {
        const digest = sha256B64u(body ?? "");
        claims.bsh =
          {
            EMPTY: body === undefined ? sha256B64u(" ") : sha256B64u(""),
            OTHER: sha256B64u(`${body ?? ""} `),
            PADDED: `${digest}=`,
            STD: Buffer.from(digest, "base64url").toString("base64"),
          }[String(value)] ?? value;
      } else if (name === "iss" && value === target.org.id) {
        // The same issuer is no forgery; claim to be someone else.
        claims.iss = target.org.id === "other" ? "publisher" : "other";
      } else claims[name] = value;
      return `Bearer ${signRaw(headerOf(key), JSON.stringify(claims), key)}`;
    }
    case "huge": {
      const [a = "", , c = ""] = good.split(".");
      const filler = b64u("x".repeat(Math.ceil((f.length * 3) / 4)));
      return `Bearer ${a}.${filler.slice(0, f.length)}.${c}`;
    }
    case "other-org": {
      // Another organisation's valid key, claiming to be this one.
      const other = h.orgs.other.key;
      const header = JSON.stringify({
        alg: other.alg,
        kid: f.sameKid ? key.kid : other.kid,
        typ: REQUEST_TOKEN_TYP,
      });
      return `Bearer ${signRaw(header, JSON.stringify(claims), other)}`;
    }
  }
}

function publicX(key: SigningKey): string {
  return key.privateJwk.x;
}

function fits(alg: string, key: SigningKey): boolean {
  return key.privateJwk.kty === "OKP" ? alg === "EdDSA" || alg === "Ed25519" : alg === "ES256";
}

describe("hostile request tokens", () => {
  it("refuses every forged token with 401 and stores nothing", async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 100 }), forgery, async (which, f) => {
        const target = targets[which % targets.length] as Target;
        const body = await target.body();
        const authorization = await forge(f, target, body);
        const headers: [string, string][] = [["authorization", authorization]];
        if (body !== undefined) headers.push(["content-type", "application/json"]);
        const answer = await h.probe(
          `token:${f.kind}`,
          {
            method: target.method,
            path: target.path,
            headers,
            ...(body === undefined ? {} : { body }),
          },
          { forged: true, expect: [401] },
        );
        expectRefusal(answer, REFUSAL_OF_FORGERY[f.kind]);
      }),
      { numRuns: runs(200) },
    );
  });

  it("refuses a replayed token, whatever the first use answered", async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 100 }), async (which) => {
        const readOnly = targets.filter((t) => t.method === "GET" || t.path === "/v1/screen");
        const target = readOnly[which % readOnly.length] as Target;
        const body = await target.body();
        const { authorization, jti } = await h.sign(target.org, target.method, target.path, body);
        const headers: [string, string][] = [["authorization", authorization]];
        if (body !== undefined) headers.push(["content-type", "application/json"]);
        const request = {
          method: target.method,
          path: target.path,
          headers,
          ...(body === undefined ? {} : { body }),
        };
        await h.probe("token:first-use", request, {
          signedBy: { iss: target.org.id, jti },
          readOnly: true,
          expect: [200],
        });
        // The replay carries a real signature: it takes from its organisation's bucket before
        // its jti is found spent (the rate limit sits before the replay guard, DESIGN §15).
        const replay = await h.probe("token:replay", request, {
          forged: true,
          expect: [401],
          movesBucketOf: target.org.id,
        });
        expectRefusal(replay, "token_replayed");
      }),
      { numRuns: runs(20) },
    );
  });

  it("refuses tokens of a suspended organisation and of a revoked key", async () => {
    // Prepare: an organisation with two keys, one of them revoked; the victim suspended.
    const admin = { id: "hub-admin", key: h.t.adminKey };
    const [kept, revoked] = await Promise.all([
      generateSigningKey("Ed25519"),
      generateSigningKey("ES256"),
    ]);
    const rotating = { id: "rotating", key: kept.signingKey };
    const send = async (
      org: Pick<TestOrg, "id" | "key">,
      method: string,
      path: string,
      body?: string,
    ) => {
      const { authorization, jti } = await h.sign(org, method, path, body);
      const headers: [string, string][] = [["authorization", authorization]];
      if (body !== undefined) headers.push(["content-type", "application/json"]);
      return h.probe(
        "token:setup",
        { method, path, headers, ...(body === undefined ? {} : { body }) },
        { signedBy: { iss: org.id, jti } },
      );
    };
    const created = JSON.stringify({
      id: "rotating",
      name: "Rotating keys",
      type: "exchange",
      roles: ["screen"],
      groups: [],
      jwks: { keys: [kept.publicJwk, revoked.publicJwk] },
    });
    expect((await send(admin, "POST", "/v1/admin/orgs", created)).status).toBe(201);
    expect((await send(rotating, "DELETE", `/v1/keys/${revoked.signingKey.kid}`)).status).toBe(204);
    expect(
      (await send(admin, "PATCH", "/v1/admin/orgs/victim", '{"status":"suspended"}')).status,
    ).toBe(200);

    // Act and assess
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("/v1/me", "/v1/bulletins", `/v1/bulletins/${h.fixtures.hiddenBulletinId}`),
        fc.boolean(),
        async (path, suspended) => {
          const org = suspended ? h.orgs.victim : { id: "rotating", key: revoked.signingKey };
          const { authorization } = await h.sign(org, "GET", path);
          const answer = await h.probe(
            suspended ? "token:suspended-org" : "token:revoked-key",
            { method: "GET", path, headers: [["authorization", authorization]] },
            { forged: true, expect: [401] },
          );
          // A suspended organisation and a revoked key read exactly like an unknown one.
          expectRefusal(answer, "credentials_rejected");
        },
      ),
      { numRuns: runs(20) },
    );
  });
});
