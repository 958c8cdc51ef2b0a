/** CordonClient against a fake hub: request building and signing, retries, errors, publish, screening chunks, the feed. */
import { decodeJwt, decodeProtectedHeader } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { CordonClient } from "../../../cli/sdk/client.js";
import { CordonApiError, InputError } from "../../../cli/sdk/errors.js";
import { createKeyRequest } from "../../../cli/sdk/key-request.js";
import { retryDelay } from "../../../cli/sdk/transport.js";
import { decodeBulletinJws, verifyBulletinJws } from "../../../shared/signatures/bulletin-jws.js";
import { sha256Base64Url } from "../../../shared/signatures/digest.js";
import { verifyKeyProof } from "../../../shared/signatures/key-proof.js";
import { generateSigningKey } from "../../../shared/signatures/keys.js";
import type { PublicJwk, SigningKey } from "../../../shared/signatures/types.js";

const TRON = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t";

interface Sent {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

type Answer = { status: number; body?: unknown; text?: string; headers?: Record<string, string> };

/** A fake hub: records every request and answers from `respond`. */
function fakeHub(respond: (request: Sent, index: number) => Answer) {
  const sent: Sent[] = [];
  const fetchFn = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    const request: Sent = {
      method: init?.method ?? "GET",
      path: url.pathname + url.search,
      headers: Object.fromEntries(Object.entries((init?.headers ?? {}) as Record<string, string>)),
      body: init?.body === undefined ? "" : Buffer.from(init.body as Uint8Array).toString("utf8"),
    };
    sent.push(request);
    const answer = respond(request, sent.length - 1);
    const text = answer.text ?? (answer.body === undefined ? "" : JSON.stringify(answer.body));
    return new Response(answer.status === 204 ? null : text, {
      status: answer.status,
      headers: { "content-type": "application/json", ...answer.headers },
    });
  }) as typeof fetch;
  return { sent, fetch: fetchFn };
}

