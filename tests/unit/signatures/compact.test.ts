import { CompactSign, compactVerify, importJWK } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import {
  ALLOWED_ALGORITHMS,
  decodeCompactJws,
  sha256Base64Url,
  sha256Hex,
  signCompactJws,
  verifyDecodedJws,
} from "../../../shared/signatures/compact.js";
import { importSignKey } from "../../../shared/signatures/keys.js";
import type { EcPublicJwk, OkpPublicJwk } from "../../../shared/signatures/types.js";
import { b64u, ed25519Key, es256Key, expectRefusal, signRaw, type TestKey } from "./craft.js";

const TYP = "test+jws";
const HEADER = (kid: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ alg: "EdDSA", kid, typ: TYP, ...extra });
const SIG64 = b64u(new Uint8Array(64));

let ed: TestKey<OkpPublicJwk>;
let ec: TestKey<EcPublicJwk>;

beforeAll(async () => {
  ed = await ed25519Key("ed-1");
  ec = await es256Key("ec-1");
});

describe("decodeCompactJws", () => {
  it("decodes header, payload bytes and strict payload without verifying", () => {
    // Prepare
    const jws = signRaw(HEADER("ed-1"), '{"a":[1,"é"]}', ed.signingKey);
    // Act
    const decoded = decodeCompactJws(jws, TYP);
    // Assess
    expect(decoded.header).toEqual({ alg: "EdDSA", kid: "ed-1", typ: TYP });
    expect(new TextDecoder().decode(decoded.payloadBytes)).toBe('{"a":[1,"é"]}');
    expect(decoded.payload).toEqual({ a: [1, "é"] });
    expect(decoded.compact).toBe(jws);
  });

  it.each([
    ["two segments", `${b64u(HEADER("k"))}.${b64u("{}")}`],
    ["four segments", `${b64u(HEADER("k"))}.${b64u("{}")}.${SIG64}.${SIG64}`],
    ["an empty header", `.${b64u("{}")}.${SIG64}`],
    ["an empty payload", `${b64u(HEADER("k"))}..${SIG64}`],
    ["an empty signature", `${b64u(HEADER("k"))}.${b64u("{}")}.`],
    ["padding", `${b64u(HEADER("k"))}.${b64u("{}")}.${SIG64}==`],
    [
      "standard base64 characters",
      `${b64u(HEADER("k"))}.${b64u("{}")}.${SIG64.replace(/A/g, "+")}`,
    ],
    ["whitespace", `${b64u(HEADER("k"))}. ${b64u("{}")}.${SIG64}`],
    ["a JSON serialisation", JSON.stringify({ protected: "x", payload: "y", signature: "z" })],
    ["an empty string", ""],
    ["a 65-byte signature", `${b64u(HEADER("k"))}.${b64u("{}")}.${b64u(new Uint8Array(65))}`],
    ["a DER ECDSA signature", `${b64u(HEADER("k"))}.${b64u("{}")}.${b64u(new Uint8Array(71))}`],
    ["a payload that is not JSON", `${b64u(HEADER("k"))}.${b64u("{a:1}")}.${SIG64}`],
    [
      "a payload that is not UTF-8",
      `${b64u(HEADER("k"))}.${b64u(new Uint8Array([0x22, 0xff, 0x22]))}.${SIG64}`,
    ],
    ["a payload with a lone surrogate", `${b64u(HEADER("k"))}.${b64u('{"a":"\\ud800"}')}.${SIG64}`],
    ["a header that is not JSON", `${b64u("{alg:EdDSA}")}.${b64u("{}")}.${SIG64}`],
    ["a header that is an array", `${b64u("[]")}.${b64u("{}")}.${SIG64}`],
    ["a header that is a string", `${b64u('"EdDSA"')}.${b64u("{}")}.${SIG64}`],
    ["a header with a BOM", `${b64u(`\uFEFF${HEADER("k")}`)}.${b64u("{}")}.${SIG64}`],
  ])("refuses %s as malformed", async (_case, compact) => {
    // Act / Assess
    await expectRefusal(() => decodeCompactJws(compact, TYP), "ERR_JWS_MALFORMED");
  });

  it("refuses a non-canonical base64url spelling of the same signature bytes", async () => {
    // Prepare: the last character of a 64-byte signature carries 4 bits and 2 spare
    // bits; setting a spare bit decodes to the same bytes in lax decoders.
    const jws = signRaw(HEADER("ed-1"), "{}", ed.signingKey);
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const last = jws.at(-1) ?? "A";
    const twin = alphabet[alphabet.indexOf(last) + 1] ?? "B";
    const tampered = `${jws.slice(0, -1)}${twin}`;
    expect(Buffer.from(tampered.split(".")[2] ?? "", "base64url")).toEqual(
      Buffer.from(jws.split(".")[2] ?? "", "base64url"),
    );
    // Act / Assess
    await expectRefusal(() => decodeCompactJws(tampered, TYP), "ERR_JWS_MALFORMED");
  });

  it.each([
    "none",
    "HS256",
    "RS256",
    "PS256",
    "ES384",
    "ES256K",
    "EdDSA ",
    "ed25519",
    "Ed448",
    "ML-DSA-65",
  ])("refuses alg %j", async (alg) => {
    // Prepare
    const compact = `${b64u(HEADER("k", { alg }))}.${b64u("{}")}.${SIG64}`;
    // Act
    const error = await expectRefusal(
      () => decodeCompactJws(compact, TYP),
      "ERR_JWS_ALG_NOT_ALLOWED",
    );
    // Assess
    expect(error).toMatchObject({ pointer: "/alg", segment: "header" });
  });

  it.each([[undefined], [null], [256], [["EdDSA"]]])("refuses alg %j", async (alg) => {
    // Prepare
    const compact = `${b64u(HEADER("k", { alg }))}.${b64u("{}")}.${SIG64}`;
    // Act / Assess
    await expectRefusal(() => decodeCompactJws(compact, TYP), "ERR_JWS_ALG_NOT_ALLOWED");
  });

  it("accepts exactly EdDSA, Ed25519 and ES256", () => {
    // Prepare
    const compacts = ALLOWED_ALGORITHMS.map(
      (alg) => `${b64u(HEADER("k", { alg }))}.${b64u("{}")}.${SIG64}`,
    );
    // Act
    const algs = compacts.map((compact) => decodeCompactJws(compact, TYP).header.alg);
    // Assess
    expect(algs).toEqual(["EdDSA", "Ed25519", "ES256"]);
  });

  it.each(["crit", "b64", "jwk", "jku", "x5u", "x5c", "x5t", "cty", "zip", "url", "nonce", "a/b"])(
    "refuses the header member %s",
    async (member) => {
      // Prepare
      const compact = `${b64u(HEADER("k", { [member]: "x" }))}.${b64u("{}")}.${SIG64}`;
      // Act
      const error = await expectRefusal(
        () => decodeCompactJws(compact, TYP),
        "ERR_JWS_HEADER_MEMBER",
      );
      // Assess
      expect(error.pointer).toBe(`/${member.replace("/", "~1")}`);
    },
  );

  it("refuses a duplicate header member and points at it", async () => {
    // Prepare
    const header = `{"alg":"EdDSA","kid":"a","kid":"b","typ":"${TYP}"}`;
    // Act
    const error = await expectRefusal(
      () => decodeCompactJws(`${b64u(header)}.${b64u("{}")}.${SIG64}`, TYP),
      "ERR_JWS_DUPLICATE_MEMBER",
    );
    // Assess
    expect(error).toMatchObject({ pointer: "/kid", segment: "header" });
  });

  it("refuses a duplicate payload member and points at it inside the payload", async () => {
    // Prepare
    const payload = '{"a":[{"b":1},{"c":1,"c":2}]}';
    // Act
    const error = await expectRefusal(
      () => decodeCompactJws(`${b64u(HEADER("k"))}.${b64u(payload)}.${SIG64}`, TYP),
      "ERR_JWS_DUPLICATE_MEMBER",
    );
    // Assess
    expect(error).toMatchObject({ pointer: "/a/1/c", segment: "payload" });
  });

  it.each([
    ["another typ", { typ: "JWT" }],
    ["typ in another case", { typ: TYP.toUpperCase() }],
    ["no typ", { typ: undefined }],
    ["a typ that is not a string", { typ: 1 }],
  ])("refuses %s", async (_case, extra) => {
    // Prepare
    const compact = `${b64u(HEADER("k", extra))}.${b64u("{}")}.${SIG64}`;
    // Act / Assess
    await expectRefusal(() => decodeCompactJws(compact, TYP), "ERR_JWS_TYP");
  });

  it.each([
    ["missing", undefined, "ERR_JWS_MALFORMED"],
    ["empty", "", "ERR_JWS_MALFORMED"],
    ["not a string", 12, "ERR_JWS_MALFORMED"],
    ["holding a slash", "a/b", "ERR_JWS_KID_UNKNOWN"],
    ["longer than 128", "k".repeat(129), "ERR_JWS_KID_UNKNOWN"],
    ["that is a dot segment", ".", "ERR_JWS_KID_UNKNOWN"],
    ["that is a double-dot segment", "..", "ERR_JWS_KID_UNKNOWN"],
  ] as const)("refuses a kid %s", async (_case, kid, code) => {
    // Prepare
    const compact = `${b64u(HEADER("k", { kid }))}.${b64u("{}")}.${SIG64}`;
    // Act / Assess
    await expectRefusal(() => decodeCompactJws(compact, TYP), code);
  });
});

