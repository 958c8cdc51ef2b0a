/**
 * The mirror against a real local hub: what it fetches and from where, TLP:RED by
 * direct GET, revocation, supersession and expiry, webhooks as a wake-up call, what
 * happens to a bulletin that does not verify, refusals, and a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CordonApiError } from "../../cli/sdk/errors.js";
import { type Mirror, MirrorError, openMirror } from "../../cli/sdk/mirror/index.js";
import type { FeedPage } from "../../cli/sdk/types.js";
import { startWebhookReceiver, type WebhookReceiver } from "../../cli/webhook-receiver.js";
import { signKeyProof } from "../../shared/signatures/key-proof.js";
import { generateSigningKey, publicJwkOf } from "../../shared/signatures/keys.js";
import { bulletinPayload, publish, randomEvmAddress } from "../helpers/bulletins.js";
import { startTestHub, type TestHub, type TestOrg } from "../helpers/hub.js";
import { hubScreen, mirrorFolder, openTestMirror } from "../helpers/mirror.js";

const evm = (address: string) => ({
  type: "crypto_address" as const,
  chain: "ethereum" as const,
  address,
});

/** A fetch that records each request's path and lets a test rewrite answers. */
function recordingFetch(rewrite?: (path: string, body: unknown) => unknown) {
  const paths: string[] = [];
  const fetchFn: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    const path = url.pathname + url.search;
    paths.push(`${init?.method ?? "GET"} ${path}`);
    const response = await fetch(input, init);
    if (rewrite === undefined || response.status !== 200) return response;
    const body = (await response.json()) as unknown;
    const rewritten = rewrite(path, body) ?? body;
    return new Response(JSON.stringify(rewritten), {
      status: response.status,
      headers: response.headers,
    });
  };
  return { fetch: fetchFn, paths };
}

/** The same compact JWS with one bit of its signature flipped. */
function flipSignatureBit(jws: string): string {
  const [header, payload, signature] = jws.split(".");
  const bytes = Buffer.from(signature ?? "", "base64url");
  bytes[0] = (bytes[0] ?? 0) ^ 1;
  return `${header}.${payload}.${bytes.toString("base64url")}`;
}

