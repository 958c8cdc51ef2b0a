/**
 * Hostile bulletin JWS on `POST /v1/bulletins`, each in a properly signed request
 * (DESIGN §4, §7, §9): mangled real bulletins, forbidden algorithms and header
 * members, repeated names, another organisation's key or issuer, a signature over a
 * payload that breaks one rule, and the same id with other content. None is accepted,
 * none answers 5xx, and none stores anything but the spent token's replay guard — in
 * particular no indicator-index entry written ahead of a commit that never came.
 */
import fc from "fast-check";
import { ulid } from "ulid";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BulletinPayload } from "../../shared/bulletins/schema.js";
import { BULLETIN_TYP, signBulletin } from "../../shared/signatures/bulletin-jws.js";
import type { SigningKey } from "../../shared/signatures/types.js";
import { bulletinPayload, randomEvmAddress } from "../helpers/bulletins.js";
import {
  applyFlip,
  b64u,
  type Flip,
  flipArbitrary,
  signHs256,
  signRaw,
  signRs256,
  unsigned,
} from "../helpers/forge.js";
import { Harness, runs } from "./harness.js";

let h: Harness;
let published: BulletinPayload;

beforeAll(async () => {
  h = await Harness.start();
  // The control: a real bulletin, published through the harness, answers 201.
  published = bulletinPayload("publisher");
  const answer = await h.probeSigned("jws:control", h.orgs.publisher, {
    method: "POST",
    path: "/v1/bulletins",
    body: JSON.stringify({ jws: await signBulletin(published, h.orgs.publisher.key) }),
    contentType: "application/json",
  });
  expect(answer.status).toBe(201);
});
afterAll(async () => {
  console.info(h.summary("bulletin JWS"));
  await h.stop();
});

const headerOf = (key: SigningKey, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ alg: key.alg, kid: key.kid, typ: BULLETIN_TYP, ...extra });

/** A payload that breaks exactly one rule of §4 and §9, signed by the publisher. */
const brokenPayload: fc.Arbitrary<{ rule: string; payload: () => Record<string, unknown> }> =
  fc.constantFrom(
    ...Object.entries<(p: BulletinPayload) => Record<string, unknown>>({
      "tlp-unknown": (p) => ({ ...p, tlp: "white" }),
      "amber-without-audience": (p) => ({ ...p, tlp: "amber" }),
      "green-with-audience": (p) => ({ ...p, audience: ["screener"] }),
      "red-to-a-group": (p) => ({ ...p, tlp: "red", audience: ["group:exchanges"] }),
      "unknown-organisation": (p) => ({ ...p, tlp: "amber", audience: ["nobody-here"] }),
      "unknown-group": (p) => ({ ...p, tlp: "amber", audience: ["group:nobody"] }),
      "admin-audience": (p) => ({ ...p, tlp: "red", audience: ["hub-admin"] }),
      "repeated-audience": (p) => ({ ...p, tlp: "red", audience: ["screener", "screener"] }),
      "no-indicators": (p) => ({ ...p, indicators: [] }),
      "too-many-indicators": (p) => ({
        ...p,
        indicators: Array.from({ length: 1001 }, () => ({
          type: "crypto_address",
          chain: "ethereum",
          address: randomEvmAddress(),
        })),
      }),
      "bad-checksum": (p) => ({
        ...p,
        indicators: [
          { type: "crypto_address", chain: "tron", address: "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u" },
        ],
      }),
      "bad-eip55": (p) => ({
        ...p,
        indicators: [
          {
            type: "crypto_address",
            chain: "ethereum",
            address: "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD",
          },
        ],
      }),
      "unknown-chain": (p) => ({
        ...p,
        indicators: [
          {
            type: "crypto_address",
            chain: "dogecoin",
            address: "D8vFz4p1L37jdg9xpRBV5NGu9j1z4Ls5Vr",
          },
        ],
      }),
      "id-not-ulid": (p) => ({ ...p, id: "not-a-ulid" }),
      "id-lowercase": (p) => ({ ...p, id: p.id.toLowerCase() }),
      "issued-in-the-future": (p) => ({
        ...p,
        issued_at: new Date(Date.now() + 3_600_000).toISOString(),
      }),
      "valid-until-before-issued": (p) => ({ ...p, valid_until: "2000-01-01T00:00:00Z" }),
      "supersedes-itself": (p) => ({ ...p, supersedes: p.id }),
      "supersedes-missing": (p) => ({ ...p, supersedes: ulid() }),
      "supersedes-another-org": (p) => ({ ...p, supersedes: h.fixtures.hiddenBulletinId }),
      "category-unknown": (p) => ({ ...p, category: "jaywalking" }),
      "confidence-out-of-range": (p) => ({ ...p, confidence: 101 }),
      "confidence-fraction": (p) => ({ ...p, confidence: 50.5 }),
      "unknown-member": (p) => ({ ...p, approved_by: "nobody" }),
      "missing-title": ({ title: _title, ...rest }) => rest,
      "huge-title": (p) => ({ ...p, title: "T".repeat(5000) }),
      "issuer-missing": ({ issuer: _issuer, ...rest }) => rest,
      "payload-is-array": () => [] as unknown as Record<string, unknown>,
    }).map(([rule, mutate]) => ({ rule, payload: () => mutate(bulletinPayload("publisher")) })),
  );

