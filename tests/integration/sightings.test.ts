import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bulletinPayload, publish, TRON_USDT_DONATION } from "../helpers/bulletins.js";
import { startTestHub, type TestHub, type TestOrg } from "../helpers/hub.js";

describe("sightings over HTTP", () => {
  let t: TestHub;
  let trm: TestOrg;
  let binance: TestOrg;
  let kraken: TestOrg;
  const amber = bulletinPayload("trm", { tlp: "amber", audience: ["binance"] });
  const green = bulletinPayload("trm");

  beforeAll(async () => {
    t = await startTestHub();
    trm = await t.onboard("trm", { roles: ["publish"] });
    binance = await t.onboard("binance", { roles: ["screen"] });
    kraken = await t.onboard("kraken", { roles: ["screen"] });
    await publish(trm, amber);
    await publish(trm, green);
  });
  afterAll(async () => {
    await t.stop();
  });

  const tronIndicator = { type: "crypto_address", chain: "tron", address: TRON_USDT_DONATION };

  it("stores a sighting under a stable pseudonym unless the reporter discloses itself", async () => {
    // Act
    const first = await binance.client.raw("POST", "/v1/sightings", {
      body: { bulletin_id: amber.id, indicator: tronIndicator, note: "deposit of 1,200 USDT" },
    });
    const second = await binance.client.raw("POST", "/v1/sightings", {
      body: { bulletin_id: amber.id, indicator: `tron:${TRON_USDT_DONATION}` },
    });
    const disclosed = await binance.client.raw("POST", "/v1/sightings", {
      body: { bulletin_id: amber.id, indicator: tronIndicator, disclose: true },
    });
    const elsewhere = await binance.client.raw("POST", "/v1/sightings", {
      body: { bulletin_id: green.id, indicator: tronIndicator },
    });
    // Assess
    expect(first.status).toBe(201);
    const a = first.body as { reporter: string; indicator: string; note: string | null };
    expect(a).toMatchObject({
      bulletin_id: amber.id,
      indicator: `tron:${TRON_USDT_DONATION}`,
      note: "deposit of 1,200 USDT",
    });
    expect(a.reporter).toMatch(/^anon-[a-z0-9]+$/);
    expect((second.body as { reporter: string }).reporter).toBe(a.reporter);
    expect((disclosed.body as { reporter: string }).reporter).toBe("binance");
    expect((elsewhere.body as { reporter: string }).reporter).not.toBe(a.reporter);
  });

  it("lists sightings to the issuer only, newest first", async () => {
    const list = await trm.client.raw("GET", `/v1/bulletins/${amber.id}/sightings`);
    expect(list.status).toBe(200);
    const body = list.body as {
      items: { reporter: string; reported_at: string }[];
      has_more: boolean;
    };
    expect(body.items).toHaveLength(3);
    expect(body.items[0]?.reporter).toBe("binance");
    expect(body.has_more).toBe(false);
    expect((await binance.client.raw("GET", `/v1/bulletins/${amber.id}/sightings`)).status).toBe(
      404,
    );
    expect((await kraken.client.raw("GET", `/v1/bulletins/${amber.id}/sightings`)).status).toBe(
      404,
    );
    const paged = await trm.client.raw("GET", `/v1/bulletins/${amber.id}/sightings?limit=2`);
    const firstPage = paged.body as { items: unknown[]; next_cursor: string; has_more: boolean };
    expect(firstPage.items).toHaveLength(2);
    expect(firstPage.has_more).toBe(true);
    const nextPage = await trm.client.raw(
      "GET",
      `/v1/bulletins/${amber.id}/sightings?limit=2&cursor=${firstPage.next_cursor}`,
    );
    expect((nextPage.body as { items: unknown[] }).items).toHaveLength(1);
  });

  it("answers 404 for a bulletin the reporter cannot see, before checking the rest", async () => {
    const hidden = await kraken.client.raw("POST", "/v1/sightings", {
      body: { bulletin_id: amber.id, indicator: 5 },
    });
    const missing = await kraken.client.raw("POST", "/v1/sightings", {
      body: { bulletin_id: "01JDX3Q8Z6V2M4N5P6R7S8T9VW", indicator: tronIndicator },
    });
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual(missing.body);
  });

  it("refuses an indicator the bulletin does not name, a long note, and unknown members", async () => {
    const other = await binance.client.raw("POST", "/v1/sightings", {
      body: {
        bulletin_id: amber.id,
        indicator: { type: "telegram_channel", value: "@someone_else" },
      },
    });
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({ errors: [{ pointer: "/indicator" }] });
    const long = await binance.client.raw("POST", "/v1/sightings", {
      body: { bulletin_id: amber.id, indicator: tronIndicator, note: "é".repeat(513) },
    });
    expect(long.status).toBe(422);
    const exact = await binance.client.raw("POST", "/v1/sightings", {
      body: { bulletin_id: amber.id, indicator: tronIndicator, note: "é".repeat(512) },
    });
    expect(exact.status).toBe(201);
    const extra = await binance.client.raw("POST", "/v1/sightings", {
      body: { bulletin_id: amber.id, indicator: tronIndicator, reporter: "someone" },
    });
    expect(extra.status).toBe(422);
  });

  it("needs a participant role", async () => {
    const none = await t.onboard("no-roles", { roles: [] });
    const response = await none.client.raw("POST", "/v1/sightings", {
      body: { bulletin_id: green.id, indicator: tronIndicator },
    });
    expect(response.status).toBe(403);
  });
});