describe("verifyDecodedJws", () => {
  it.each([
    ["EdDSA", () => ed.signingKey, () => ed.publicJwk],
    ["Ed25519", () => ({ ...ed.signingKey, alg: "Ed25519" as const }), () => ed.publicJwk],
    ["ES256", () => ec.signingKey, () => ec.publicJwk],
  ])("verifies what signCompactJws signs with %s", async (_alg, key, jwk) => {
    // Prepare
    const jws = await signCompactJws(new TextEncoder().encode('{"n":1}'), TYP, key());
    const decoded = decodeCompactJws(jws, TYP);
    // Act
    const verifying = verifyDecodedJws(decoded, jwk());
    // Assess
    await expect(verifying).resolves.toBeUndefined();
    expect(decoded.header).toEqual({ alg: key().alg, kid: key().kid, typ: TYP });
  });

  it("interoperates with jose both ways for the Ed25519 alg name", async () => {
    // Prepare
    const privateKey = await importSignKey(ed.signingKey);
    const byJose = await new CompactSign(new TextEncoder().encode("{}"))
      .setProtectedHeader({ alg: "Ed25519", kid: "ed-1", typ: TYP })
      .sign(privateKey);
    const byUs = await signCompactJws(new TextEncoder().encode("{}"), TYP, {
      ...ed.signingKey,
      alg: "Ed25519",
    });
    // Act
    await verifyDecodedJws(decodeCompactJws(byJose, TYP), ed.publicJwk);
    const { protectedHeader } = await compactVerify(
      byUs,
      await importJWK({ kty: "OKP", crv: "Ed25519", x: ed.publicJwk.x }, "Ed25519"),
      { algorithms: ["Ed25519"] },
    );
    // Assess
    expect(protectedHeader.alg).toBe("Ed25519");
  });

  it("refuses a decoded JWS whose payload was altered after decoding", async () => {
    // Prepare
    const decoded = decodeCompactJws(signRaw(HEADER("ed-1"), '{"a":1}', ed.signingKey), TYP);
    const altered = { ...decoded, payloadBytes: new TextEncoder().encode('{"a":2}') };
    // Act / Assess
    await expectRefusal(() => verifyDecodedJws(altered, ed.publicJwk), "ERR_JWS_SIGNATURE_INVALID");
  });

  it("refuses a header alg that does not fit the key, before any crypto", async () => {
    // Prepare
    const decoded = decodeCompactJws(
      signRaw(HEADER("ec-1", { alg: "ES256" }), "{}", ec.signingKey),
      TYP,
    );
    // Act / Assess
    await expectRefusal(() => verifyDecodedJws(decoded, ed.publicJwk), "ERR_JWS_ALG_KEY_MISMATCH");
  });

  it("refuses a signature by another key", async () => {
    // Prepare
    const other = await ed25519Key("ed-1");
    const decoded = decodeCompactJws(signRaw(HEADER("ed-1"), "{}", other.signingKey), TYP);
    // Act / Assess
    await expectRefusal(() => verifyDecodedJws(decoded, ed.publicJwk), "ERR_JWS_SIGNATURE_INVALID");
  });
});

describe("signCompactJws", () => {
  it("refuses a SigningKey whose alg does not fit its key", async () => {
    // Prepare
    const key = { ...ed.signingKey, alg: "ES256" as const };
    // Act / Assess
    await expectRefusal(
      () => signCompactJws(new Uint8Array([0x7b, 0x7d]), TYP, key),
      "ERR_JWS_ALG_KEY_MISMATCH",
    );
  });

  it("refuses a kid no verifier would accept", async () => {
    // Prepare
    const key = { ...ed.signingKey, kid: "has space" };
    // Act / Assess
    await expectRefusal(
      () => signCompactJws(new Uint8Array([0x7b, 0x7d]), TYP, key),
      "ERR_KEY_INVALID",
    );
  });
});

describe("sha256", () => {
  it("spells the SHA-256 of the empty string and of 'abc' as hex and base64url", () => {
    // Prepare
    const empty = new Uint8Array(0);
    const abc = new TextEncoder().encode("abc");
    // Act
    const spelled = [sha256Hex(empty), sha256Base64Url(empty), sha256Hex(abc)];
    // Assess
    expect(spelled).toEqual([
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU",
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    ]);
  });
});
