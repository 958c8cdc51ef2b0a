import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  bulletinPayload,
  publish,
  randomEvmAddress,
  TRON_USDT_DONATION,
} from "../helpers/bulletins.js";
import { countDynamoRequests, type RequestCounter } from "../helpers/dynamo-requests.js";
import { startTestHub, type TestHub, type TestOrg } from "../helpers/hub.js";

interface ScreenAnswer {
  results: {
    input: unknown;
    normalised: string | null;
    error?: { code: string; message: string };
    match_count: number;
    matches: {
      id: string;
      issuer: string;
      category: string;
      tlp: string;
      confidence: number;
      issued_at: string;
    }[];
  }[];
}

describe("screening over HTTP", () => {
  let t: TestHub;
  let trm: TestOrg;
  let binance: TestOrg;
  let requests: RequestCounter;
  const flagged = Array.from({ length: 3 }, randomEvmAddress);

  beforeAll(async () => {
    // No periodic sweep here: the tests count every DynamoDB request the hub sends.
    // Requests are counted here: no log writer reading and writing a second after each publish.
    t = await startTestHub({ sweepIntervalMs: 3_600_000, logWriter: false });
    trm = await t.onboard("trm", { type: "forensics", roles: ["publish"] });
    binance = await t.onboard("binance", { roles: ["screen"] });
    for (const [i, address] of flagged.entries()) {
      const response = await publish(
        trm,
        bulletinPayload("trm", {
          confidence: 60 + i,
          indicators: [{ type: "crypto_address", chain: "ethereum", address }],
        }),
      );
      expect(response.status).toBe(201);
    }
    // Each publish's fan-out finishes a moment later (a slow, busy machine: much later).
    while ((await t.hub.deps.store.work.listDueWork("9999-12-31T00:00:00.000Z", 1)).length > 0) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    requests = countDynamoRequests(t.hub.dynamoClient);
  });
  afterAll(async () => {
    await t.stop();
  });

  it("answers 1,000 inputs in order, finds the handful of hits, with at most a dozen DynamoDB requests", async () => {
    // Prepare
    const inputs = Array.from({ length: 1000 }, () => ({
      type: "crypto_address",
      chain: "ethereum",
      address: randomEvmAddress(),
    }));
    const positions = [17, 500, 999];
    positions.forEach((position, i) => {
      inputs[position] = { type: "crypto_address", chain: "ethereum", address: flagged[i] ?? "" };
    });
    await requests.settle();
    // Act
    const response = await binance.client.raw("POST", "/v1/screen", {
      body: { indicators: inputs },
    });
    // Assess
    expect(response.status).toBe(200);
    const { results } = response.body as ScreenAnswer;
    expect(results).toHaveLength(1000);
    results.forEach((result, i) => {
      expect(result.input).toEqual(inputs[i]);
      expect(result.normalised).toBe(`ethereum:${(inputs[i]?.address ?? "").toLowerCase()}`);
      expect(result.match_count).toBe(positions.includes(i) ? 1 : 0);
    });
    expect(results[500]?.matches[0]).toMatchObject({
      issuer: "trm",
      category: "terrorist_financing",
      tlp: "green",
      confidence: 61,
    });
    // Twelve, and the rate limit's one conditional write (DESIGN §15).
    expect(requests.total()).toBeLessThanOrEqual(13);
    expect(requests.byOperation().BatchGetItem).toBe(10);
  });

  it("costs batched reads, not a query per address, for a clean batch", async () => {
    const inputs = Array.from({ length: 1000 }, () => ({
      type: "crypto_address",
      chain: "bsc",
      address: randomEvmAddress(),
    }));
    requests.reset();
    const response = await binance.client.raw("POST", "/v1/screen", {
      body: { indicators: inputs },
    });
    expect(response.status).toBe(200);
    expect(requests.byOperation()).toEqual({
      GetItem: 1,
      UpdateItem: 1,
      PutItem: 1,
      BatchGetItem: 10,
    });
  });

  it("answers invalid inputs with an error and the rest as usual", async () => {
    const response = await binance.client.raw("POST", "/v1/screen", {
      body: {
        indicators: [
          { type: "crypto_address", chain: "tron", address: TRON_USDT_DONATION.replace("T", "U") },
          {
            type: "crypto_address",
            chain: "dogecoin",
            address: "D8vFz4p1L37jdg47HXKtSHA5uYLYxbGgPD",
          },
          { type: "smoke_signal", value: "x" },
          { type: "crypto_address", chain: "ethereum" },
          { type: "crypto_address", chain: "ethereum", address: flagged[0] },
        ],
      },
    });
    const { results } = response.body as ScreenAnswer;
    expect(results.map((r) => r.error?.code)).toEqual([
      "ERR_INDICATOR_CHECKSUM",
      "ERR_INDICATOR_UNKNOWN_CHAIN",
      "ERR_INDICATOR_UNKNOWN_TYPE",
      "ERR_INDICATOR_MISSING_FIELD",
      undefined,
    ]);
    expect(results.slice(0, 4).every((r) => r.normalised === null && r.match_count === 0)).toBe(
      true,
    );
    expect(results[4]?.match_count).toBe(1);
  });

  it("keeps chains apart and normalises case", async () => {
    const address = flagged[1] ?? "";
    const response = await binance.client.raw("POST", "/v1/screen", {
      body: {
        indicators: [
          { type: "crypto_address", chain: "bsc", address },
          {
            type: "crypto_address",
            chain: "ethereum",
            address: address.toUpperCase().replace("0X", "0x"),
          },
        ],
      },
    });
    const { results } = response.body as ScreenAnswer;
    expect(results[0]?.match_count).toBe(0);
    expect(results[1]?.match_count).toBe(1);
  });

  it("refuses a body without 1 to 1,000 indicators, and a caller without the screen role", async () => {
    expect(
      (await binance.client.raw("POST", "/v1/screen", { body: { indicators: [] } })).status,
    ).toBe(422);
    expect(
      (await binance.client.raw("POST", "/v1/screen", { body: { indicators: "x" } })).status,
    ).toBe(422);
    const many = Array.from({ length: 1001 }, () => ({
      type: "telegram_channel",
      value: "@abcdef",
    }));
    expect(
      (await binance.client.raw("POST", "/v1/screen", { body: { indicators: many } })).status,
    ).toBe(422);
    expect((await trm.client.raw("POST", "/v1/screen", { body: { indicators: [] } })).status).toBe(
      403,
    );
  });

  it("drops revoked bulletins from matches and lists at most 20, newest first, with the total", async () => {
    const address = randomEvmAddress();
    const ids: string[] = [];
    for (let i = 0; i < 22; i++) {
      const payload = bulletinPayload("trm", {
        issued_at: new Date(Date.now() - (30 - i) * 1000).toISOString(),
        indicators: [{ type: "crypto_address", chain: "polygon", address }],
      });
      ids.push(payload.id);
      await publish(trm, payload);
    }
    await trm.client.raw("POST", `/v1/bulletins/${ids[21]}/revoke`, { body: { reason: "wrong" } });
    const response = await binance.client.raw("POST", "/v1/screen", {
      body: { indicators: [{ type: "crypto_address", chain: "polygon", address }] },
    });
    const [result] = (response.body as ScreenAnswer).results;
    expect(result?.match_count).toBe(21);
    expect(result?.matches).toHaveLength(20);
    expect(result?.matches.map((m) => m.id)).toEqual(ids.slice(1, 21).reverse());
  });
});
