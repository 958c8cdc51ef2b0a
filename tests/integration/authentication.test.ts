/**
 * DESIGN §3, §7, §9 at the HTTP level: every refusal answers problem+json with the
 * right status, in the fixed order of checks, says nothing of which key or claim was
 * wrong, and changes nothing in the table.
 */
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signKeyProof } from "../../shared/signatures/key-proof.js";
import { generateSigningKey, publicJwkOf } from "../../shared/signatures/keys.js";
import { signRequestToken } from "../../shared/signatures/request-token.js";
import type { SigningKey } from "../../shared/signatures/types.js";
import { countDynamoRequests } from "../helpers/dynamo-requests.js";
import { startTestHub, type TestHub, type TestOrg } from "../helpers/hub.js";
import { snapshotTable } from "../helpers/table.js";

const b64 = (value: unknown) =>
  Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");

describe("authentication and the order of checks over HTTP", () => {
  let t: TestHub;
  let org: TestOrg;

  beforeAll(async () => {
    t = await startTestHub({ sweepIntervalMs: 3_600_000 });
    org = await t.onboard("binance", { roles: ["screen"] });
  });
  afterAll(async () => {
    await t.stop();
  });

  const token = (
    overrides: Partial<Parameters<typeof signRequestToken>[0]> = {},
    key: SigningKey = org.key,
  ) =>
    signRequestToken({
      iss: "binance",
      aud: "cordon",
      method: "GET",
      pathAndQuery: "/v1/me",
      key,
      ...overrides,
    });

  async function refused(authorization: string | null, path = "/v1/me", method = "GET") {
    const before = await snapshotTable(t.hub);
    const response = await org.client.raw(method, path, { authorization });
    const after = await snapshotTable(t.hub);
    expect(after).toEqual(before);
    return response;
  }

  it.each([
    ["no Authorization header", async () => null, "token_malformed"],
    ["another scheme", async () => `Basic ${b64("binance:secret")}`, "token_malformed"],
    ["garbage", async () => "Bearer not-a-token", "token_malformed"],
    [
      "alg none",
      async () =>
        `Bearer ${b64({ alg: "none", typ: "cordon-req+jwt", kid: "k" })}.${b64({ iss: "binance" })}.`,
      "token_malformed",
    ],
    [
      "wrong typ",
      async () =>
        `Bearer ${await token()}`.replace(
          /^Bearer ([^.]+)/,
          (_m, h: string) =>
            `Bearer ${b64({ ...JSON.parse(Buffer.from(h, "base64url").toString()), typ: "JWT" })}`,
        ),
      "token_malformed",
    ],
    [
      "wrong audience",
      async () => `Bearer ${await token({ aud: "cordon-staging" })}`,
      "audience_mismatch",
    ],
    [
      "expired",
      async () => `Bearer ${await token({ now: new Date(Date.now() - 10 * 60_000) })}`,
      "token_expired",
    ],
    [
      "issued in the future",
      async () => `Bearer ${await token({ now: new Date(Date.now() + 10 * 60_000) })}`,
      "token_not_yet_valid",
    ],
    [
      "for another method",
      async () => `Bearer ${await token({ method: "DELETE" })}`,
      "request_binding_mismatch",
    ],
    [
      "for another path",
      async () => `Bearer ${await token({ pathAndQuery: "/v1/me?x=1" })}`,
      "request_binding_mismatch",
    ],
    [
      "over a body that was not sent",
      async () => `Bearer ${await token({ body: "{}" })}`,
      "request_binding_mismatch",
    ],
    [
      "by an unknown issuer",
      async () => `Bearer ${await token({ iss: "nobody" })}`,
      "credentials_rejected",
    ],
  ])(
    "refuses a token %s with 401 problem+json, says why, and writes nothing",
    async (_label, make, code) => {
      const response = await refused(await make());
      expect(response.status).toBe(401);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      expect(response.headers.get("www-authenticate")).toBe('Bearer realm="cordon"');
      expect(Date.parse(response.headers.get("date") ?? "")).toBeGreaterThan(0);
      expect(response.body).toEqual({
        type: expect.stringContaining("unauthenticated"),
        title: "Unauthenticated",
        status: 401,
        detail: expect.any(String),
        code,
      });
    },
  );

  it("says the same for an unknown organisation, an unknown key, a revoked key, a suspended organisation and a bad signature", async () => {
    // Prepare
    const other = await t.onboard("okx", { roles: ["screen"] });
    const spare = await generateSigningKey("Ed25519");
    const revoked = await t.onboard("bybit", { roles: ["screen"] });
    const { signingKey: second } = await generateSigningKey("Ed25519");
    await revoked.client.call("POST", "/v1/keys", {
      body: {
        jwk: publicJwkOf(second.privateJwk),
        proof: await signKeyProof({ iss: "bybit", key: second }),
      },
    });
    await t.clientFor("bybit", second).call("DELETE", `/v1/keys/${revoked.key.kid}`);
    const suspended = await t.onboard("htx", { roles: ["screen"] });
    await t.admin.call("PATCH", "/v1/admin/orgs/htx", { body: { status: "suspended" } });
    const forged = (await token({ iss: "okx" }, other.key)).replace(
      /\.[^.]+$/,
      `.${"A".repeat(86)}`,
    );
    // Act
    const bodies = [];
    for (const authorization of [
      `Bearer ${await token({ iss: "nobody" })}`,
      `Bearer ${await token({ iss: "okx" }, spare.signingKey)}`,
      `Bearer ${await token({ iss: "bybit" }, revoked.key)}`,
      `Bearer ${await token({ iss: "htx" }, suspended.key)}`,
      `Bearer ${forged}`,
    ]) {
      const response = await refused(authorization);
      expect(response.status).toBe(401);
      bodies.push(response.text);
    }
    // Assess
    expect(new Set(bodies).size).toBe(1);
    expect(JSON.parse(bodies[0] ?? "")).toMatchObject({ code: "credentials_rejected" });
  });

  it("tells a client whose clock is 90 s ahead the hub's time", async () => {
    const response = await refused(`Bearer ${await token({ now: new Date(Date.now() + 90_000) })}`);
    expect(response.body).toMatchObject({ code: "token_not_yet_valid" });
    const hubTime = Date.parse(response.headers.get("date") ?? "");
    expect(Math.abs(hubTime - Date.now())).toBeLessThan(30_000);
    expect((response.body as { detail: string }).detail).toContain("clock");
  });

  it("refuses HS256 signed with the public key's bytes", async () => {
    const header = b64({ alg: "HS256", typ: "cordon-req+jwt", kid: org.publicJwk.kid });
    const now = Math.floor(Date.now() / 1000);
    const claims = b64({
      iss: "binance",
      aud: "cordon",
      iat: now,
      exp: now + 60,
      jti: "j1",
      htm: "GET",
      htu: "/v1/me",
      bsh: "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU",
    });
    const signature = createHmac("sha256", Buffer.from(org.publicJwk.x, "base64url"))
      .update(`${header}.${claims}`)
      .digest("base64url");
    expect((await refused(`Bearer ${header}.${claims}.${signature}`)).status).toBe(401);
  });

  it("accepts the scheme in any case, and refuses a replay of the same token", async () => {
    const once = await token();
    expect(
      (await org.client.raw("GET", "/v1/me", { authorization: `bEaReR ${once}` })).status,
    ).toBe(200);
    const replay = await refused(`Bearer ${once}`);
    expect(replay.status).toBe(401);
  });

  it("costs at most one read for a refused token", async () => {
    const counter = countDynamoRequests(t.hub.dynamoClient);
    await counter.settle();
    await org.client.raw("GET", "/v1/me", {
      authorization: `Bearer ${await token({ aud: "elsewhere" })}`,
    });
    expect(counter.total()).toBe(0);
    counter.reset();
    await org.client.raw("GET", "/v1/me", {
      authorization: `Bearer ${await token({ iss: "nobody" })}`,
    });
    expect(counter.byOperation()).toEqual({ GetItem: 1 });
  });

  it("spends a token that passed every check, whatever the outcome", async () => {
    const path = "/v1/bulletins/01JDX3Q8Z6V2M4N5P6R7S8T9VW";
    const spent = await token({ pathAndQuery: path });
    expect((await org.client.raw("GET", path, { authorization: `Bearer ${spent}` })).status).toBe(
      404,
    );
    expect((await org.client.raw("GET", path, { authorization: `Bearer ${spent}` })).status).toBe(
      401,
    );
  });

  it("answers 404 problem+json for an unknown route and 405 with Allow for another method, before the token", async () => {
    const unknown = await refused(null, "/v1/nothing-here");
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("content-type")).toBe("application/problem+json");
    const wrongMethod = await refused(null, "/v1/me", "PUT");
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("GET");
    expect((await refused(null, "/v1/bulletins", "DELETE")).headers.get("allow")).toBe("POST, GET");
  });

  it("answers 413 for a body over 256 KiB before anything else", async () => {
    const response = await org.client.raw("POST", "/v1/nothing-here", {
      body: "x".repeat(256 * 1024 + 1),
      authorization: null,
    });
    expect(response.status).toBe(413);
  });

  it("answers 415, then 400, then 403, then 422, in that order", async () => {
    const screen = (body: string, contentType: string) =>
      org.client.raw("POST", "/v1/screen", { body, headers: { "content-type": contentType } });
    expect((await screen("{}", "text/plain")).status).toBe(415);
    expect((await screen("{", "text/plain")).status).toBe(415);
    expect((await screen("{", "application/json")).status).toBe(400);
    expect((await screen('{"indicators":[]}', "application/json; charset=latin1")).status).toBe(
      415,
    );
    const publish = await org.client.raw("POST", "/v1/bulletins", { body: "{" });
    expect(publish.status).toBe(400);
    const noRole = await org.client.raw("POST", "/v1/bulletins", { body: { jws: "x" } });
    expect(noRole.status).toBe(403);
    const duplicate = await org.client.raw("POST", "/v1/screen", {
      body: '{"indicators":[],"indicators":[1]}',
    });
    expect(duplicate.status).toBe(422);
    expect(duplicate.body).toMatchObject({ errors: [{ pointer: "/indicators" }] });
  });

  it("never shows a stack trace or a file path", async () => {
    const responses = await Promise.all([
      org.client.raw("POST", "/v1/screen", { body: "{" }),
      org.client.raw("POST", "/v1/screen", {
        body: { indicators: [null, 5, "x", { type: "crypto_address" }] },
      }),
      org.client.raw("GET", "/v1/bulletins?cursor=%ZZ"),
      org.client.raw("GET", "/v1/bulletins/%2e%2e%2f"),
    ]);
    for (const response of responses) {
      expect(response.text).not.toMatch(/\bat \S+ \(|\/work\/|node_modules|\.ts:\d+/);
      expect(response.status).toBeLessThan(500);
    }
  });
});
