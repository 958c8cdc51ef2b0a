import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import {
  BULLETIN_TYP,
  contentSha256,
  decodeBulletinJws,
  signBulletin,
  verifyBulletinJws,
} from "../../../shared/signatures/bulletin-jws.js";
import { decodeCompactJws } from "../../../shared/signatures/compact.js";
import { REQUEST_TOKEN_TYP } from "../../../shared/signatures/request-token.js";
import type { EcPublicJwk, OkpPublicJwk } from "../../../shared/signatures/types.js";
import { b64u, ed25519Key, es256Key, expectRefusal, signRaw, type TestKey } from "./craft.js";

const BULLETIN = {
  id: "01JDX3Q8Z6V2M4N5P6R7S8T9VW",
  issuer: "trm",
  issued_at: "2026-11-25T12:00:00Z",
  title: "ISKP donation address — «recruitment» channel",
  category: "terrorist_financing",
  tlp: "amber",
  audience: ["binance", "group:central-banks"],
  confidence: 85,
  supersedes: null,
  indicators: [
    { type: "crypto_address", chain: "tron", address: "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t" },
    { type: "telegram_channel", value: "https://t.me/example_channel" },
  ],
};

let ed: TestKey<OkpPublicJwk>;
let ec: TestKey<EcPublicJwk>;

beforeAll(async () => {
  ed = await ed25519Key("trm-2026");
  ec = await es256Key("trm-ec");
});

function header(key: TestKey, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    alg: key.signingKey.alg,
    kid: key.signingKey.kid,
    typ: BULLETIN_TYP,
    ...extra,
  });
}

describe("bulletin JWS", () => {
  it.each([
    ["EdDSA", () => ed.signingKey, () => ed.publicJwk],
    ["Ed25519", () => ({ ...ed.signingKey, alg: "Ed25519" as const }), () => ed.publicJwk],
    ["ES256", () => ec.signingKey, () => ec.publicJwk],
  ])("signs with %s, decodes and verifies", async (_alg, key, jwk) => {
    // Prepare
    const jws = await signBulletin(BULLETIN, key());
    // Act
    const decoded = decodeBulletinJws(jws);
    await verifyBulletinJws(decoded, jwk());
    // Assess
    expect(decoded.payload).toEqual(BULLETIN);
    expect(decoded.header).toEqual({ alg: key().alg, kid: key().kid, typ: BULLETIN_TYP });
    expect(new TextDecoder().decode(decoded.payloadBytes)).toBe(JSON.stringify(BULLETIN));
  });

  it("hashes the signed payload bytes, not a re-serialisation", () => {
    // Prepare: spacing and member order a publisher chose, which JSON.stringify would not keep.
    const payloadText = '{ "issuer":"trm",  "id":"01JDX3Q8Z6V2M4N5P6R7S8T9VW" }';
    const decoded = decodeBulletinJws(signRaw(header(ed), payloadText, ed.signingKey));
    // Act
    const hash = contentSha256(decoded);
    // Assess
    expect(hash).toBe(createHash("sha256").update(payloadText).digest("hex"));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("refuses a duplicate member deep in the payload, pointing into the bulletin", async () => {
    // Prepare: the hub and a subscriber would otherwise index different addresses.
    const payloadText =
      '{"id":"01JDX3Q8Z6V2M4N5P6R7S8T9VW","indicators":[{"type":"crypto_address"},' +
      '{"type":"crypto_address","chain":"tron","address":"TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",' +
      '"address":"TXYZopYRdj2D9XRtbG411XZZ3kM5VkAeBf"}]}';
    const jws = signRaw(header(ed), payloadText, ed.signingKey);
    // Act
    const error = await expectRefusal(() => decodeBulletinJws(jws), "ERR_JWS_DUPLICATE_MEMBER");
    // Assess
    expect(error).toMatchObject({ pointer: "/indicators/1/address", segment: "payload" });
  });

  it.each([
    ["an array", "[]"],
    ["a string", '"bulletin"'],
    ["a number", "1"],
    ["null", "null"],
  ])("refuses a payload that is %s", async (_case, payloadText) => {
    // Prepare
    const jws = signRaw(header(ed), payloadText, ed.signingKey);
    // Act / Assess
    await expectRefusal(() => decodeBulletinJws(jws), "ERR_JWS_PAYLOAD_NOT_OBJECT");
  });

  it("refuses a request token or other typ posted as a bulletin", async () => {
    // Prepare
    const jws = signRaw(header(ed, { typ: REQUEST_TOKEN_TYP }), "{}", ed.signingKey);
    // Act / Assess
    await expectRefusal(() => decodeBulletinJws(jws), "ERR_JWS_TYP");
  });

  it("refuses to verify a JWS decoded with another typ as a bulletin", async () => {
    // Prepare
    const jws = signRaw(header(ed, { typ: "other+jws" }), "{}", ed.signingKey);
    const decoded = decodeCompactJws(jws, "other+jws");
    // Act / Assess
    await expectRefusal(() => verifyBulletinJws(decoded, ed.publicJwk), "ERR_JWS_TYP");
  });

  it("refuses an extra header member such as b64 or crit", async () => {
    // Prepare
    const jws = signRaw(header(ed, { b64: false, crit: ["b64"] }), "{}", ed.signingKey);
    // Act / Assess
    await expectRefusal(() => decodeBulletinJws(jws), "ERR_JWS_HEADER_MEMBER");
  });

  it("refuses a bulletin whose payload was changed after signing", async () => {
    // Prepare
    const [h, , s] = (await signBulletin(BULLETIN, ed.signingKey)).split(".");
    const forged = `${h}.${b64u(JSON.stringify({ ...BULLETIN, tlp: "clear" }))}.${s}`;
    // Act / Assess
    await expectRefusal(
      () => verifyBulletinJws(decodeBulletinJws(forged), ed.publicJwk),
      "ERR_JWS_SIGNATURE_INVALID",
    );
  });

  it("refuses a bulletin verified with another organisation's key", async () => {
    // Prepare
    const other = await ed25519Key("trm-2026");
    const decoded = decodeBulletinJws(await signBulletin(BULLETIN, other.signingKey));
    // Act / Assess
    await expectRefusal(
      () => verifyBulletinJws(decoded, ed.publicJwk),
      "ERR_JWS_SIGNATURE_INVALID",
    );
  });

  it.each([
    ["an ES256 header with an Ed25519 key", () => ec, () => ed],
    ["an EdDSA header with a P-256 key", () => ed, () => ec],
  ])("refuses %s", async (_case, signer, registered) => {
    // Prepare
    const decoded = decodeBulletinJws(await signBulletin(BULLETIN, signer().signingKey));
    // Act / Assess
    await expectRefusal(
      () => verifyBulletinJws(decoded, registered().publicJwk),
      "ERR_JWS_ALG_KEY_MISMATCH",
    );
  });

  it("refuses to sign a payload that strict JSON would refuse (a lone surrogate)", async () => {
    // Act / Assess
    await expectRefusal(
      () => signBulletin({ title: "\ud800" }, ed.signingKey),
      "ERR_JWS_MALFORMED",
    );
  });
});
