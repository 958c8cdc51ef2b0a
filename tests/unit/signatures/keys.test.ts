import { generateKeyPairSync } from "node:crypto";
import { calculateJwkThumbprint } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import {
  algorithmsForKey,
  clearKeyCaches,
  defaultAlgForKey,
  generateSigningKey,
  hasPrivateMaterial,
  importVerifyKey,
  jwkThumbprint,
  PublicJwkSchema,
  parsePrivateJwk,
  parsePublicJwk,
  publicJwkOf,
  VERIFY_KEY_CACHE_CAPACITY,
  verifyKeyCacheSize,
} from "../../../shared/signatures/keys.js";
import type { EcPublicJwk, OkpPublicJwk, PublicJwk } from "../../../shared/signatures/types.js";
import { b64u, ed25519Key, es256Key, expectRefusal, type TestKey } from "./craft.js";

/** RFC 8037 Appendix A: an Ed25519 key with known thumbprint. */
const RFC8037 = {
  kty: "OKP",
  crv: "Ed25519",
  d: "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
  x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
} as const;
const RFC8037_THUMBPRINT = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k";

let ed: TestKey<OkpPublicJwk>;
let ec: TestKey<EcPublicJwk>;

beforeAll(async () => {
  ed = await ed25519Key("ed-1");
  ec = await es256Key("ec-1");
});

function issuesOf(input: unknown) {
  const result = PublicJwkSchema.safeParse(input);
  expect(result.success).toBe(false);
  return (result.error?.issues ?? []).map((issue) => ({
    path: issue.path,
    message: issue.message,
  }));
}

