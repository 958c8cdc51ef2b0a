import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signKeyProof } from "../../shared/signatures/key-proof.js";
import { generateSigningKey } from "../../shared/signatures/keys.js";
import { startTestHub, type TestHub } from "../helpers/hub.js";

describe("onboarding and keys over HTTP", () => {
  let t: TestHub;

  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(async () => {
    await t.stop();
  });

  it("serves health and the hub JWKS without a token", async () => {
    const health = await fetch(`${t.hub.url}/health`);
    expect(health.status).toBe(200);
    const jwks = (await (await fetch(`${t.hub.url}/.well-known/jwks.json`)).json()) as {
      keys: { kty: string; kid: string; d?: string }[];
    };
    expect(jwks.keys.length).toBeGreaterThan(0);
    expect(jwks.keys[0]).toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "EdDSA" });
    expect(jwks.keys.every((key) => key.d === undefined)).toBe(true);
  });

  it("onboards an organisation whose own signed GET /v1/me then works", async () => {
    // Prepare
    const binance = await t.onboard("binance", {
      roles: ["screen", "subscribe"],
      groups: ["exchanges"],
    });
    // Act
    const me = await binance.client.raw("GET", "/v1/me");
    // Assess
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      id: "binance",
      type: "exchange",
      roles: ["screen", "subscribe"],
      groups: ["exchanges"],
      status: "active",
      keys: [{ kid: binance.publicJwk.kid, status: "active" }],
    });
  });

  it("answers 409 for an id that exists and 422 for a private key", async () => {
    await t.onboard("dup-org");
    const again = await t.onboard("dup-org").catch((error: Error) => error);
    expect(String(again)).toContain("409");
    const { signingKey } = await generateSigningKey("Ed25519");
    const leaked = await t.admin.raw("POST", "/v1/admin/orgs", {
      body: {
        id: "leaky",
        name: "Leaky",
        type: "other",
        roles: ["screen"],
        groups: [],
        jwks: { keys: [signingKey.privateJwk] },
      },
    });
    expect(leaked.status).toBe(422);
    expect(leaked.headers.get("content-type")).toBe("application/problem+json");
    expect(leaked.body).toMatchObject({
      status: 422,
      errors: [{ pointer: expect.stringContaining("/jwks/keys/0") }],
    });
  });

  it("refuses an admin organisation that holds other roles or groups", async () => {
    const { publicJwk } = await generateSigningKey("Ed25519");
    const response = await t.admin.raw("POST", "/v1/admin/orgs", {
      body: {
        id: "mixed",
        name: "Mixed",
        type: "other",
        roles: ["admin", "publish"],
        groups: ["x"],
        jwks: { keys: [publicJwk] },
      },
    });
    expect(response.status).toBe(422);
  });

  it("answers 403 when a participant calls an admin route", async () => {
    const trm = await t.onboard("trm-403", { roles: ["publish"] });
    const response = await trm.client.raw("GET", "/v1/admin/orgs/binance");
    expect(response.status).toBe(403);
  });

  it("adds a key with proof of possession, and refuses a revoked key at once", async () => {
    // Prepare
    const org = await t.onboard("rotator", { roles: ["screen"] });
    const { signingKey: next, publicJwk: nextPublic } = await generateSigningKey("ES256");
    const proof = await signKeyProof({ iss: "rotator", key: next });
    // Act
    const added = await org.client.raw("POST", "/v1/keys", { body: { jwk: nextPublic, proof } });
    const withNew = t.clientFor("rotator", next);
    const revoked = await withNew.raw("DELETE", `/v1/keys/${org.publicJwk.kid}`);
    const withOld = await org.client.raw("GET", "/v1/me");
    const stillNew = await withNew.raw("GET", "/v1/me");
    const published = await stillNew.body;
    // Assess
    expect(added.status).toBe(201);
    expect(revoked.status).toBe(204);
    expect(withOld.status).toBe(401);
    expect(stillNew.status).toBe(200);
    expect(published).toMatchObject({
      keys: expect.arrayContaining([
        expect.objectContaining({ kid: org.publicJwk.kid, status: "revoked" }),
      ]),
    });
    const lastKey = await withNew.raw("DELETE", `/v1/keys/${nextPublic.kid}`);
    expect(lastKey.status).toBe(409);
  });

  it("refuses a key whose proof was made by another key", async () => {
    const org = await t.onboard("prover", { roles: ["screen"] });
    const { publicJwk: claimed } = await generateSigningKey("Ed25519");
    const { signingKey: other } = await generateSigningKey("Ed25519");
    const proof = await signKeyProof({ iss: "prover", key: { ...other, kid: claimed.kid } });
    const response = await org.client.raw("POST", "/v1/keys", { body: { jwk: claimed, proof } });
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({ errors: [{ pointer: "/proof" }] });
  });

  it("suspends an organisation: its tokens are refused with 401, and reactivates it", async () => {
    const org = await t.onboard("suspendee", { roles: ["screen"] });
    const suspended = await t.admin.raw("PATCH", "/v1/admin/orgs/suspendee", {
      body: { status: "suspended" },
    });
    expect(suspended.status).toBe(200);
    expect(suspended.body).toMatchObject({ status: "suspended" });
    expect((await org.client.raw("GET", "/v1/me")).status).toBe(401);
    await t.admin.raw("PATCH", "/v1/admin/orgs/suspendee", { body: { status: "active" } });
    expect((await org.client.raw("GET", "/v1/me")).status).toBe(200);
  });

  it("publishes an organisation's keys, revoked ones included", async () => {
    const org = await t.onboard("published-keys", { roles: ["screen"] });
    const response = await t.admin.raw("GET", "/v1/orgs/published-keys/jwks");
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      keys: [{ kid: org.publicJwk.kid, x: org.publicJwk.x, status: "active", revoked_at: null }],
    });
  });

  it("answers 404 for a missing organisation before it looks at the body", async () => {
    const answer = await t.admin.raw("PATCH", "/v1/admin/orgs/no-such-org", {
      body: { status: "frozen", unknown: true },
    });
    expect(answer.status).toBe(404);
  });

  it("never leaves the hub without an active admin, however two demotions race", async () => {
    const second = await t.onboard("second-admin", { roles: ["admin"] });
    for (let round = 0; round < 5; round += 1) {
      const [byHubAdmin, bySecond] = await Promise.all([
        t.admin.raw("PATCH", "/v1/admin/orgs/second-admin", { body: { status: "suspended" } }),
        second.client.raw("PATCH", "/v1/admin/orgs/hub-admin", { body: { status: "suspended" } }),
      ]);
      const statuses = [byHubAdmin.status, bySecond.status].sort();
      // Exactly one demotion lands (or, if one admin's token is refused first, that one is a 401).
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.every((s) => s === 200 || s === 409 || s === 401)).toBe(true);
      // The one left restores the other, and the last admin cannot be demoted.
      const [survivor, demoted] =
        byHubAdmin.status === 200 ? [t.admin, "second-admin"] : [second.client, "hub-admin"];
      const survivorId = demoted === "hub-admin" ? "second-admin" : "hub-admin";
      const last = await survivor.raw("PATCH", `/v1/admin/orgs/${survivorId}`, {
        body: { status: "suspended" },
      });
      expect(last.status).toBe(409);
      const restored = await survivor.raw("PATCH", `/v1/admin/orgs/${demoted}`, {
        body: { status: "active" },
      });
      expect(restored.status).toBe(200);
    }
  });
});