type Hostile =
  | Flip
  | { kind: "splice"; how: string }
  | { kind: "alg"; alg: string; signer: "none" | "hs256" | "rs256" | "own" }
  | { kind: "member"; extra: Record<string, unknown> }
  | { kind: "typ"; typ: unknown }
  | { kind: "duplicate"; where: "header" | "payload"; member: string }
  | { kind: "foreign-key"; claim: "issuer" | "kid" }
  | { kind: "issuer"; issuer: string }
  | { kind: "broken"; rule: string; payload: () => Record<string, unknown> }
  | { kind: "conflict" }
  | { kind: "body"; body: unknown };

const hostile: fc.Arbitrary<Hostile> = fc.oneof(
  flipArbitrary,
  fc.record({
    kind: fc.constant("splice" as const),
    how: fc.constantFrom(
      "swap01",
      "swap12",
      "drop-sig",
      "extra",
      "truncate",
      "detached",
      "request-token",
    ),
  }),
  fc.record({
    kind: fc.constant("alg" as const),
    alg: fc.constantFrom("none", "HS256", "RS256", "ES256", "ES384", "EdDSA", "Ed448", ""),
    signer: fc.constantFrom("none", "hs256", "rs256", "own"),
  }),
  fc.record({
    kind: fc.constant("member" as const),
    extra: fc.constantFrom<Record<string, unknown>>(
      { jku: "https://attacker.example/jwks" },
      { jwk: { kty: "OKP", crv: "Ed25519", x: b64u(new Uint8Array(32)) } },
      { crit: ["b64"], b64: false },
      { cty: "json" },
      { x5u: "https://attacker.example/x" },
    ),
  }),
  fc.record({
    kind: fc.constant("typ" as const),
    typ: fc.constantFrom("cordon-req+jwt", "JWT", "cordon-bulletin+JWS", "", null),
  }),
  fc.record({
    kind: fc.constant("duplicate" as const),
    where: fc.constant("header" as const),
    member: fc.constantFrom("alg", "kid", "typ"),
  }),
  fc.record({
    kind: fc.constant("duplicate" as const),
    where: fc.constant("payload" as const),
    member: fc.constantFrom("id", "issuer", "tlp", "audience", "indicators", "confidence"),
  }),
  fc.record({ kind: fc.constant("foreign-key" as const), claim: fc.constantFrom("issuer", "kid") }),
  fc.record({
    kind: fc.constant("issuer" as const),
    issuer: fc.constantFrom("other", "screener", "hub-admin"),
  }),
  brokenPayload.map((b) => ({ kind: "broken" as const, ...b })),
  fc.constant({ kind: "conflict" as const }),
  fc.record({
    kind: fc.constant("body" as const),
    body: fc.oneof(
      fc.constantFrom<unknown>(null, 1, [], {}, "", true),
      fc.jsonValue({ maxDepth: 2 }).map((jws) => ({ jws })),
      fc.string({ maxLength: 400 }).map((jws) => ({ jws })),
    ),
  }),
);