describe("the mirror against a local hub", () => {
  let t: TestHub;
  let trm: TestOrg;
  let binance: TestOrg;
  let kraken: TestOrg;
  let folder: Awaited<ReturnType<typeof mirrorFolder>>;
  const addresses = Array.from({ length: 6 }, randomEvmAddress);
  const ids: string[] = [];
  const mirrors: Mirror[] = [];
  const open = (...args: Parameters<typeof openTestMirror>) => {
    const mirror = openTestMirror(...args);
    mirrors.push(mirror);
    return mirror;
  };

  beforeAll(async () => {
    t = await startTestHub();
    folder = await mirrorFolder();
    trm = await t.onboard("trm", { type: "forensics", roles: ["publish", "screen"] });
    binance = await t.onboard("binance", { roles: ["screen", "subscribe"], groups: ["exchanges"] });
    kraken = await t.onboard("kraken", { roles: ["screen"] });
    const shapes = [
      { tlp: "green" },
      { tlp: "amber", audience: ["group:exchanges"] },
      { tlp: "amber+strict", audience: ["kraken"] },
      { tlp: "red", audience: ["binance"] },
      { tlp: "clear" },
      { tlp: "red", audience: ["kraken"] },
    ] as const;
    for (const [i, shape] of shapes.entries()) {
      const payload = bulletinPayload("trm", {
        tlp: shape.tlp,
        ...("audience" in shape ? { audience: [...shape.audience] } : {}),
        indicators: [evm(addresses[i] as string)],
      });
      const response = await publish(trm, payload);
      expect(response.status, response.text).toBe(201);
      ids.push(payload.id);
    }
  });
  afterAll(async () => {
    for (const mirror of mirrors) mirror.close();
    await t.stop();
    await folder.remove();
  });

  it("answers what the hub answers for each organisation, reading TLP:RED content by direct GET only", async () => {
    const inputs = [...addresses.map(evm), evm(randomEvmAddress()), { type: "nope" }];
    const expected = {
      trm: [1, 1, 1, 1, 1, 1],
      binance: [1, 1, 0, 1, 1, 0],
      kraken: [1, 0, 1, 0, 1, 1],
    };
    for (const org of [trm, binance, kraken]) {
      const recorder = recordingFetch();
      const mirror = open(t, org, folder.path(`${org.id}.sqlite`), { fetch: recorder.fetch });
      const report = await mirror.sync();
      expect(report).toMatchObject({ caught_up: true, set_aside: 0 });
      const answer = mirror.screen(inputs);
      expect(answer).toEqual((await hubScreen(org, inputs)).body);
      expect(answer.results.slice(0, 6).map((r) => r.match_count)).toEqual(
        expected[org.id as keyof typeof expected],
      );
      const reads = recorder.paths.filter((path) =>
        /^GET \/v1\/bulletins\/[0-9A-Z]{26}$/.test(path),
      );
      const red = org.id === "trm" ? [ids[3], ids[5]] : org.id === "binance" ? [ids[3]] : [ids[5]];
      expect(reads.sort()).toEqual(red.map((id) => `GET /v1/bulletins/${id}`).sort());
      // Nothing the mirror sent names a screened address.
      expect(recorder.paths.some((path) => path.startsWith("POST"))).toBe(false);
      expect(mirror.status()).toMatchObject({
        org: org.id,
        bulletins: expected[org.id as keyof typeof expected].filter((n) => n > 0).length,
        unverifiable: 0,
        screen_role: true,
      });
    }
  });

  it("applies revocation and supersession from the feed, and expiry by the clock alone", async () => {
    const mirror = open(t, binance, folder.path("binance-changes.sqlite"));
    const due = new Date(Date.now() + 60_000);
    const [a, b] = [randomEvmAddress(), randomEvmAddress()];
    const first = bulletinPayload("trm", { indicators: [evm(a)] });
    const expiring = bulletinPayload("trm", {
      indicators: [evm(b)],
      valid_until: due.toISOString(),
    });
    await publish(trm, first);
    await publish(trm, expiring);
    await mirror.sync();
    expect(mirror.screen([evm(a), evm(b)]).results.map((r) => r.match_count)).toEqual([1, 1]);

    const successor = bulletinPayload("trm", { supersedes: first.id, indicators: [evm(a)] });
    await publish(trm, successor);
    await trm.client.raw("POST", `/v1/bulletins/${ids[0]}/revoke`, { body: { reason: "wrong" } });
    const report = await mirror.sync();
    expect(report.applied).toBe(3);
    const kinds = mirror.store
      .changes()
      .slice(-3)
      .map((c) => `${c.bulletin_id}:${c.kind}`);
    expect(kinds).toEqual([
      `${successor.id}:published`,
      `${first.id}:superseded`,
      `${ids[0]}:revoked`,
    ]);
    const now = mirror.screen([evm(a), evm(addresses[0] as string)]);
    expect(now.results.map((r) => r.matches.map((m) => m.id))).toEqual([[successor.id], []]);
    expect(now).toEqual((await hubScreen(binance, [evm(a), evm(addresses[0] as string)])).body);
    // At valid_until the bulletin lapses, with no change in the feed.
    expect(
      mirror.screen([evm(b)], { now: new Date(due.getTime() - 1) }).results[0]?.match_count,
    ).toBe(1);
    expect(mirror.screen([evm(b)], { now: due }).results[0]?.match_count).toBe(0);
  });

  it("catches up when a verified webhook brings news, and not otherwise", async () => {
    const mirror = open(t, binance, folder.path("binance-webhooks.sqlite"));
    await mirror.sync();
    const caughtUp: Promise<unknown>[] = [];
    const receiver: WebhookReceiver = await startWebhookReceiver({
      jwks: (await binance.client.raw("GET", "/.well-known/jwks.json")).body as never,
      onWebhook: (webhook) => {
        if (!webhook.verified || webhook.duplicate) return;
        const catchUp = mirror.apply(webhook.event);
        if (catchUp !== undefined) caughtUp.push(catchUp);
      },
    });
    try {
      const subscribed = await binance.client.raw("POST", "/v1/subscriptions", {
        body: { url: receiver.url, events: ["bulletin.published", "bulletin.revoked"], filter: {} },
      });
      expect(subscribed.status, subscribed.text).toBe(201);
      const payload = bulletinPayload("trm", { indicators: [evm(randomEvmAddress())] });
      await publish(trm, payload);
      // Nothing polls here: only the event can bring the bulletin in.
      await expect.poll(() => caughtUp.length, { timeout: 20_000 }).toBeGreaterThan(0);
      await Promise.all(caughtUp);
      expect(mirror.screen([payload.indicators[0]]).results[0]?.match_count).toBe(1);
      // An event the mirror has already seen, or any other event, brings no catch-up.
      const last = mirror.status().last_change?.seq ?? 0;
      expect(mirror.apply({ type: "bulletin.published", change: { seq: last } })).toBeUndefined();
      expect(mirror.apply({ type: "ping", data: {} })).toBeUndefined();
      expect(mirror.apply({ type: "bulletin.revoked" })).toBeUndefined();
    } finally {
      await receiver.stop();
    }
  });

  it("coalesces a burst of events into one catch-up running and one queued", async () => {
    const recorder = recordingFetch();
    const mirror = open(t, kraken, folder.path("kraken-burst.sqlite"), { fetch: recorder.fetch });
    await mirror.sync();
    const burst = Array.from({ length: 5 }, () =>
      bulletinPayload("trm", { indicators: [evm(randomEvmAddress())] }),
    );
    for (const payload of burst) await publish(trm, payload);
    const before = recorder.paths.filter((p) => p.startsWith("GET /v1/me")).length;
    const last = mirror.status().last_change?.seq ?? 0;
    const catchUps = Array.from({ length: 20 }, (_, i) =>
      mirror.apply({ type: "bulletin.published", change: { seq: last + 1 + i } }),
    );
    await Promise.all(catchUps);
    const runs = recorder.paths.filter((p) => p.startsWith("GET /v1/me")).length - before;
    expect(runs).toBe(2);
    expect(burst.every((p) => mirror.screen([p.indicators[0]]).results[0]?.match_count === 1)).toBe(
      true,
    );
  });

  it("never matches a bulletin whose signature or receipt does not verify, and says so", async () => {
    const forged = bulletinPayload("trm", { indicators: [evm(randomEvmAddress())] });
    const redForged = bulletinPayload("trm", {
      tlp: "red",
      audience: ["binance"],
      indicators: [evm(randomEvmAddress())],
    });
    const good = bulletinPayload("trm", { indicators: [evm(randomEvmAddress())] });
    for (const payload of [forged, redForged, good]) await publish(trm, payload);
    const recorder = recordingFetch((path, body) => {
      if (path.startsWith("/v1/bulletins?")) {
        const page = body as FeedPage;
        for (const item of page.items) {
          if (item.id === forged.id && "jws" in item) item.jws = flipSignatureBit(item.jws);
        }
      }
      if (path === `/v1/bulletins/${redForged.id}`) {
        const view = body as { receipt: string };
        view.receipt = flipSignatureBit(view.receipt);
      }
      return body;
    });
    const mirror = open(t, binance, folder.path("binance-forged.sqlite"), {
      fetch: recorder.fetch,
    });
    const report = await mirror.sync();
    expect(report.set_aside).toBe(2);
    const inputs = [forged, redForged, good].map((p) => p.indicators[0]);
    expect(mirror.screen(inputs).results.map((r) => r.match_count)).toEqual([0, 0, 1]);
    // The hub itself matches all three: only the mirror's copy was tampered with.
    const hub = (await hubScreen(binance, inputs)).body as { results: { match_count: number }[] };
    expect(hub.results.map((r) => r.match_count)).toEqual([1, 1, 1]);
    expect(mirror.status().unverifiable).toBe(2);
    expect(mirror.setAside().map((c) => [c.bulletin_id, c.code])).toEqual([
      [forged.id, "ERR_BULLETIN_SIGNATURE"],
      [redForged.id, "ERR_RECEIPT_SIGNATURE"],
    ]);
  });

  it("keeps a revocation whose change receipt does not verify aside: the bulletin stays as it was", async () => {
    const payload = bulletinPayload("trm", { indicators: [evm(randomEvmAddress())] });
    await publish(trm, payload);
    const recorder = recordingFetch((path, body) => {
      if (!path.startsWith("/v1/bulletins?")) return body;
      for (const item of (body as FeedPage).items) {
        if (item.id === payload.id && item.change?.kind === "revoked") {
          item.change.receipt = flipSignatureBit(item.change.receipt);
        }
      }
      return body;
    });
    const mirror = open(t, kraken, folder.path("kraken-forged-change.sqlite"), {
      fetch: recorder.fetch,
    });
    await mirror.sync();
    await trm.client.raw("POST", `/v1/bulletins/${payload.id}/revoke`, { body: { reason: "x" } });
    await mirror.sync();
    expect(mirror.setAside()).toEqual([
      expect.objectContaining({
        bulletin_id: payload.id,
        kind: "revoked",
        code: "ERR_CHANGE_RECEIPT",
      }),
    ]);
    expect(mirror.screen([payload.indicators[0]]).results[0]?.match_count).toBe(1);
  });

  it("takes a bulletin's status from verified changes only, never from what a feed item says", async () => {
    const payload = bulletinPayload("trm", { indicators: [evm(randomEvmAddress())] });
    const claimed = bulletinPayload("trm", { indicators: [evm(randomEvmAddress())] });
    await publish(trm, payload);
    await publish(trm, claimed);
    await trm.client.raw("POST", `/v1/bulletins/${payload.id}/revoke`, { body: { reason: "x" } });
    // A first sync after the revocation: the publication's item already says "revoked",
    // and the revocation's own receipt does not verify. Another item claims a revocation
    // that never happened.
    const recorder = recordingFetch((path, body) => {
      if (!path.startsWith("/v1/bulletins?")) return body;
      for (const item of (body as FeedPage).items) {
        if (item.id === payload.id && item.change?.kind === "revoked") {
          item.change.receipt = flipSignatureBit(item.change.receipt);
        }
        if (item.id === claimed.id && "status" in item) {
          Object.assign(item, {
            status: "revoked",
            revocation: { reason: "forged", revoked_at: new Date().toISOString() },
          });
        }
      }
      return body;
    });
    const mirror = open(t, kraken, folder.path("kraken-forged-status.sqlite"), {
      fetch: recorder.fetch,
    });
    await mirror.sync();
    expect(mirror.setAside()).toEqual([
      expect.objectContaining({
        bulletin_id: payload.id,
        kind: "revoked",
        code: "ERR_CHANGE_RECEIPT",
      }),
    ]);
    const results = mirror.screen([payload.indicators[0], claimed.indicators[0]]).results;
    expect(results.map((result) => result.match_count)).toEqual([1, 1]);
  });

  it("keeps verifying bulletins whose key was revoked after the hub received them", async () => {
    const rotating = await t.onboard("rotating", { roles: ["publish"] });
    const payload = bulletinPayload("rotating", { indicators: [evm(randomEvmAddress())] });
    expect((await publish(rotating, payload)).status).toBe(201);
    const next = await generateSigningKey("Ed25519", "rotating-2");
    const added = await rotating.client.raw("POST", "/v1/keys", {
      body: {
        jwk: publicJwkOf(next.signingKey.privateJwk),
        proof: await signKeyProof({ iss: "rotating", key: next.signingKey }),
      },
    });
    expect(added.status, added.text).toBe(201);
    const revoked = await t
      .clientFor("rotating", next.signingKey)
      .raw("DELETE", `/v1/keys/${rotating.key.kid}`);
    expect(revoked.status, revoked.text).toBe(204);
    const mirror = open(t, kraken, folder.path("kraken-rotation.sqlite"));
    await mirror.sync();
    expect(mirror.screen([payload.indicators[0]]).results[0]?.match_count).toBe(1);
    expect(mirror.status().unverifiable).toBe(0);
  });

  it("refuses as the hub does: 403 without the screen role, 422 for a body the hub refuses", async () => {
    const publisherOnly = await t.onboard("publisher-only", { roles: ["publish"] });
    const mirror = open(t, publisherOnly, folder.path("publisher-only.sqlite"));
    await mirror.sync();
    const refusal = (() => {
      try {
        mirror.screen([evm(randomEvmAddress())]);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    const hub = await hubScreen(publisherOnly, [evm(randomEvmAddress())]);
    expect(refusal).toBeInstanceOf(CordonApiError);
    expect({
      status: (refusal as CordonApiError).status,
      body: (refusal as CordonApiError).problem,
    }).toEqual(hub);
    const screener = open(t, kraken, folder.path("kraken.sqlite"));
    for (const body of [[], { not: "a list" }]) {
      const answer = await hubScreen(kraken, body);
      expect(answer.status).toBe(422);
      expect(() => screener.screen(body)).toThrow(
        expect.objectContaining({ status: 422, problem: answer.body }),
      );
    }
  });

  it("resumes from its cursor after a restart, reading only what changed since", async () => {
    const path = folder.path("binance-restart.sqlite");
    const first = open(t, binance, path);
    await first.sync();
    const before = first.status();
    first.close();
    const payload = bulletinPayload("trm", { indicators: [evm(randomEvmAddress())] });
    await publish(trm, payload);

    const recorder = recordingFetch();
    const second = open(t, binance, path, { fetch: recorder.fetch });
    expect(second.status()).toMatchObject({
      last_change: before.last_change,
      bulletins: before.bulletins,
    });
    const report = await second.sync();
    expect(report).toMatchObject({ pages: 1, applied: 1 });
    expect(second.status().bulletins).toBe(before.bulletins + 1);
    expect(second.screen([payload.indicators[0]]).results[0]?.match_count).toBe(1);
  });

  it("screens what another process syncs into the same file, as soon as it is applied", async () => {
    const path = folder.path("binance-shared.sqlite");
    const syncing = open(t, binance, path);
    await syncing.sync();
    const screening = openMirror({ path, expect: { org: "binance" } });
    mirrors.push(screening);
    const payload = bulletinPayload("trm", { indicators: [evm(randomEvmAddress())] });
    expect(screening.screen([payload.indicators[0]]).results[0]?.match_count).toBe(0);
    await publish(trm, payload);
    await syncing.sync();
    expect(screening.screen([payload.indicators[0]]).results[0]?.match_count).toBe(1);
  });

  it("opens only the file of its own hub and organisation; without a client it screens and reports", async () => {
    const path = folder.path("kraken.sqlite");
    expect(() => open(t, binance, folder.path("kraken.sqlite"))).toThrow(
      expect.objectContaining({ code: "ERR_MIRROR_BOUND_ELSEWHERE" }),
    );
    expect(() => openMirror({ path, expect: { org: "binance" } })).toThrow(MirrorError);
    const offline = openMirror({ path, expect: { org: "kraken", hub: t.hub.url } });
    mirrors.push(offline);
    expect(offline.status().org).toBe("kraken");
    expect(offline.screen([evm(addresses[2] as string)]).results[0]?.match_count).toBe(1);
    await expect(offline.sync()).rejects.toMatchObject({ code: "ERR_MIRROR_OFFLINE" });
    const fresh = openMirror({ path: folder.path("never.sqlite") });
    mirrors.push(fresh);
    expect(() => fresh.screen([evm(addresses[0] as string)])).toThrow(
      expect.objectContaining({ code: "ERR_MIRROR_NEVER_SYNCED" }),
    );
  });
});