describe("PublicJwkSchema", () => {
  it("keeps valid Ed25519 and P-256 keys, with or without alg and use", () => {
    // Prepare
    const inputs: PublicJwk[] = [
      { kty: "OKP", crv: "Ed25519", x: RFC8037.x, kid: "a" },
      { kty: "OKP", crv: "Ed25519", x: RFC8037.x, kid: "a.b_c~d-e", alg: "EdDSA", use: "sig" },
      { kty: "OKP", crv: "Ed25519", x: RFC8037.x, kid: "k".repeat(128), alg: "Ed25519" },
      ec.publicJwk,
      { ...ec.publicJwk, alg: "ES256" },
    ];
    // Act
    const parsed = inputs.map((input) => PublicJwkSchema.parse(input));
    // Assess
    expect(parsed).toEqual(inputs);
  });

  it("drops harmless members such as key_ops and ext", () => {
    // Prepare
    const input = { ...ed.publicJwk, key_ops: ["verify"], ext: true, x5t: "abc" };
    // Act
    const parsed = PublicJwkSchema.parse(input);
    // Assess
    expect(parsed).toEqual(ed.publicJwk);
    expect(Object.keys(parsed)).toEqual(["kty", "crv", "x", "kid", "alg", "use"]);
  });

  it.each(["d", "p", "q", "dp", "dq", "qi", "k", "oth"])(
    "refuses the private member %s, saying private keys never reach the hub",
    (member) => {
      // Prepare
      const input = { ...ed.publicJwk, [member]: "AAAA" };
      // Act
      const issues = issuesOf(input);
      // Assess
      expect(issues).toEqual([
        { path: [member], message: expect.stringMatching(/never reach the hub/) },
      ]);
    },
  );

  it("refuses a complete private JWK as private material, not as anything else", () => {
    // Act
    const issues = issuesOf({ ...ec.signingKey.privateJwk });
    // Assess
    expect(issues.map((issue) => issue.path)).toEqual([["d"]]);
  });

  it.each([
    ["x of 31 bytes", { x: b64u(new Uint8Array(31)) }, ["x"]],
    ["x of 33 bytes", { x: b64u(new Uint8Array(33)) }, ["x"]],
    ["x padded", { x: `${RFC8037.x}=` }, ["x"]],
    ["x in standard base64", { x: Buffer.from(RFC8037.x, "base64url").toString("base64") }, ["x"]],
    ["x not canonical", { x: `${RFC8037.x.slice(0, -1)}p` }, ["x"]],
    ["x missing", { x: undefined }, ["x"]],
    ["x a number", { x: 5 }, ["x"]],
    ["kty RSA", { kty: "RSA" }, ["kty"]],
    ["kty oct", { kty: "oct" }, ["kty"]],
    ["no kty", { kty: undefined }, ["kty"]],
    ["crv X25519", { crv: "X25519" }, ["crv"]],
    ["crv Ed448", { crv: "Ed448" }, ["crv"]],
    ["alg ES256", { alg: "ES256" }, ["alg"]],
    ["alg RS256", { alg: "RS256" }, ["alg"]],
    ["alg HS256", { alg: "HS256" }, ["alg"]],
    ["use enc", { use: "enc" }, ["use"]],
    ["kid with a slash", { kid: "a/b" }, ["kid"]],
    ["kid with a space", { kid: "a b" }, ["kid"]],
    ["kid with non-ASCII letters", { kid: "ключ" }, ["kid"]],
    ["kid with a percent sign", { kid: "a%2Fb" }, ["kid"]],
    ["an empty kid", { kid: "" }, ["kid"]],
    ["a kid of 129 characters", { kid: "k".repeat(129) }, ["kid"]],
    ["no kid", { kid: undefined }, ["kid"]],
    ["a numeric kid", { kid: 1 }, ["kid"]],
  ])("refuses an Ed25519 JWK with %s", (_case, change, path) => {
    // Prepare
    const input = { ...ed.publicJwk, ...change };
    // Act
    const issues = issuesOf(input);
    // Assess
    expect(issues[0]?.path).toEqual(path);
  });

  it.each([
    ["no y", { y: undefined }, ["y"]],
    ["y of 31 bytes", { y: b64u(new Uint8Array(31)) }, ["y"]],
    ["alg EdDSA", { alg: "EdDSA" }, ["alg"]],
    ["alg Ed25519", { alg: "Ed25519" }, ["alg"]],
    ["alg ES384", { alg: "ES384" }, ["alg"]],
    ["crv P-384", { crv: "P-384" }, ["crv"]],
    ["crv secp256k1", { crv: "secp256k1" }, ["crv"]],
    ["a point off the curve", { y: b64u(new Uint8Array(32).fill(7)) }, []],
  ])("refuses a P-256 JWK with %s", (_case, change, path) => {
    // Prepare
    const input = { ...ec.publicJwk, ...change };
    // Act
    const issues = issuesOf(input);
    // Assess
    expect(issues[0]?.path).toEqual(path);
  });

  it.each([null, "jwk", 1, [], [{ kty: "OKP" }]])("refuses %j, which is not an object", (input) => {
    // Act
    const issues = issuesOf(input);
    // Assess
    expect(issues.length).toBeGreaterThan(0);
  });
});

describe("parsePublicJwk", () => {
  it("answers the parsed key", () => {
    // Act / Assess
    expect(parsePublicJwk({ ...ed.publicJwk, ext: true })).toEqual(ed.publicJwk);
  });

  it("throws ERR_KEY_PRIVATE_MATERIAL with the pointer of the private member", async () => {
    // Act
    const error = await expectRefusal(
      () => parsePublicJwk({ ...RFC8037, kid: "x" }),
      "ERR_KEY_PRIVATE_MATERIAL",
    );
    // Assess
    expect(error.pointer).toBe("/d");
    expect(error.message).toMatch(/private keys never reach the hub/);
    expect(error.message).not.toContain(RFC8037.d);
  });

  it("throws ERR_KEY_INVALID with a pointer relative to the JWK", async () => {
    // Act
    const error = await expectRefusal(
      () => parsePublicJwk({ ...ec.publicJwk, y: "short" }),
      "ERR_KEY_INVALID",
    );
    // Assess
    expect(error.pointer).toBe("/y");
  });
});

