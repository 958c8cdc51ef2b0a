import { beforeAll, describe, expect, it } from "vitest";
import {
  RequestTokenError,
  SignatureError,
  type TokenRefusal,
} from "../../../shared/signatures/errors.js";
import {
  MAX_TOKEN_LIFETIME_SECONDS,
  REQUEST_TOKEN_TYP,
  signRequestToken,
  verifyRequestToken,
} from "../../../shared/signatures/request-token.js";
import type { EcPublicJwk, OkpPublicJwk, PublicJwk } from "../../../shared/signatures/types.js";
import {
  AUDIENCE,
  b64u,
  caught,
  claimsFor,
  ed25519Key,
  es256Key,
  expectRefusal,
  headerFor,
  ISS,
  NOW,
  NOW_SECONDS,
  requestFor,
  signHs256,
  signRaw,
  signRs256,
  type TestKey,
  tokenFor,
} from "./craft.js";

let ed: TestKey<OkpPublicJwk>;
let ec: TestKey<EcPublicJwk>;

beforeAll(async () => {
  ed = await ed25519Key("ed-1");
  ec = await es256Key("ec-1");
});

describe("verifyRequestToken accepts", () => {
  it.each([
    ["EdDSA", () => ed],
    ["Ed25519", () => ({ ...ed, signingKey: { ...ed.signingKey, alg: "Ed25519" as const } })],
    ["ES256", () => ec],
  ])("a token signed with alg %s by signRequestToken", async (_alg, pick) => {
    // Prepare
    const { signingKey, publicJwk } = pick();
    const token = await signRequestToken({
      iss: ISS,
      aud: AUDIENCE,
      method: "post",
      pathAndQuery: "/v1/bulletins?dry_run=1",
      body: '{"a":1}',
      key: signingKey,
      now: NOW,
      jti: "jti-42",
    });
    const { input, resolveKey, claimJti } = requestFor(token, publicJwk);
    // Act
    const verified = await verifyRequestToken(input);
    // Assess
    expect(verified).toEqual({
      iss: ISS,
      kid: signingKey.kid,
      jti: "jti-42",
      iat: NOW_SECONDS,
      exp: NOW_SECONDS + 60,
      principal: { org: ISS },
    });
    expect(resolveKey).toHaveBeenCalledExactlyOnceWith(ISS, signingKey.kid);
    expect(claimJti).toHaveBeenCalledExactlyOnceWith(ISS, "jti-42", NOW_SECONDS + 60 + 60);
  });

  it("a token whose header names the alg Ed25519 when the key was registered with alg EdDSA", async () => {
    // Prepare
    const key = { ...ed.signingKey, alg: "Ed25519" as const };
    const token = tokenFor(key);
    const { input } = requestFor(token, { ...ed.publicJwk, alg: "EdDSA" });
    // Act
    const verified = await verifyRequestToken(input);
    // Assess
    expect(verified.kid).toBe("ed-1");
  });

  it("the scheme in any case, and a body-less GET without a query", async () => {
    // Prepare
    const token = await signRequestToken({
      iss: ISS,
      aud: AUDIENCE,
      method: "GET",
      pathAndQuery: "/v1/me",
      key: ed.signingKey,
      now: NOW,
    });
    const { input } = requestFor(token, ed.publicJwk, {
      authorization: `bEaReR   ${token}`,
      method: "get",
      rawPath: "/v1/me",
      rawQueryString: "",
      body: new Uint8Array(0),
    });
    // Act
    const verified = await verifyRequestToken(input);
    // Assess
    expect(verified.jti).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it("an aud array that contains the audience", async () => {
    // Prepare
    const token = tokenFor(ed.signingKey, { aud: ["https://other.example", AUDIENCE] });
    const { input } = requestFor(token, ed.publicJwk);
    // Act
    const verified = await verifyRequestToken(input);
    // Assess
    expect(verified.iss).toBe(ISS);
  });

  it.each([
    ["iat exactly 60 s ahead", { iat: NOW_SECONDS + 60, exp: NOW_SECONDS + 120 }],
    ["exp 59 s ago", { iat: NOW_SECONDS - 200, exp: NOW_SECONDS - 59 }],
    ["a lifetime of exactly 300 s", { iat: NOW_SECONDS - 10, exp: NOW_SECONDS + 290 }],
    ["nbf within the skew", { nbf: NOW_SECONDS + 60 }],
  ])("the edge of the time window: %s", async (_case, claims) => {
    // Prepare
    const { input } = requestFor(tokenFor(ed.signingKey, claims), ed.publicJwk);
    // Act
    const verified = await verifyRequestToken(input);
    // Assess
    expect(verified.iss).toBe(ISS);
  });
});

describe("verifyRequestToken refuses", () => {
  const unsignedClaims = () => JSON.stringify(claimsFor());

  it.each([
    ["missing", undefined, "ERR_TOKEN_MISSING"],
    ["empty", "", "ERR_TOKEN_MISSING"],
    ["Bearer with no token", "Bearer", "ERR_TOKEN_MISSING"],
    ["Basic", "Basic dXNlcjpwYXNz", "ERR_TOKEN_SCHEME"],
    ["DPoP", "DPoP a.b.c", "ERR_TOKEN_SCHEME"],
    ["a bare token", "a.b.c", "ERR_TOKEN_SCHEME"],
    ["two tokens", "Bearer a.b.c d.e.f", "ERR_JWS_MALFORMED"],
  ] as const)("an Authorization header that is %s", async (_case, authorization, code) => {
    // Prepare
    const { input, resolveKey } = requestFor(undefined, ed.publicJwk, { authorization });
    // Act
    await expectRefusal(() => verifyRequestToken(input), code);
    // Assess
    expect(resolveKey).not.toHaveBeenCalled();
  });

  it.each(["none", "None", "NONE", ""])("an unsigned token with alg %j", async (alg) => {
    // Prepare
    const header = JSON.stringify({ alg, kid: "ed-1", typ: REQUEST_TOKEN_TYP });
    const token = `${b64u(header)}.${b64u(unsignedClaims())}.`;
    const { input, resolveKey } = requestFor(token, ed.publicJwk);
    // Act
    await expectRefusal(() => verifyRequestToken(input), "ERR_JWS_ALG_NOT_ALLOWED");
    // Assess
    expect(resolveKey).not.toHaveBeenCalled();
  });

  it("HS256 signed with the public key's raw x bytes or its JWK JSON as the secret", async () => {
    // Prepare: the classic confusion — a verifier that feeds the stored public key to
    // whatever alg the header names would accept these.
    const header = headerFor(ed.signingKey, { alg: "HS256" });
    const secrets = [
      Buffer.from(ed.publicJwk.x, "base64url"),
      Buffer.from(JSON.stringify(ed.publicJwk)),
      Buffer.from(ed.publicJwk.x),
    ];
    for (const secret of secrets) {
      const { input, resolveKey } = requestFor(
        signHs256(header, unsignedClaims(), secret),
        ed.publicJwk,
      );
      // Act
      await expectRefusal(() => verifyRequestToken(input), "ERR_JWS_ALG_NOT_ALLOWED");
      // Assess
      expect(resolveKey).not.toHaveBeenCalled();
    }
  });

  it.each(["HS384", "HS512", "PS256", "ES384", "ES512", "ES256K", "eddsa", "ML-DSA-44"])(
    "alg %s",
    async (alg) => {
      // Prepare
      const token = signRaw(headerFor(ed.signingKey, { alg }), unsignedClaims(), ed.signingKey);
      const { input } = requestFor(token, ed.publicJwk);
      // Act / Assess
      await expectRefusal(() => verifyRequestToken(input), "ERR_JWS_ALG_NOT_ALLOWED");
    },
  );

  it("RS256", async () => {
    // Prepare
    const token = signRs256(headerFor(ed.signingKey, { alg: "RS256" }), unsignedClaims());
    const { input, resolveKey } = requestFor(token, ed.publicJwk);
    // Act
    await expectRefusal(() => verifyRequestToken(input), "ERR_JWS_ALG_NOT_ALLOWED");
    // Assess
    expect(resolveKey).not.toHaveBeenCalled();
  });

  it.each([
    ["crit", { crit: ["exp"] }],
    ["jwk", { jwk: { kty: "OKP", crv: "Ed25519", x: "AAAA" } }],
    ["b64", { b64: false }],
    ["jku", { jku: "https://evil.example/jwks.json" }],
    ["x5u", { x5u: "https://evil.example/cert.pem" }],
    ["x5c", { x5c: ["MIIB"] }],
    ["cty", { cty: "JWT" }],
  ])("an extra header member %s", async (member, extra) => {
    // Prepare
    const token = signRaw(headerFor(ed.signingKey, extra), unsignedClaims(), ed.signingKey);
    const { input, resolveKey } = requestFor(token, ed.publicJwk);
    // Act
    const error = await expectRefusal(() => verifyRequestToken(input), "ERR_JWS_HEADER_MEMBER");
    // Assess
    expect(error).toMatchObject({ pointer: `/${member}`, segment: "header" });
    expect(resolveKey).not.toHaveBeenCalled();
  });

  it("a duplicate member name in the header", async () => {
    // Prepare: the last alg wins in JSON.parse, so a lax verifier and a logger could
    // read two different headers from one token.
    const header = `{"alg":"HS256","kid":"ed-1","typ":"${REQUEST_TOKEN_TYP}","alg":"EdDSA"}`;
    const { input, resolveKey } = requestFor(
      signRaw(header, unsignedClaims(), ed.signingKey),
      ed.publicJwk,
    );
    // Act
    const error = await expectRefusal(() => verifyRequestToken(input), "ERR_JWS_DUPLICATE_MEMBER");
    // Assess
    expect(error).toMatchObject({ pointer: "/alg", segment: "header" });
    expect(resolveKey).not.toHaveBeenCalled();
  });

  /** Claims text starting with `members`, then every valid claim except those named in `omit`. */
  function claimsText(members: string, omit: string[] = []): string {
    const rest = Object.fromEntries(
      Object.entries(claimsFor()).filter(([name]) => !omit.includes(name)),
    );
    return `{${members},${JSON.stringify(rest).slice(1)}`;
  }

  it.each([
    ["plainly", claimsText(`"iss":"${ISS}","iss":"binance"`, ["iss"]), "/iss"],
    ["through an escape", claimsText(`"iss":"${ISS}","\\u0069ss":"binance"`, ["iss"]), "/iss"],
    ["in a nested object", claimsText('"x":{"y":1,"y":2}'), "/x/y"],
  ])("a duplicate member name in the claims, %s", async (_case, claims, pointer) => {
    // Prepare
    const { input, resolveKey } = requestFor(
      signRaw(headerFor(ed.signingKey), claims, ed.signingKey),
      ed.publicJwk,
    );
    // Act
    const error = await expectRefusal(() => verifyRequestToken(input), "ERR_JWS_DUPLICATE_MEMBER");
    // Assess
    expect(error).toMatchObject({ pointer, segment: "payload" });
    expect(resolveKey).not.toHaveBeenCalled();
  });

  it.each([
    ["JWT", { typ: "JWT" }],
    ["a bulletin typ", { typ: "cordon-bulletin+jws" }],
    ["another case", { typ: "Cordon-Req+JWT" }],
    ["none", { typ: undefined }],
  ])("typ %s", async (_case, extra) => {
    // Prepare
    const token = signRaw(headerFor(ed.signingKey, extra), unsignedClaims(), ed.signingKey);
    const { input, resolveKey } = requestFor(token, ed.publicJwk);
    // Act
    await expectRefusal(() => verifyRequestToken(input), "ERR_JWS_TYP");
    // Assess
    expect(resolveKey).not.toHaveBeenCalled();
  });

  it.each([
    ["missing", { kid: undefined }, "ERR_JWS_MALFORMED"],
    ["a number", { kid: 7 }, "ERR_JWS_MALFORMED"],
    ["not a possible key id", { kid: "../../admin" }, "ERR_JWS_KID_UNKNOWN"],
  ] as const)("a kid that is %s", async (_case, extra, code) => {
    // Prepare
    const token = signRaw(headerFor(ed.signingKey, extra), unsignedClaims(), ed.signingKey);
    const { input, resolveKey } = requestFor(token, ed.publicJwk);
    // Act
    await expectRefusal(() => verifyRequestToken(input), code);
    // Assess
    expect(resolveKey).not.toHaveBeenCalled();
  });

  it.each(["iss", "aud", "iat", "exp", "jti", "htm", "htu", "bsh"])(
    "a token without %s",
    async (claim) => {
      // Prepare
      const token = tokenFor(ed.signingKey, { [claim]: undefined });
      const { input, resolveKey } = requestFor(token, ed.publicJwk);
      // Act
      const error = await expectRefusal(() => verifyRequestToken(input), "ERR_TOKEN_CLAIM_MISSING");
      // Assess
      expect(error.pointer).toBe(`/${claim}`);
      expect(resolveKey).not.toHaveBeenCalled();
    },
  );

  it.each([
    ["iss", 42],
    ["iss", ""],
    ["iss", "x".repeat(129)],
    ["jti", ""],
    ["jti", "j".repeat(129)],
    ["aud", 1],
    ["aud", []],
    ["aud", [AUDIENCE, 2]],
    ["iat", "1700000000"],
    ["iat", NOW_SECONDS + 0.5],
    ["exp", null],
    ["htm", ["POST"]],
    ["htu", { path: "/" }],
    ["bsh", true],
    ["nbf", "0"],
  ])("a %s claim of the wrong type or size (%j)", async (claim, value) => {
    // Prepare
    const token = tokenFor(ed.signingKey, { [claim]: value });
    const { input, resolveKey } = requestFor(token, ed.publicJwk);
    // Act
    const error = await expectRefusal(() => verifyRequestToken(input), "ERR_TOKEN_CLAIM_INVALID");
    // Assess
    expect(error.pointer).toBe(`/${claim}`);
    expect(resolveKey).not.toHaveBeenCalled();
  });

  it.each([
    ["an array", "[1,2]"],
    ["a string", '"claims"'],
    ["null", "null"],
  ])("claims that are %s", async (_case, claims) => {
    // Prepare
    const token = signRaw(headerFor(ed.signingKey), claims, ed.signingKey);
    const { input } = requestFor(token, ed.publicJwk);
    // Act / Assess
    await expectRefusal(() => verifyRequestToken(input), "ERR_JWS_PAYLOAD_NOT_OBJECT");
  });

  it.each([
    ["another audience", { aud: "https://staging.cordon.example" }],
    ["an array without ours", { aud: ["https://staging.cordon.example"] }],
    ["a prefix of ours", { aud: AUDIENCE.slice(0, -1) }],
  ])("aud naming %s", async (_case, claims) => {
    // Prepare
    const { input, resolveKey } = requestFor(tokenFor(ed.signingKey, claims), ed.publicJwk);
    // Act
    await expectRefusal(() => verifyRequestToken(input), "ERR_TOKEN_AUDIENCE");
    // Assess
    expect(resolveKey).not.toHaveBeenCalled();
  });

  it.each([
    ["expired", { iat: NOW_SECONDS - 400, exp: NOW_SECONDS - 100 }, "ERR_TOKEN_EXPIRED"],
    [
      "expired exactly at the skew",
      { iat: NOW_SECONDS - 120, exp: NOW_SECONDS - 60 },
      "ERR_TOKEN_EXPIRED",
    ],
    [
      "iat beyond the skew",
      { iat: NOW_SECONDS + 61, exp: NOW_SECONDS + 120 },
      "ERR_TOKEN_NOT_YET_VALID",
    ],
    ["nbf beyond the skew", { nbf: NOW_SECONDS + 61 }, "ERR_TOKEN_NOT_YET_VALID"],
    ["a lifetime of 301 s", { iat: NOW_SECONDS, exp: NOW_SECONDS + 301 }, "ERR_TOKEN_LIFETIME"],
    [
      "a lifetime of a day",
      { iat: NOW_SECONDS - 30, exp: NOW_SECONDS + 86_400 },
      "ERR_TOKEN_LIFETIME",
    ],
    ["exp equal to iat", { iat: NOW_SECONDS, exp: NOW_SECONDS }, "ERR_TOKEN_LIFETIME"],
    ["exp before iat", { iat: NOW_SECONDS, exp: NOW_SECONDS - 1 }, "ERR_TOKEN_LIFETIME"],
  ] as const)("a token that is %s", async (_case, claims, code) => {
    // Prepare
    const { input, resolveKey } = requestFor(tokenFor(ed.signingKey, claims), ed.publicJwk);
    // Act
    await expectRefusal(() => verifyRequestToken(input), code);
    // Assess
    expect(resolveKey).not.toHaveBeenCalled();
  });

  it.each([
    ["signed for GET, sent as POST", { htm: "GET" }, {}],
    ["signed for POST, sent as DELETE", {}, { method: "DELETE" }],
  ])("htm %s", async (_case, claims, request) => {
    // Prepare
    const { input, resolveKey } = requestFor(
      tokenFor(ed.signingKey, claims),
      ed.publicJwk,
      request,
    );
    // Act
    await expectRefusal(() => verifyRequestToken(input), "ERR_TOKEN_HTM");
    // Assess
    expect(resolveKey).not.toHaveBeenCalled();
  });

  it.each([
    ["a full URL instead of the path", { htu: `${AUDIENCE}/v1/bulletins?dry_run=1` }, {}],
    ["a changed query string", {}, { rawQueryString: "dry_run=0" }],
    ["a query string added", { htu: "/v1/bulletins" }, {}],
    ["a query string dropped", {}, { rawQueryString: "" }],
    ["another path", {}, { rawPath: "/v1/screen" }],
    ["a re-encoded path", { htu: "/v1/bulletins%3Fdry_run=1" }, {}],
    ["a trailing ?", { htu: "/v1/bulletins?dry_run=1?" }, {}],
  ])("htu with %s", async (_case, claims, request) => {
    // Prepare
    const { input, resolveKey } = requestFor(
      tokenFor(ed.signingKey, claims),
      ed.publicJwk,
      request,
    );
    // Act
    await expectRefusal(() => verifyRequestToken(input), "ERR_TOKEN_HTU");
    // Assess
    expect(resolveKey).not.toHaveBeenCalled();
  });

  it.each([
    ["altered after signing", new TextEncoder().encode('{"a":2}')],
    ["emptied", new Uint8Array(0)],
    ["with a trailing newline", new TextEncoder().encode('{"a":1}\n')],
  ])("a body %s (bsh)", async (_case, body) => {
    // Prepare
    const { input, resolveKey } = requestFor(tokenFor(ed.signingKey), ed.publicJwk, { body });
    // Act
    await expectRefusal(() => verifyRequestToken(input), "ERR_TOKEN_BSH");
    // Assess
    expect(resolveKey).not.toHaveBeenCalled();
  });

  it("an unknown iss or kid, a revoked key or a suspended organisation (resolveKey answers undefined)", async () => {
    // Prepare
    const { input, resolveKey, claimJti } = requestFor(tokenFor(ed.signingKey), undefined);
    // Act
    await expectRefusal(() => verifyRequestToken(input), "ERR_JWS_KID_UNKNOWN");
    // Assess
    expect(resolveKey).toHaveBeenCalledExactlyOnceWith(ISS, "ed-1");
    expect(claimJti).not.toHaveBeenCalled();
  });

  it.each([
    ["an ES256 header with an Ed25519 key", () => ({ signer: ec, registered: ed })],
    ["an EdDSA header with a P-256 key", () => ({ signer: ed, registered: ec })],
    [
      "an Ed25519 header with a P-256 key",
      () => ({
        signer: { ...ed, signingKey: { ...ed.signingKey, alg: "Ed25519" as const } },
        registered: ec,
      }),
    ],
  ])("%s", async (_case, pick) => {
    // Prepare
    const { signer, registered } = pick();
    const { input, resolveKey, claimJti } = requestFor(
      tokenFor(signer.signingKey),
      registered.publicJwk,
    );
    // Act
    await expectRefusal(() => verifyRequestToken(input), "ERR_JWS_ALG_KEY_MISMATCH");
    // Assess
    expect(resolveKey).toHaveBeenCalledOnce();
    expect(claimJti).not.toHaveBeenCalled();
  });

  it("a token signed by another key under the same kid", async () => {
    // Prepare
    const impostor = await ed25519Key("ed-1");
    const { input, claimJti } = requestFor(tokenFor(impostor.signingKey), ed.publicJwk);
    // Act
    await expectRefusal(() => verifyRequestToken(input), "ERR_JWS_SIGNATURE_INVALID");
    // Assess
    expect(claimJti).not.toHaveBeenCalled();
  });

  it("claims changed after signing", async () => {
    // Prepare
    const [header, , signature] = tokenFor(ed.signingKey).split(".");
    const forged = `${header}.${b64u(JSON.stringify(claimsFor({ iss: "binance" })))}.${signature}`;
    const { input, claimJti } = requestFor(forged, ed.publicJwk);
    // Act
    await expectRefusal(() => verifyRequestToken(input), "ERR_JWS_SIGNATURE_INVALID");
    // Assess
    expect(claimJti).not.toHaveBeenCalled();
  });

  it("a replayed jti (claimJti answers false)", async () => {
    // Prepare
    const token = tokenFor(ed.signingKey, { jti: "once" });
    const { input, claimJti } = requestFor(token, ed.publicJwk);
    claimJti.mockResolvedValueOnce(true).mockResolvedValueOnce(false);
    await verifyRequestToken(input);
    // Act
    await expectRefusal(() => verifyRequestToken(input), "ERR_TOKEN_REPLAYED");
    // Assess
    expect(claimJti).toHaveBeenCalledTimes(2);
    expect(claimJti).toHaveBeenLastCalledWith(ISS, "once", NOW_SECONDS + 120);
  });
});

describe("verifyRequestToken's costs and manners", () => {
  it("lets a storage failure in resolveKey or claimJti through, not as a token refusal", async () => {
    // Prepare
    const outage = new Error("DynamoDB is unavailable");
    const first = requestFor(tokenFor(ed.signingKey), ed.publicJwk);
    first.resolveKey.mockRejectedValueOnce(outage);
    const second = requestFor(tokenFor(ed.signingKey), ed.publicJwk);
    second.claimJti.mockRejectedValueOnce(outage);
    // Act
    const errors = [
      await caught(() => verifyRequestToken(first.input)),
      await caught(() => verifyRequestToken(second.input)),
    ];
    // Assess
    expect(errors).toEqual([outage, outage]);
  });

  it("never puts the token or its claim values in an error message", async () => {
    // Prepare
    const secretish = "jti-VERY-DISTINCTIVE-123";
    const cases = [
      requestFor(tokenFor(ed.signingKey, { jti: secretish, aud: "elsewhere" }), ed.publicJwk),
      requestFor(tokenFor(ed.signingKey, { jti: secretish }), ed.publicJwk, { method: "PUT" }),
      requestFor(tokenFor(ed.signingKey, { jti: secretish }), undefined),
      requestFor(tokenFor((await ed25519Key("ed-1")).signingKey, { jti: secretish }), ed.publicJwk),
    ];
    for (const { input } of cases) {
      // Act
      const error = await caught(() => verifyRequestToken(input));
      // Assess
      expect(error).toBeInstanceOf(SignatureError);
      const text = `${(error as Error).message} ${JSON.stringify(error)}`;
      expect(text).not.toContain(secretish);
      expect(text).not.toContain(input.authorization?.slice(7, 40));
      expect(text).not.toContain(ed.publicJwk.x);
    }
  });
});

describe("signRequestToken", () => {
  it("writes exactly the claims of DESIGN §3 and a header of alg, kid and typ", async () => {
    // Prepare
    const body = new TextEncoder().encode('{"a":1}');
    // Act
    const token = await signRequestToken({
      iss: ISS,
      aud: AUDIENCE,
      method: "post",
      pathAndQuery: "/v1/bulletins?dry_run=1",
      body,
      key: ed.signingKey,
      now: new Date(NOW.getTime() + 999),
      lifetimeSeconds: MAX_TOKEN_LIFETIME_SECONDS,
    });
    // Assess
    const [header = "", claims = ""] = token.split(".");
    expect(JSON.parse(Buffer.from(header, "base64url").toString())).toEqual({
      alg: "EdDSA",
      kid: "ed-1",
      typ: REQUEST_TOKEN_TYP,
    });
    const parsed = JSON.parse(Buffer.from(claims, "base64url").toString());
    expect(Object.keys(parsed)).toEqual(["iss", "aud", "iat", "exp", "jti", "htm", "htu", "bsh"]);
    expect(parsed).toMatchObject({
      iat: NOW_SECONDS,
      exp: NOW_SECONDS + 300,
      htm: "POST",
      bsh: claimsFor().bsh,
    });
  });

  it("uses the SHA-256 of the empty string as bsh when there is no body", async () => {
    // Prepare / Act
    const token = await signRequestToken({
      iss: ISS,
      aud: AUDIENCE,
      method: "GET",
      pathAndQuery: "/v1/me",
      key: ed.signingKey,
      now: NOW,
    });
    // Assess
    const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString());
    expect(claims.bsh).toBe("47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");
  });

  it.each([0, 301, 1.5, -60])("refuses a lifetime of %s s", async (lifetimeSeconds) => {
    // Prepare
    const input = {
      iss: ISS,
      aud: AUDIENCE,
      method: "GET",
      pathAndQuery: "/v1/me",
      key: ed.signingKey,
      lifetimeSeconds,
    };
    // Act / Assess
    await expectRefusal(() => signRequestToken(input), "ERR_TOKEN_LIFETIME");
  });

  it("refuses a full URL as pathAndQuery", async () => {
    // Prepare
    const input = {
      iss: ISS,
      aud: AUDIENCE,
      method: "GET",
      pathAndQuery: "https://cordon.example/v1/me",
      key: ed.signingKey,
    };
    // Act / Assess
    await expectRefusal(() => signRequestToken(input), "ERR_TOKEN_HTU");
  });
});

describe("verifyRequestToken tells the caller which check failed (DESIGN §15)", () => {
  async function refusal(
    token: string | undefined,
    options: { registered?: PublicJwk | null; fresh?: boolean; method?: string } = {},
  ): Promise<TokenRefusal> {
    const registered =
      options.registered === null ? undefined : (options.registered ?? ed.publicJwk);
    const { input, claimJti } = requestFor(
      token,
      registered,
      options.method === undefined ? {} : { method: options.method },
    );
    if (options.fresh === false) claimJti.mockResolvedValueOnce(false);
    const error = await caught(() => verifyRequestToken(input));
    expect(error).toBeInstanceOf(RequestTokenError);
    return (error as RequestTokenError).refusal;
  }

  it.each<[string, () => Promise<TokenRefusal>, TokenRefusal]>([
    ["no token at all", () => refusal(undefined), "token_malformed"],
    ["a token that is no JWS", () => refusal("not-a-token"), "token_malformed"],
    [
      "a claim missing",
      () => refusal(tokenFor(ed.signingKey, { bsh: undefined })),
      "token_malformed",
    ],
    [
      "expired",
      () => refusal(tokenFor(ed.signingKey, { iat: NOW_SECONDS - 400, exp: NOW_SECONDS - 100 })),
      "token_expired",
    ],
    [
      "issued in the future",
      () => refusal(tokenFor(ed.signingKey, { iat: NOW_SECONDS + 90, exp: NOW_SECONDS + 150 })),
      "token_not_yet_valid",
    ],
    [
      "living a day",
      () => refusal(tokenFor(ed.signingKey, { exp: NOW_SECONDS + 86_400 })),
      "token_lifetime_too_long",
    ],
    [
      "for another audience",
      () => refusal(tokenFor(ed.signingKey, { aud: "https://staging.example" })),
      "audience_mismatch",
    ],
    [
      "for another method",
      () => refusal(tokenFor(ed.signingKey), { method: "DELETE" }),
      "request_binding_mismatch",
    ],
    [
      "for another path",
      () => refusal(tokenFor(ed.signingKey, { htu: "/v1/elsewhere" })),
      "request_binding_mismatch",
    ],
    [
      "over another body",
      () => refusal(tokenFor(ed.signingKey, { bsh: "x" })),
      "request_binding_mismatch",
    ],
    ["replayed", () => refusal(tokenFor(ed.signingKey), { fresh: false }), "token_replayed"],
  ])("%s", async (_case, refuse, expected) => {
    // Act / Assess
    expect(await refuse()).toBe(expected);
  });

  it("one code for an unknown organisation or key, another key under the kid, and an alg that does not fit", async () => {
    // Prepare
    const impostor = await ed25519Key("ed-1");
    // Act
    const refusals = [
      await refusal(tokenFor(ed.signingKey), { registered: null }),
      await refusal(tokenFor(impostor.signingKey)),
      await refusal(tokenFor(ec.signingKey), { registered: ed.publicJwk }),
    ];
    // Assess
    expect(refusals).toEqual([
      "credentials_rejected",
      "credentials_rejected",
      "credentials_rejected",
    ]);
  });
});