/** The request body for `hostile`, and the status it must get. */
async function bodyFor(x: Hostile): Promise<{ body: string; expect: number[] }> {
  const key = h.orgs.publisher.key;
  const payload = bulletinPayload("publisher");
  const good = await signBulletin(payload, key);
  const jws = (text: string, expect: number[] = [422]) => ({
    body: JSON.stringify({ jws: text }),
    expect,
  });
  const payloadJson = JSON.stringify(payload);
  switch (x.kind) {
    case "flip": {
      return jws(applyFlip(good, x, "A"), [400, 403, 422]);
    }
    case "splice": {
      const [a = "", b = "", c = ""] = good.split(".");
      const token = (await h.sign(h.orgs.publisher, "POST", "/v1/bulletins")).token;
      const spliced: Record<string, string> = {
        swap01: `${b}.${a}.${c}`,
        swap12: `${a}.${c}.${b}`,
        "drop-sig": `${a}.${b}.`,
        extra: `${good}.${c}`,
        truncate: good.slice(0, -3),
        detached: `${a}..${c}`,
        "request-token": token,
      };
      return jws(spliced[x.how] ?? good);
    }
    case "alg": {
      const header = JSON.stringify({ alg: x.alg, kid: key.kid, typ: BULLETIN_TYP });
      const signed =
        x.signer === "none"
          ? unsigned(header, payloadJson)
          : x.signer === "hs256"
            ? signHs256(header, payloadJson, Buffer.from(key.privateJwk.x, "base64url"))
            : x.signer === "rs256"
              ? signRs256(header, payloadJson)
              : x.alg === "EdDSA" || x.alg === "Ed25519"
                ? signRaw(header, payloadJson, h.orgs.other.key)
                : signRaw(header, payloadJson, key);
      return jws(signed);
    }
    case "member":
      return jws(signRaw(headerOf(key, x.extra), payloadJson, key));
    case "typ":
      return jws(signRaw(headerOf(key, { typ: x.typ }), payloadJson, key));
    case "duplicate": {
      if (x.where === "header")
        return jws(signRaw(headerOf(key).replace(/^\{/, `{"${x.member}":"x",`), payloadJson, key));
      const value = JSON.stringify((payload as unknown as Record<string, unknown>)[x.member]);
      return jws(
        signRaw(headerOf(key), payloadJson.replace(/^\{/, `{"${x.member}":${value},`), key),
      );
    }
    case "foreign-key":
      // Signed by another organisation: as the issuer it names, or under the publisher's kid.
      return x.claim === "issuer"
        ? jws(await signBulletin(bulletinPayload("other"), h.orgs.other.key), [403])
        : jws(signRaw(headerOf(key), payloadJson, h.orgs.other.key));
    case "issuer":
      // The publisher's own key, but the payload names someone else as issuer.
      return jws(await signBulletin(bulletinPayload(x.issuer), key), [403]);
    case "broken":
      return jws(signRaw(headerOf(key), JSON.stringify(x.payload()), key));
    case "conflict":
      return jws(
        await signBulletin({ ...published, title: `${published.title} (edited)` }, key),
        [409],
      );
    case "body":
      return { body: JSON.stringify(x.body), expect: [400, 422] };
  }
}

describe("hostile bulletin JWS", () => {
  it("refuses every one, storing nothing but the spent token", async () => {
    await fc.assert(
      fc.asyncProperty(hostile, async (x) => {
        const { body, expect } = await bodyFor(x);
        await h.probeSigned(
          `jws:${x.kind === "broken" ? `payload-${x.rule}` : x.kind}`,
          h.orgs.publisher,
          { method: "POST", path: "/v1/bulletins", body, contentType: "application/json" },
          { forged: true, expect },
        );
      }),
      { numRuns: runs(150) },
    );
    await h.finalCheck();
  }, 120_000);

  it("answers a re-post of the same JWS with 200 and the same receipt, storing nothing new", async () => {
    const jws = await signBulletin(published, h.orgs.publisher.key);
    const first = await h.probeSigned(
      "jws:repost",
      h.orgs.publisher,
      {
        method: "POST",
        path: "/v1/bulletins",
        body: JSON.stringify({ jws }),
        contentType: "application/json",
      },
      { readOnly: true, expect: [200] },
    );
    const read = await h.orgs.publisher.client.raw("GET", `/v1/bulletins/${published.id}`);
    expect((first.json as { receipt: string }).receipt).toBe(
      (read.body as { receipt: string }).receipt,
    );
  });

  it("never lets the losing one of two racing publishes of an id surface in screening", async () => {
    // Two posts of one id with other content and audiences, at once: one commits (201),
    // the other is refused (409) after it wrote its indicator-index entries ahead. Those
    // entries name the id, now active, so screening "confirms" them: the loser's audience
    // sees a match for an address the committed bulletin does not name, with metadata of
    // a bulletin it may not read (GET answers 404). DESIGN §7: "index items written ahead
    // of a failed commit must never be read as data"; §8 invariant 2.
    const leaks: string[] = [];
    let races = 0;
    for (let i = 0; i < 10; i += 1) {
      const base = bulletinPayload("publisher", { tlp: "amber" });
      const forScreener = {
        ...base,
        audience: ["screener"],
        indicators: [
          {
            type: "crypto_address" as const,
            chain: "ethereum" as const,
            address: randomEvmAddress(),
          },
        ],
      };
      const forOther = {
        ...base,
        audience: ["other"],
        indicators: [
          {
            type: "crypto_address" as const,
            chain: "ethereum" as const,
            address: randomEvmAddress(),
          },
        ],
      };
      const post = async (p: BulletinPayload) =>
        h.orgs.publisher.client.raw("POST", "/v1/bulletins", {
          body: { jws: await signBulletin(p, h.orgs.publisher.key) },
        });
      const [a, b] = await Promise.all([post(forScreener), post(forOther)]);
      if ([a.status, b.status].sort().join() !== "201,409") continue;
      races += 1;
      const loser = a.status === 409 ? forScreener : forOther;
      const reader = loser === forScreener ? h.orgs.screener : h.orgs.other;
      const screened = await reader.client.raw("POST", "/v1/screen", {
        body: { indicators: loser.indicators },
      });
      const result = (screened.body as { results: { match_count: number }[] }).results[0];
      const read = await reader.client.raw("GET", `/v1/bulletins/${base.id}`);
      if ((result?.match_count ?? 0) > 0)
        leaks.push(
          `${reader.id} screens a refused publish's address into ${base.id} (GET: ${read.status})`,
        );
    }
    await h.settle();
    expect(races).toBeGreaterThan(0);
    expect(leaks).toEqual([]);
  });
});