describe("facts about keys", () => {
  it("tells private material apart", () => {
    // Act
    const answers = [
      hasPrivateMaterial(ed.signingKey.privateJwk),
      hasPrivateMaterial({ kty: "oct", k: "c2VjcmV0" }),
      hasPrivateMaterial({ kty: "RSA", n: "x", e: "AQAB", p: "y" }),
      hasPrivateMaterial(ed.publicJwk),
      hasPrivateMaterial("d"),
      hasPrivateMaterial(null),
    ];
    // Assess
    expect(answers).toEqual([true, true, true, false, false, false]);
  });

  it("gives Ed25519 keys both EdDSA names and P-256 keys ES256, whatever their alg member", () => {
    // Act / Assess
    expect(algorithmsForKey({ ...ed.publicJwk, alg: "Ed25519" })).toEqual(["EdDSA", "Ed25519"]);
    expect(algorithmsForKey(ec.publicJwk)).toEqual(["ES256"]);
    expect(defaultAlgForKey(ed.publicJwk)).toBe("EdDSA");
    expect(defaultAlgForKey(ec.publicJwk)).toBe("ES256");
  });

  it("computes the RFC 7638 thumbprint of RFC 8037's key, as jose does", async () => {
    // Prepare
    const jwk: PublicJwk = { kty: "OKP", crv: "Ed25519", x: RFC8037.x, kid: "ignored" };
    // Act
    const ours = jwkThumbprint(jwk);
    // Assess
    expect(ours).toBe(RFC8037_THUMBPRINT);
    expect(jwkThumbprint(ec.publicJwk)).toBe(await calculateJwkThumbprint(ec.publicJwk));
  });
});

describe("generateSigningKey", () => {
  it.each(["Ed25519", "ES256"] as const)(
    "makes a %s key whose kid defaults to its thumbprint",
    async (kind) => {
      // Act
      const { signingKey, publicJwk } = await generateSigningKey(kind);
      // Assess
      expect(signingKey.kid).toBe(await calculateJwkThumbprint(publicJwk));
      expect(publicJwk.kid).toBe(signingKey.kid);
      expect(PublicJwkSchema.parse(publicJwk)).toEqual(publicJwk);
      expect(hasPrivateMaterial(publicJwk)).toBe(false);
      expect(signingKey.alg).toBe(kind === "Ed25519" ? "EdDSA" : "ES256");
      expect(parsePrivateJwk(signingKey.privateJwk)).toEqual(signingKey);
    },
  );

  it("takes a kid, and refuses one that could not be registered", async () => {
    // Act
    const { signingKey } = await generateSigningKey("Ed25519", "2026-11.primary");
    // Assess
    expect(signingKey.kid).toBe("2026-11.primary");
    await expectRefusal(() => generateSigningKey("ES256", "no/slashes"), "ERR_KEY_INVALID");
    // A dot segment could not be revoked: `DELETE /v1/keys/..` is no route.
    await expectRefusal(() => generateSigningKey("ES256", ".."), "ERR_KEY_INVALID");
    expect(issuesOf({ ...ed.publicJwk, kid: "." })).toEqual([
      { path: ["kid"], message: expect.stringMatching(/not \. or \.\./) },
    ]);
  });
});

describe("publicJwkOf", () => {
  it("keeps the public half only", () => {
    // Act
    const publics = [publicJwkOf(ed.signingKey.privateJwk), publicJwkOf(ec.signingKey.privateJwk)];
    // Assess
    expect(publics).toEqual([ed.publicJwk, ec.publicJwk]);
    expect(publics.some(hasPrivateMaterial)).toBe(false);
  });
});

