import { createPublicKey, verify } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Jwks } from "../../shared/signatures/types.js";
import { bulletinPayload, publish, TRON_USDT_DONATION } from "../helpers/bulletins.js";
import { startTestHub, type TestHub, type TestOrg } from "../helpers/hub.js";
import { type ReceivedWebhook, type Receiver, sleep, startReceiver } from "../helpers/receiver.js";

interface Subscription {
  id: string;
  secret: string;
  status: string;
}

describe("signed webhook delivery, end to end", () => {
  let t: TestHub;
  let trm: TestOrg;
  let binance: TestOrg;
  let kraken: TestOrg;
  let okx: TestOrg;
  const receivers: Record<string, Receiver> = {};
  const subscriptions: Record<string, Subscription> = {};
  let jwks: Jwks;

  async function subscribe(
    org: TestOrg,
    name: string,
    body: Record<string, unknown>,
  ): Promise<Subscription> {
    receivers[name] = await startReceiver();
    const response = await org.client.raw("POST", "/v1/subscriptions", {
      body: { url: receivers[name]?.url, ...body },
    });
    expect(response.status, response.text).toBe(201);
    subscriptions[name] = response.body as Subscription;
    return response.body as Subscription;
  }

  beforeAll(async () => {
    t = await startTestHub();
    trm = await t.onboard("trm", { type: "forensics", roles: ["publish", "subscribe"] });
    binance = await t.onboard("binance", { roles: ["screen", "subscribe"], groups: ["exchanges"] });
    kraken = await t.onboard("kraken", { roles: ["screen", "subscribe"], groups: ["exchanges"] });
    okx = await t.onboard("okx", { roles: ["screen", "subscribe"] });
    await subscribe(binance, "binance", { events: ["bulletin.published", "bulletin.revoked"] });
    await subscribe(kraken, "kraken", { events: ["bulletin.published"] });
    await subscribe(okx, "okx", {
      events: ["bulletin.published"],
      filter: { categories: ["ransomware"] },
    });
    await subscribe(trm, "trm", {
      events: ["sighting.reported", "bulletin.published"],
      filter: { min_confidence: 90 },
    });
    jwks = (await (await fetch(`${t.hub.url}/.well-known/jwks.json`)).json()) as Jwks;
  });
  afterAll(async () => {
    await t.stop();
    await Promise.all(Object.values(receivers).map((receiver) => receiver.close()));
  });

  const hooksFor = (name: string, id: string) =>
    (receivers[name]?.received ?? []).filter(
      (hook) => (hook.json.data as { id?: string }).id === id,
    );

  it("delivers a publish to matching, entitled subscribers and no one else", async () => {
    // Prepare
    const payload = bulletinPayload("trm", { tlp: "amber", audience: ["binance"], confidence: 85 });
    // Act
    expect((await publish(trm, payload)).status).toBe(201);
    await receivers.binance?.waitFor(() => hooksFor("binance", payload.id).length > 0);
    await sleep(700);
    // Assess
    expect(hooksFor("binance", payload.id)).toHaveLength(1);
    expect(hooksFor("kraken", payload.id)).toHaveLength(0);
    expect(hooksFor("okx", payload.id)).toHaveLength(0);
    expect(hooksFor("trm", payload.id)).toHaveLength(0);
    const hook = hooksFor("binance", payload.id)[0] as ReceivedWebhook;
    expect(hook.json).toMatchObject({
      type: "bulletin.published",
      subscription_id: subscriptions.binance?.id,
      data: { id: payload.id, issuer: "trm", status: "active", bulletin: payload },
    });
  });

  it("signs with v1 (verifies with the standardwebhooks library) and v1a (Ed25519, hub JWKS)", async () => {
    const payload = bulletinPayload("trm", { category: "ransomware" });
    await publish(trm, payload);
    const [hook] = await (receivers.okx as Receiver)
      .waitFor(() => hooksFor("okx", payload.id).length > 0)
      .then(() => hooksFor("okx", payload.id));
    if (hook === undefined) throw new Error("no webhook");
    const headers = {
      "webhook-id": String(hook.headers["webhook-id"]),
      "webhook-timestamp": String(hook.headers["webhook-timestamp"]),
      "webhook-signature": String(hook.headers["webhook-signature"]),
    };
    expect(new Webhook(subscriptions.okx?.secret ?? "").verify(hook.body, headers)).toMatchObject({
      type: "bulletin.published",
    });
    expect(() =>
      new Webhook(subscriptions.kraken?.secret ?? "").verify(hook.body, headers),
    ).toThrow();
    const v1a = headers["webhook-signature"].split(" ").filter((part) => part.startsWith("v1a,"));
    expect(v1a.length).toBeGreaterThan(0);
    const signed = Buffer.from(
      `${headers["webhook-id"]}.${headers["webhook-timestamp"]}.${hook.body}`,
    );
    const verifiedByHubKey = jwks.keys.some((jwk) =>
      v1a.some((signature) =>
        verify(
          null,
          signed,
          createPublicKey({ key: jwk as never, format: "jwk" }),
          Buffer.from(signature.slice(4), "base64"),
        ),
      ),
    );
    expect(verifiedByHubKey).toBe(true);
    expect(Math.abs(Number(headers["webhook-timestamp"]) - Date.now() / 1000)).toBeLessThan(30);
  });

  it("retries a receiver that fails twice, with the same webhook-id, until it succeeds", async () => {
    const receiver = receivers.kraken as Receiver;
    receiver.answers.push({ status: 500 }, { status: 503, headers: { "retry-after": "1" } });
    const payload = bulletinPayload("trm");
    await publish(trm, payload);
    await receiver.waitFor(() => hooksFor("kraken", payload.id).length >= 3, 15_000);
    const hooks = hooksFor("kraken", payload.id);
    expect(hooks).toHaveLength(3);
    expect(new Set(hooks.map((hook) => hook.headers["webhook-id"])).size).toBe(1);
    // Each attempt is signed afresh: the third comes seconds later, with its own timestamp and signature.
    expect(Number(hooks[2]?.headers["webhook-timestamp"])).toBeGreaterThan(
      Number(hooks[0]?.headers["webhook-timestamp"]),
    );
    expect(hooks[2]?.headers["webhook-signature"]).not.toBe(hooks[0]?.headers["webhook-signature"]);
    const deliveries = await kraken.client.raw(
      "GET",
      `/v1/subscriptions/${subscriptions.kraken?.id}/deliveries`,
    );
    const item = (
      deliveries.body as {
        items: { event_id: string; status: string; attempts: number; last_status_code: number }[];
      }
    ).items.find((delivery) => delivery.event_id === `${payload.id}.published`);
    expect(item).toMatchObject({ status: "delivered", attempts: 3, last_status_code: 200 });
  }, 20_000);

  it("delivers a revocation and a sighting as their own event types", async () => {
    const payload = bulletinPayload("trm", { tlp: "amber", audience: ["binance"], confidence: 95 });
    await publish(trm, payload);
    await trm.client.raw("POST", `/v1/bulletins/${payload.id}/revoke`, {
      body: { reason: "false positive" },
    });
    await binance.client.raw("POST", "/v1/sightings", {
      body: {
        bulletin_id: payload.id,
        indicator: { type: "crypto_address", chain: "tron", address: TRON_USDT_DONATION },
      },
    });
    await (receivers.binance as Receiver).waitFor(() =>
      hooksFor("binance", payload.id).some((h) => h.json.type === "bulletin.revoked"),
    );
    const revoked = hooksFor("binance", payload.id).find((h) => h.json.type === "bulletin.revoked");
    expect(revoked?.json.data).toMatchObject({
      status: "revoked",
      revocation: { reason: "false positive" },
    });
    const trmReceiver = receivers.trm as Receiver;
    await trmReceiver.waitFor((hooks) => hooks.some((h) => h.json.type === "sighting.reported"));
    const sighting = trmReceiver.received.find((h) => h.json.type === "sighting.reported");
    expect(sighting?.json).toMatchObject({
      subscription_id: subscriptions.trm?.id,
      data: {
        bulletin_id: payload.id,
        indicator: `tron:${TRON_USDT_DONATION}`,
        reporter: expect.stringMatching(/^anon-/),
      },
    });
    // The publisher's own subscription gets its own bulletin when it matches (confidence 95 ≥ 90).
    expect(
      trmReceiver.received.some(
        (h) =>
          h.json.type === "bulletin.published" && (h.json.data as { id: string }).id === payload.id,
      ),
    ).toBe(true);
    // Sightings reach the issuer alone.
    expect(
      Object.entries(receivers)
        .filter(([name]) => name !== "trm")
        .flatMap(([, r]) => r.received)
        .some((h) => h.json.type === "sighting.reported"),
    ).toBe(false);
  });

  it("sends only a notice for TLP:RED", async () => {
    const payload = bulletinPayload("trm", { tlp: "red", audience: ["binance"] });
    await publish(trm, payload);
    await (receivers.binance as Receiver).waitFor(() => hooksFor("binance", payload.id).length > 0);
    expect(hooksFor("binance", payload.id)[0]?.json.data).toEqual({
      id: payload.id,
      issuer: "trm",
      tlp: "red",
      status: "active",
      received_at: expect.any(String),
    });
  });

  it("pings, and signs with both secrets after a rotation", async () => {
    const id = subscriptions.okx?.id ?? "";
    const rotated = await okx.client.raw("POST", `/v1/subscriptions/${id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const newSecret = (rotated.body as { secret: string }).secret;
    expect(newSecret).toMatch(/^whsec_/);
    const ping = await okx.client.raw("POST", `/v1/subscriptions/${id}/test`);
    expect(ping.status).toBe(202);
    const receiver = receivers.okx as Receiver;
    await receiver.waitFor((hooks) => hooks.some((h) => h.json.type === "ping"));
    const hook = receiver.received.find((h) => h.json.type === "ping") as ReceivedWebhook;
    expect(hook.json).toMatchObject({
      type: "ping",
      subscription_id: id,
      data: { subscription_id: id },
    });
    const headers = {
      "webhook-id": String(hook.headers["webhook-id"]),
      "webhook-timestamp": String(hook.headers["webhook-timestamp"]),
      "webhook-signature": String(hook.headers["webhook-signature"]),
    };
    expect(headers["webhook-signature"].split(" ").filter((s) => s.startsWith("v1,"))).toHaveLength(
      2,
    );
    expect(() => new Webhook(newSecret).verify(hook.body, headers)).not.toThrow();
    expect(() =>
      new Webhook(subscriptions.okx?.secret ?? "").verify(hook.body, headers),
    ).not.toThrow();
  });

  it("disables a subscription whose endpoint answers 410, and delivers nothing more to it", async () => {
    const gone = await t.onboard("gone-exchange", { roles: ["subscribe"] });
    const subscription = await subscribe(gone, "gone", { events: ["bulletin.published"] });
    const receiver = receivers.gone as Receiver;
    receiver.answers.push({ status: 410 });
    const first = bulletinPayload("trm");
    await publish(trm, first);
    await receiver.waitFor((hooks) => hooks.length === 1);
    await sleep(300);
    const read = await gone.client.raw("GET", `/v1/subscriptions/${subscription.id}`);
    expect(read.body).toMatchObject({
      status: "disabled",
      disabled_reason: expect.stringContaining("410"),
    });
    const deliveries = await gone.client.raw(
      "GET",
      `/v1/subscriptions/${subscription.id}/deliveries`,
    );
    expect((deliveries.body as { items: { status: string }[] }).items[0]?.status).toBe("cancelled");
    await publish(trm, bulletinPayload("trm"));
    await sleep(1000);
    expect(receiver.received).toHaveLength(1);
    // Re-enabled, it receives again (but not what was published meanwhile).
    const enabled = await gone.client.raw("PATCH", `/v1/subscriptions/${subscription.id}`, {
      body: { status: "active" },
    });
    expect(enabled.body).toMatchObject({ status: "active" });
    // What PATCH answers is what is stored.
    const reread = await gone.client.raw("GET", `/v1/subscriptions/${subscription.id}`);
    expect(enabled.body).toEqual(reread.body);
    expect(enabled.body).not.toHaveProperty("disabled_reason");
    const after = bulletinPayload("trm");
    await publish(trm, after);
    await receiver.waitFor((hooks) => hooks.length === 2);
    expect(receiver.received[1]?.json.data.id).toBe(after.id);
  });

  it("manages subscriptions: never shows the secret again, hides others', refuses the 26th", async () => {
    const list = await binance.client.raw("GET", "/v1/subscriptions");
    const items = (list.body as { items: Record<string, unknown>[] }).items;
    expect(items).toHaveLength(1);
    expect(items[0]?.secret).toBeUndefined();
    const single = await binance.client.raw(
      "GET",
      `/v1/subscriptions/${subscriptions.binance?.id}`,
    );
    expect((single.body as Record<string, unknown>).secret).toBeUndefined();
    expect(
      (await kraken.client.raw("GET", `/v1/subscriptions/${subscriptions.binance?.id}`)).status,
    ).toBe(404);
    expect(
      (await kraken.client.raw("DELETE", `/v1/subscriptions/${subscriptions.binance?.id}`)).status,
    ).toBe(404);
    const many = await t.onboard("many-subs", { roles: ["subscribe"] });
    for (let i = 0; i < 25; i++) {
      const created = await many.client.raw("POST", "/v1/subscriptions", {
        body: { url: "http://127.0.0.1:9/x", events: ["bulletin.published"] },
      });
      expect(created.status).toBe(201);
    }
    const over = await many.client.raw("POST", "/v1/subscriptions", {
      body: { url: "http://127.0.0.1:9/x", events: ["bulletin.published"] },
    });
    expect(over.status).toBe(409);
    const bad = await many.client.raw("POST", "/v1/subscriptions", {
      body: { url: "ftp://x", events: ["bulletin.nope"] },
    });
    expect(bad.status).toBe(422);
    const victim = (await many.client.raw("GET", "/v1/subscriptions")).body as {
      items: { id: string }[];
    };
    expect(
      (await many.client.raw("DELETE", `/v1/subscriptions/${victim.items[0]?.id}`)).status,
    ).toBe(204);
    expect((await many.client.raw("GET", `/v1/subscriptions/${victim.items[0]?.id}`)).status).toBe(
      404,
    );
  });
});
