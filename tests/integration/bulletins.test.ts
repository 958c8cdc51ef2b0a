import { createPublicKey, verify } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyReceipt } from "../../shared/signatures/receipt.js";
import type { Jwks } from "../../shared/signatures/types.js";
import { bulletinPayload, publish, TRON_USDT_DONATION } from "../helpers/bulletins.js";
import { startTestHub, type TestHub, type TestOrg } from "../helpers/hub.js";

describe("publishing and reading bulletins over HTTP", () => {
  let t: TestHub;
  let trm: TestOrg;
  let binance: TestOrg;

  beforeAll(async () => {
    t = await startTestHub();
    trm = await t.onboard("trm", { type: "forensics", roles: ["publish", "subscribe"] });
    binance = await t.onboard("binance", { roles: ["screen", "subscribe"], groups: ["exchanges"] });
  });
  afterAll(async () => {
    await t.stop();
  });

  it("accepts a signed bulletin with a receipt that verifies against the hub JWKS", async () => {
    // Prepare
    const payload = bulletinPayload("trm");
    // Act
    const response = await publish(trm, payload);
    // Assess
    expect(response.status).toBe(201);
    const body = response.body as {
      id: string;
      received_at: string;
      content_sha256: string;
      receipt: string;
    };
    expect(body.id).toBe(payload.id);
    const jwks = (await (await fetch(`${t.hub.url}/.well-known/jwks.json`)).json()) as Jwks;
    const claims = await verifyReceipt(body.receipt, jwks);
    expect(claims).toEqual({
      id: payload.id,
      issuer: "trm",
      kid: trm.publicJwk.kid,
      content_sha256: body.content_sha256,
      received_at: body.received_at,
    });
  });

  it("stores the JWS byte for byte: it verifies with the publisher's key using plain node:crypto", async () => {
    const payload = bulletinPayload("trm");
    const { jws } = await publish(trm, payload);
    const got = await binance.client.raw("GET", `/v1/bulletins/${payload.id}`);
    expect(got.status).toBe(200);
    const view = got.body as {
      jws: string;
      bulletin: unknown;
      content_sha256: string;
      status: string;
    };
    expect(view.jws).toBe(jws);
    expect(view.bulletin).toEqual(payload);
    expect(view.status).toBe("active");
    const published = await binance.client.raw("GET", "/v1/orgs/trm/jwks");
    const jwk = (published.body as { keys: Record<string, unknown>[] }).keys[0] ?? {};
    const [header, body, signature] = view.jws.split(".") as [string, string, string];
    const key = createPublicKey({
      key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x } as never,
      format: "jwk",
    });
    const ok = verify(
      null,
      Buffer.from(`${header}.${body}`),
      key,
      Buffer.from(signature, "base64url"),
    );
    expect(ok).toBe(true);
    const digest = (await import("node:crypto"))
      .createHash("sha256")
      .update(Buffer.from(body, "base64url"))
      .digest("hex");
    expect(view.content_sha256).toBe(digest);
  });

  it("answers a re-post of the same bulletin with 200 and the same receipt, other content with 409", async () => {
    const payload = bulletinPayload("trm");
    const first = await publish(trm, payload);
    const again = await publish(trm, payload);
    const changed = await publish(trm, { ...payload, title: "Something else" });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(changed.status).toBe(409);
  });

  it("refuses an invalid indicator with a pointer to it, and stores nothing", async () => {
    const payload = bulletinPayload("trm", {
      indicators: [
        { type: "crypto_address", chain: "tron", address: TRON_USDT_DONATION },
        {
          type: "crypto_address",
          chain: "ethereum",
          address: "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD",
        },
      ],
    });
    const response = await publish(trm, payload);
    expect(response.status).toBe(422);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(response.body).toMatchObject({ errors: [{ pointer: "/indicators/1/address" }] });
    expect((await trm.client.raw("GET", `/v1/bulletins/${payload.id}`)).status).toBe(404);
  });

  it("answers 403 when the issuer is not the caller, 422 for a forged or malformed JWS", async () => {
    const forged = bulletinPayload("binance");
    expect((await publish(trm, forged)).status).toBe(403);
    const other = await t.onboard("other-publisher", { roles: ["publish"] });
    const payload = bulletinPayload("trm");
    const byOtherKey = await publish(
      { ...other, client: trm.client, key: { ...other.key, kid: trm.publicJwk.kid } },
      payload,
    );
    expect(byOtherKey.status).toBe(422);
    const malformed = await trm.client.raw("POST", "/v1/bulletins", { body: { jws: "not.a.jws" } });
    expect(malformed.status).toBe(422);
    expect((await trm.client.raw("POST", "/v1/bulletins", { body: { jws: 5 } })).status).toBe(422);
  });

  it("applies the TLP audience rules", async () => {
    const amberWithout = await publish(trm, bulletinPayload("trm", { tlp: "amber" }));
    const redWithGroup = await publish(
      trm,
      bulletinPayload("trm", { tlp: "red", audience: ["group:exchanges"] }),
    );
    const clearWith = await publish(
      trm,
      bulletinPayload("trm", { tlp: "clear", audience: ["binance"] }),
    );
    const unknownOrg = await publish(
      trm,
      bulletinPayload("trm", { tlp: "amber", audience: ["nobody"] }),
    );
    const unknownGroup = await publish(
      trm,
      bulletinPayload("trm", { tlp: "amber", audience: ["group:nobody"] }),
    );
    const adminAudience = await publish(
      trm,
      bulletinPayload("trm", { tlp: "amber", audience: ["hub-admin"] }),
    );
    for (const response of [
      amberWithout,
      redWithGroup,
      clearWith,
      unknownOrg,
      unknownGroup,
      adminAudience,
    ]) {
      expect(response.status).toBe(422);
      expect((response.body as { errors: unknown[] }).errors.length).toBeGreaterThan(0);
    }
    expect(unknownGroup.body).toMatchObject({ errors: [{ pointer: "/audience/0" }] });
    expect(redWithGroup.body).toMatchObject({ errors: [{ pointer: "/audience/0" }] });
  });

  it("refuses 0 and 1,001 indicators", async () => {
    expect((await publish(trm, bulletinPayload("trm", { indicators: [] }))).status).toBe(422);
    const many = Array.from({ length: 1001 }, () => ({
      type: "telegram_channel" as const,
      value: "@example_channel",
    }));
    expect((await publish(trm, bulletinPayload("trm", { indicators: many }))).status).toBe(422);
  });

  it("revokes: publisher only, with a reason; others 403 if they see it, 404 if not", async () => {
    const payload = bulletinPayload("trm", { tlp: "amber", audience: ["binance"] });
    await publish(trm, payload);
    const outsider = await t.onboard("outsider", { roles: ["publish"] });
    expect(
      (
        await binance.client.raw("POST", `/v1/bulletins/${payload.id}/revoke`, {
          body: { reason: "x" },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await outsider.client.raw("POST", `/v1/bulletins/${payload.id}/revoke`, {
          body: { reason: "x" },
        })
      ).status,
    ).toBe(404);
    expect(
      (await trm.client.raw("POST", `/v1/bulletins/${payload.id}/revoke`, { body: {} })).status,
    ).toBe(422);
    const revoked = await trm.client.raw("POST", `/v1/bulletins/${payload.id}/revoke`, {
      body: { reason: "false positive" },
    });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({
      id: payload.id,
      status: "revoked",
      revocation: { reason: "false positive" },
    });
    const again = await trm.client.raw("POST", `/v1/bulletins/${payload.id}/revoke`, {
      body: { reason: "twice" },
    });
    expect(again.status).toBe(409);
    const seen = await binance.client.raw("GET", `/v1/bulletins/${payload.id}`);
    expect(seen.body).toMatchObject({
      status: "revoked",
      revocation: { reason: "false positive" },
    });
  });

  it("supersedes only the caller's own bulletin", async () => {
    const old = bulletinPayload("trm");
    await publish(trm, old);
    const successor = await publish(trm, bulletinPayload("trm", { supersedes: old.id }));
    expect(successor.status).toBe(201);
    expect((await trm.client.raw("GET", `/v1/bulletins/${old.id}`)).body).toMatchObject({
      status: "superseded",
    });
    const other = await t.onboard("other-superseder", { roles: ["publish"] });
    const stolen = await publish(
      other,
      bulletinPayload("other-superseder", { supersedes: old.id }),
    );
    expect(stolen.status).toBe(422);
    expect(stolen.body).toMatchObject({ errors: [{ pointer: "/supersedes" }] });
    const missing = await publish(
      other,
      bulletinPayload("other-superseder", { supersedes: "01JDX3Q8Z6V2M4N5P6R7S8T9VW" }),
    );
    expect(missing.body).toMatchObject({ errors: [{ pointer: "/supersedes" }] });
  });

  it("computes expiry on read", async () => {
    const payload = bulletinPayload("trm", {
      issued_at: new Date(Date.now() - 60_000).toISOString(),
      valid_until: new Date(Date.now() + 1500).toISOString(),
    });
    await publish(trm, payload);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect((await binance.client.raw("GET", `/v1/bulletins/${payload.id}`)).body).toMatchObject({
      status: "expired",
    });
  });

  it("shows a TLP:RED bulletin in full only by direct GET, as a notice in the feed", async () => {
    const payload = bulletinPayload("trm", { tlp: "red", audience: ["binance"] });
    await publish(trm, payload);
    const direct = await binance.client.raw("GET", `/v1/bulletins/${payload.id}`);
    expect(direct.body).toMatchObject({ bulletin: { tlp: "red" } });
    const items = await readWholeFeed(binance);
    const notice = items.find((item) => item.id === payload.id);
    expect(notice).toEqual({
      id: payload.id,
      issuer: "trm",
      tlp: "red",
      status: "active",
      received_at: expect.any(String),
      change: {
        seq: expect.any(Number),
        kind: "published",
        at: expect.any(String),
        receipt: expect.any(String),
      },
    });
  });
});

async function readWholeFeed(org: TestOrg): Promise<{ id: string; [key: string]: unknown }[]> {
  const items: { id: string }[] = [];
  let cursor: string | undefined;
  for (;;) {
    const path =
      cursor === undefined ? "/v1/bulletins?limit=100" : `/v1/bulletins?limit=100&cursor=${cursor}`;
    const page = (await org.client.raw("GET", path)).body as {
      items: { id: string }[];
      next_cursor: string;
      has_more: boolean;
    };
    items.push(...page.items);
    cursor = page.next_cursor;
    if (!page.has_more) return items;
  }
}