describe("CordonClient", () => {
  let key: SigningKey;
  let publicJwk: PublicJwk;

  beforeAll(async () => {
    ({ signingKey: key, publicJwk } = await generateSigningKey("Ed25519"));
  });

  const clientWith = (hub: ReturnType<typeof fakeHub>, retries = 3) =>
    new CordonClient({
      baseUrl: "http://hub.test/",
      orgId: "trm",
      key,
      audience: "cordon",
      retries,
      fetch: hub.fetch,
    });

  it("signs every request over its method, path and query, and body", async () => {
    // Prepare
    const hub = fakeHub(() => ({
      status: 200,
      body: { items: [], next_cursor: "c2", has_more: false },
    }));
    // Act
    await clientWith(hub).feedPage({ cursor: "c1", limit: 10 });
    await clientWith(hub)
      .reportSighting({ bulletin_id: "01J", indicator: "tron:T", note: "n" })
      .catch(() => {});
    // Assess
    const [feed, sighting] = hub.sent;
    expect(feed?.path).toBe("/v1/bulletins?cursor=c1&limit=10");
    const token = feed?.headers.authorization?.replace(/^Bearer /, "") ?? "";
    expect(decodeProtectedHeader(token)).toMatchObject({ typ: "cordon-req+jwt", kid: key.kid });
    expect(decodeJwt(token)).toMatchObject({
      iss: "trm",
      aud: "cordon",
      htm: "GET",
      htu: "/v1/bulletins?cursor=c1&limit=10",
      bsh: sha256Base64Url(new Uint8Array()),
    });
    const posted = decodeJwt(sighting?.headers.authorization?.replace(/^Bearer /, "") ?? "");
    expect(posted).toMatchObject({ htm: "POST", htu: "/v1/sightings" });
    expect(posted.bsh).toBe(sha256Base64Url(new TextEncoder().encode(sighting?.body ?? "")));
    expect(JSON.parse(sighting?.body ?? "")).toEqual({
      bulletin_id: "01J",
      indicator: "tron:T",
      note: "n",
    });
  });

  it("calls each route with its method and path", async () => {
    const hub = fakeHub((request) => {
      if (request.method === "DELETE") return { status: 204 };
      if (request.path.endsWith("/test")) return { status: 202, body: {} };
      if (request.path === "/v1/subscriptions" && request.method === "GET")
        return { status: 200, body: { items: [] } };
      return { status: 200, body: {} };
    });
    const client = clientWith(hub);
    await client.me();
    await client.orgJwks("nbt-fmd");
    await client.hubJwks().catch(() => {});
    await client.admin.getOrg("binance");
    await client.admin.patchOrg("binance", { status: "suspended" });
    await client.keys.revoke("old-kid");
    await client.getBulletin("01JDX3Q8Z6V2M4N5P6R7S8T9VW");
    await client.revoke("01JDX3Q8Z6V2M4N5P6R7S8T9VW", "false positive");
    await client.listSightings("01JDX3Q8Z6V2M4N5P6R7S8T9VW", { limit: 5 });
    await client.subscriptions.list();
    await client.subscriptions.get("sub1");
    await client.subscriptions.delete("sub1");
    await client.subscriptions.enable("sub1");
    await client.subscriptions.test("sub1");
    await client.subscriptions.rotateSecret("sub1");
    await client.subscriptions.deliveries("sub1", { cursor: "x" });
    expect(hub.sent.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /v1/me",
      "GET /v1/orgs/nbt-fmd/jwks",
      "GET /.well-known/jwks.json",
      "GET /v1/admin/orgs/binance",
      "PATCH /v1/admin/orgs/binance",
      "DELETE /v1/keys/old-kid",
      "GET /v1/bulletins/01JDX3Q8Z6V2M4N5P6R7S8T9VW",
      "POST /v1/bulletins/01JDX3Q8Z6V2M4N5P6R7S8T9VW/revoke",
      "GET /v1/bulletins/01JDX3Q8Z6V2M4N5P6R7S8T9VW/sightings?limit=5",
      "GET /v1/subscriptions",
      "GET /v1/subscriptions/sub1",
      "DELETE /v1/subscriptions/sub1",
      "PATCH /v1/subscriptions/sub1",
      "POST /v1/subscriptions/sub1/test",
      "POST /v1/subscriptions/sub1/rotate-secret",
      "GET /v1/subscriptions/sub1/deliveries?cursor=x",
    ]);
    expect(hub.sent[2]?.headers.authorization).toBeUndefined();
    expect(JSON.parse(hub.sent[4]?.body ?? "")).toEqual({ status: "suspended" });
    expect(JSON.parse(hub.sent[7]?.body ?? "")).toEqual({ reason: "false positive" });
    expect(JSON.parse(hub.sent[12]?.body ?? "")).toEqual({ status: "active" });
    expect(hub.sent[14]?.body).toBe("");
  });

  it("adds a key with a proof made by the new key", async () => {
    const hub = fakeHub(() => ({
      status: 201,
      body: { kid: "k2", status: "active", created_at: "t" },
    }));
    const { signingKey: newKey } = await generateSigningKey("ES256");
    await clientWith(hub).keys.add(newKey);
    const body = JSON.parse(hub.sent[0]?.body ?? "") as {
      jwk: PublicJwk & { d?: string };
      proof: string;
    };
    expect(body.jwk.d).toBeUndefined();
    expect(body.jwk.kid).toBe(newKey.kid);
    await expect(
      verifyKeyProof(body.proof, { jwk: body.jwk, iss: "trm", now: new Date() }),
    ).resolves.toBeUndefined();
  });

  it("publishes a draft: fills id, issuer and issued_at, signs, reports 201 as created", async () => {
    const hub = fakeHub(() => ({
      status: 201,
      body: { id: "X", received_at: "t", content_sha256: "h", receipt: "r" },
    }));
    const result = await clientWith(hub).publish(
      {
        title: "Donation address",
        category: "terrorist_financing",
        tlp: "green",
        confidence: 80,
        indicators: [{ type: "crypto_address", chain: "tron", address: TRON }],
      },
      { now: new Date("2026-11-25T12:00:00.456Z") },
    );
    expect(result.created).toBe(true);
    const { jws } = JSON.parse(hub.sent[0]?.body ?? "") as { jws: string };
    expect(jws).toBe(result.jws);
    const decoded = decodeBulletinJws(jws);
    await verifyBulletinJws(decoded, publicJwk);
    expect(decoded.payload).toMatchObject({ issuer: "trm", issued_at: "2026-11-25T12:00:00Z" });
    expect((decoded.payload as { id: string }).id).toMatch(/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
    expect(Object.keys(decoded.payload as object).slice(0, 3)).toEqual([
      "id",
      "issuer",
      "issued_at",
    ]);
  });

  it("retries a publish on 503 with the same JWS and reports a 200 as not created", async () => {
    const hub = fakeHub((_request, index) =>
      index === 0
        ? {
            status: 503,
            body: { type: "t", title: "Unavailable", status: 503, detail: "d" },
            headers: { "retry-after": "0" },
          }
        : { status: 200, body: { id: "X", received_at: "t", content_sha256: "h", receipt: "r" } },
    );
    const result = await clientWith(hub).publish({
      id: "01JDX3Q8Z6V2M4N5P6R7S8T9VW",
      title: "T",
      category: "scam",
      tlp: "clear",
      confidence: 10,
      indicators: [{ type: "crypto_address", chain: "tron", address: TRON }],
    });
    expect(hub.sent).toHaveLength(2);
    expect(hub.sent[0]?.body).toBe(hub.sent[1]?.body);
    expect(hub.sent[0]?.headers.authorization).not.toBe(hub.sent[1]?.headers.authorization);
    expect(result.created).toBe(false);
  });

  it("refuses an invalid draft before sending anything, with the hub's pointers", async () => {
    const hub = fakeHub(() => ({ status: 500 }));
    const error = await clientWith(hub)
      .publish({
        title: "T",
        category: "scam",
        tlp: "amber",
        confidence: 101,
        indicators: [{ type: "crypto_address", chain: "tron", address: "Tnope" }],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).errors.map((e) => e.pointer)).toEqual(
      expect.arrayContaining(["/confidence", "/indicators/0/address"]),
    );
    expect(hub.sent).toHaveLength(0);
    const other = await clientWith(hub)
      .publish({
        issuer: "binance",
        title: "T",
        category: "scam",
        tlp: "clear",
        confidence: 1,
        indicators: [{ type: "telegram_channel", value: "@x_chan" }],
      })
      .catch((e: unknown) => e);
    expect((other as InputError).errors).toEqual([
      { pointer: "/issuer", message: expect.any(String) },
    ]);
  });

  it("retries GET and DELETE on 429 and 5xx, never another POST", async () => {
    const busy = (): Answer => ({
      status: 429,
      body: { type: "t", title: "Too many", status: 429, detail: "d" },
      headers: { "retry-after": "0" },
    });
    const getHub = fakeHub((_r, index) =>
      index < 2 ? busy() : { status: 200, body: { id: "trm" } },
    );
    await expect(clientWith(getHub).me()).resolves.toMatchObject({ id: "trm" });
    expect(getHub.sent).toHaveLength(3);

    const postHub = fakeHub(() => ({
      status: 503,
      body: { type: "t", title: "Unavailable", status: 503, detail: "d" },
    }));
    await expect(
      clientWith(postHub).subscriptions.create({
        url: "https://x",
        events: ["bulletin.published"],
      }),
    ).rejects.toThrow(CordonApiError);
    expect(postHub.sent).toHaveLength(1);
  });

  it("screens on through a 429: the batch is sent again, signed afresh, after Retry-After", async () => {
    // Prepare: the hub limits the second batch once (a per-organisation rate limit).
    const hub = fakeHub((request, index) => {
      if (index === 1) {
        return {
          status: 429,
          body: { type: "t", title: "Too many requests", status: 429, detail: "d" },
          headers: { "retry-after": "0" },
        };
      }
      const count = (JSON.parse(request.body) as { indicators: unknown[] }).indicators.length;
      return {
        status: 200,
        body: {
          results: Array.from({ length: count }, () => ({
            normalised: "x",
            match_count: 0,
            matches: [],
          })),
        },
      };
    });
    const inputs = Array.from({ length: 3 }, () => ({
      type: "crypto_address",
      chain: "tron",
      address: TRON,
    }));
    const progress: number[] = [];
    // Act
    const results = await clientWith(hub).screen(inputs, {
      batchSize: 1,
      onProgress: (done) => progress.push(done),
    });
    // Assess
    expect(results).toHaveLength(3);
    expect(hub.sent.map((r) => r.path)).toEqual(Array(4).fill("/v1/screen"));
    expect(hub.sent[1]?.body).toBe(hub.sent[2]?.body);
    expect(hub.sent[1]?.headers.authorization).not.toBe(hub.sent[2]?.headers.authorization);
    expect(progress).toEqual([1, 2, 3]);
  });

  it("speaks the v1.1 routes: feed tokens, a bulletin's log proof, the log key, key requests", async () => {
    // Prepare
    const proof = { checkpoint: "cordon/v1/log\n1\nAAAA\n", changes: [] };
    const hub = fakeHub((request) => {
      if (request.path === "/v1/feed-tokens" && request.method === "POST") {
        return { status: 201, body: { id: "ft1", name: "opencti", token: "cft_ft1_x" } };
      }
      if (request.path === "/v1/feed-tokens")
        return { status: 200, body: { items: [{ id: "ft1" }] } };
      if (request.path === "/v1/feed-tokens/ft1") return { status: 204 };
      if (request.path === "/v1/bulletins/B1/proof") return { status: 200, body: proof };
      if (request.path === "/v1/keys") return { status: 201, body: { kid: "k2" } };
      return { status: 200, text: "cordon/v1/log+01234567+AQID\n" };
    });
    const client = clientWith(hub);
    const { signingKey: newKey, publicJwk: newJwk } = await generateSigningKey("ES256");
    const request = await createKeyRequest("trm", newKey);
    // Act
    const issued = await client.feedTokens.create({ name: "opencti" });
    const listed = await client.feedTokens.list();
    await client.feedTokens.revoke("ft1");
    const gotProof = await client.bulletinProof("B1");
    const logKey = await client.logKey();
    const added = await client.keys.addRequest(request);
    // Assess
    expect(issued.token).toBe("cft_ft1_x");
    expect(listed).toEqual([{ id: "ft1" }]);
    expect(gotProof).toEqual(proof);
    expect(logKey).toBe("cordon/v1/log+01234567+AQID");
    expect(added.kid).toBe("k2");
    expect(hub.sent.map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /v1/feed-tokens",
      "GET /v1/feed-tokens",
      "DELETE /v1/feed-tokens/ft1",
      "GET /v1/bulletins/B1/proof",
      "GET /v1/log/key",
      "POST /v1/keys",
    ]);
    expect(JSON.parse(hub.sent[0]?.body ?? "")).toEqual({ name: "opencti" });
    expect(hub.sent[4]?.headers.accept).toBe("text/plain");
    expect(JSON.parse(hub.sent[5]?.body ?? "")).toEqual({ jwk: newJwk, proof: request.proof });
  });

  it("turns problem+json into CordonApiError with status, problem and errors", async () => {
    const problem = {
      type: "https://cordon.dev/problems/validation",
      title: "Validation failed",
      status: 422,
      detail: "The request is not valid.",
      errors: [{ pointer: "/indicators/0/address", message: "bad checksum" }],
    };
    const hub = fakeHub(() => ({ status: 422, body: problem }));
    const error = (await clientWith(hub)
      .revoke("01J", "x")
      .catch((e: unknown) => e)) as CordonApiError;
    expect(error).toBeInstanceOf(CordonApiError);
    expect(error.status).toBe(422);
    expect(error.kind).toBe("validation");
    expect(error.code).toBe("ERR_API");
    expect(error.errors).toEqual(problem.errors);
    expect(error.message).toBe("Validation failed: The request is not valid.");
  });

  it("screens in chunks of at most 1,000, keeping input order, and answers invalid input locally", async () => {
    const hub = fakeHub((request) => {
      const { indicators } = JSON.parse(request.body) as { indicators: { address: string }[] };
      return {
        status: 200,
        body: {
          results: indicators.map((indicator) => ({
            input: indicator,
            normalised: `ethereum:${indicator.address}`,
            match_count: 0,
            matches: [],
          })),
        },
      };
    });
    const inputs = Array.from({ length: 2500 }, (_, i) => ({
      type: "crypto_address" as const,
      chain: "ethereum" as const,
      address: `0x${i.toString(16).padStart(40, "0")}`,
    }));
    const withBad = [
      ...inputs.slice(0, 10),
      { type: "crypto_address", chain: "dogecoin", address: "D" },
      ...inputs.slice(10),
    ];
    const progress: number[] = [];
    const results = await clientWith(hub).screen(withBad, {
      onProgress: (done) => progress.push(done),
    });
    expect(
      hub.sent.map((r) => (JSON.parse(r.body) as { indicators: unknown[] }).indicators.length),
    ).toEqual([1000, 1000, 500]);
    expect(results).toHaveLength(2501);
    expect(results[10]).toMatchObject({
      normalised: null,
      error: { code: "ERR_INDICATOR_UNKNOWN_CHAIN" },
    });
    expect(results[11]?.normalised).toBe(`ethereum:${inputs[10]?.address}`);
    expect(results[2500]?.normalised).toBe(`ethereum:${inputs[2499]?.address}`);
    expect(progress).toEqual([1001, 2001, 2501]);
  });

  it("follows the feed's next_cursor, and polls on in follow mode until aborted", async () => {
    const pages = [
      { items: [{ id: "a" }], next_cursor: "c1", has_more: true },
      { items: [{ id: "b" }], next_cursor: "c2", has_more: false },
      { items: [], next_cursor: "c2", has_more: false },
      { items: [{ id: "c" }], next_cursor: "c3", has_more: false },
    ];
    const hub = fakeHub((_r, index) => ({ status: 200, body: pages[Math.min(index, 3)] }));
    const seen: string[] = [];
    for await (const item of clientWith(hub).feed({ limit: 2 })) seen.push(item.id);
    expect(seen).toEqual(["a", "b"]);
    expect(hub.sent.map((r) => r.path)).toEqual([
      "/v1/bulletins?limit=2",
      "/v1/bulletins?cursor=c1&limit=2",
    ]);

    const followHub = fakeHub((_r, index) => ({ status: 200, body: pages[Math.min(index, 3)] }));
    const controller = new AbortController();
    const followed: string[] = [];
    const run = (async () => {
      for await (const item of clientWith(followHub).feed({
        follow: true,
        pollIntervalMs: 1,
        signal: controller.signal,
      })) {
        followed.push(item.id);
        if (item.id === "c") controller.abort();
      }
    })();
    await run.catch(() => {});
    expect(followed).toEqual(["a", "b", "c"]);
    expect(followHub.sent[2]?.path).toBe("/v1/bulletins?cursor=c2");
    expect(followHub.sent[3]?.path).toBe("/v1/bulletins?cursor=c2");
  });
});

describe("retryDelay", () => {
  it("honours Retry-After in seconds and as an HTTP date, capped at 30 s", () => {
    const now = Date.parse("2026-11-25T12:00:00Z");
    expect(retryDelay(1, "2", now)).toBe(2000);
    expect(retryDelay(1, "Wed, 25 Nov 2026 12:00:05 GMT", now)).toBe(5000);
    expect(retryDelay(1, "3600", now)).toBe(30_000);
    expect(retryDelay(1, "Wed, 25 Nov 2026 11:00:00 GMT", now)).toBe(0);
  });

  it("backs off exponentially with jitter without Retry-After", () => {
    for (const attempt of [1, 2, 3, 4]) {
      const delay = retryDelay(attempt, null);
      const base = Math.min(8000, 250 * 2 ** (attempt - 1));
      expect(delay).toBeGreaterThanOrEqual(base / 2);
      expect(delay).toBeLessThanOrEqual(base);
    }
  });
});