describe("parsePrivateJwk", () => {
  it("loads RFC 8037's key with the thumbprint as kid and EdDSA as alg", () => {
    // Act
    const key = parsePrivateJwk(RFC8037);
    // Assess
    expect(key).toEqual({
      kid: RFC8037_THUMBPRINT,
      alg: "EdDSA",
      privateJwk: { ...RFC8037, kid: RFC8037_THUMBPRINT },
    });
  });

  it("keeps a given kid and alg", () => {
    // Act
    const key = parsePrivateJwk({ ...RFC8037, kid: "mine", alg: "Ed25519", key_ops: ["sign"] });
    // Assess
    expect(key.kid).toBe("mine");
    expect(key.alg).toBe("Ed25519");
    expect(key.privateJwk).not.toHaveProperty("key_ops");
  });

  it("refuses a public part that does not belong to d", async () => {
    // Act
    const error = await expectRefusal(
      () => parsePrivateJwk({ ...ed.signingKey.privateJwk, x: RFC8037.x }),
      "ERR_KEY_INVALID",
    );
    // Assess
    expect(error.pointer).toBe("/x");
    expect(error.message).not.toContain(ed.signingKey.privateJwk.d);
  });

  it.each([
    [
      "an RSA key",
      () =>
        generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" }),
    ],
    ["an X25519 key", () => generateKeyPairSync("x25519").privateKey.export({ format: "jwk" })],
    [
      "a P-384 key",
      () => generateKeyPairSync("ec", { namedCurve: "P-384" }).privateKey.export({ format: "jwk" }),
    ],
    ["a public key", () => ed.publicJwk],
    ["a secret key", () => ({ kty: "oct", k: "c2VjcmV0" })],
    ["a bad kid", () => ({ ...RFC8037, kid: "a b" })],
  ])("refuses %s", async (_case, make) => {
    // Act / Assess
    await expectRefusal(() => parsePrivateJwk(make()), "ERR_KEY_INVALID");
  });
});

describe("importVerifyKey", () => {
  it("imports a key once and answers the same CryptoKey for its material under any kid", async () => {
    // Prepare
    clearKeyCaches();
    // Act
    const first = await importVerifyKey(ed.publicJwk);
    const again = await importVerifyKey({ ...ed.publicJwk, kid: "renamed", alg: "Ed25519" });
    const concurrent = await Promise.all([
      importVerifyKey(ec.publicJwk),
      importVerifyKey(ec.publicJwk),
    ]);
    // Assess
    expect(again).toBe(first);
    expect(concurrent[0]).toBe(concurrent[1]);
    expect(verifyKeyCacheSize()).toBe(2);
    expect(first.usages).toEqual(["verify"]);
    expect(first.extractable).toBe(false);
  });

  it("keeps at most its capacity of keys, forgetting the least recently used", async () => {
    // Prepare
    clearKeyCaches();
    const keys = Array.from({ length: VERIFY_KEY_CACHE_CAPACITY + 1 }, (_, index): PublicJwk => {
      const x = generateKeyPairSync("ed25519").publicKey.export({ format: "jwk" }).x ?? "";
      return { kty: "OKP", crv: "Ed25519", x, kid: `k${index}` };
    });
    const [oldest] = keys;
    // Act
    const firstImport = oldest === undefined ? undefined : await importVerifyKey(oldest);
    for (const key of keys.slice(1)) await importVerifyKey(key);
    const reimport = oldest === undefined ? undefined : await importVerifyKey(oldest);
    // Assess
    expect(verifyKeyCacheSize()).toBe(VERIFY_KEY_CACHE_CAPACITY);
    expect(reimport).not.toBe(firstImport);
  });

  it("throws ERR_KEY_INVALID for key material WebCrypto refuses, and caches no failure", async () => {
    // Prepare
    clearKeyCaches();
    const offCurve: PublicJwk = { ...ec.publicJwk, y: ec.publicJwk.x };
    // Act
    await expectRefusal(() => importVerifyKey(offCurve), "ERR_KEY_INVALID");
    // Assess
    expect(verifyKeyCacheSize()).toBe(0);
  });
});
