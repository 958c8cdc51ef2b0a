import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  checkIndicator,
  IndicatorError,
  IndicatorSchema,
  indicatorChain,
  indicatorIssueCode,
  indicatorIssuePointer,
  normaliseIndicator,
} from "../../../shared/indicators/index.js";

const GENESIS = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa";

describe("checkIndicator: the bulletin example of DESIGN.md §4", () => {
  it("normalises each of the example's indicators", () => {
    // Prepare
    const indicators = [
      {
        type: "crypto_address",
        chain: "tron",
        address: "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
        asset: "USDT",
        role: "donation",
      },
      { type: "telegram_channel", value: "https://t.me/example_channel" },
      { type: "tx_hash", chain: "ethereum", hash: `0x${"AB".repeat(32)}` },
      { type: "channel", platform: "x", value: "@example" },
    ];
    // Act
    const results = indicators.map((indicator) => checkIndicator(indicator));
    // Assess
    expect(results.map((result) => (result.ok ? result.normalised : result.error))).toEqual([
      "tron:TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
      "telegram:example_channel",
      `ethereum:tx:0x${"ab".repeat(32)}`,
      "x:example",
    ]);
    expect(results[0]).toMatchObject({ ok: true, indicator: indicators[0] });
  });

  it("answers the indicator as given (a copy), not a normalised one", () => {
    // Prepare
    const input = { type: "crypto_address", chain: "bitcoin", address: ` ${GENESIS} ` };
    // Act
    const result = checkIndicator(input);
    // Assess
    expect(result).toEqual({
      ok: true,
      indicator: input,
      normalised: `bitcoin:${GENESIS}`,
    });
    expect(result.ok && result.indicator).not.toBe(input);
  });
});

describe("checkIndicator: refusals", () => {
  const cases: [string, unknown, string, string][] = [
    ["non-object: null", null, "ERR_INDICATOR_NOT_OBJECT", ""],
    ["non-object: array", [], "ERR_INDICATOR_NOT_OBJECT", ""],
    ["non-object: string", "bitcoin:1A1z…", "ERR_INDICATOR_NOT_OBJECT", ""],
    ["non-object: number", 42, "ERR_INDICATOR_NOT_OBJECT", ""],
    [
      "unknown type",
      { type: "ip_address", value: "192.0.2.1" },
      "ERR_INDICATOR_UNKNOWN_TYPE",
      "/type",
    ],
    ["type of the wrong kind", { type: 1 }, "ERR_INDICATOR_UNKNOWN_TYPE", "/type"],
    [
      "missing type",
      { chain: "bitcoin", address: GENESIS },
      "ERR_INDICATOR_MISSING_FIELD",
      "/type",
    ],
    [
      "unknown chain",
      { type: "crypto_address", chain: "dogecoin", address: "D" },
      "ERR_INDICATOR_UNKNOWN_CHAIN",
      "/chain",
    ],
    [
      "chain in the wrong case",
      { type: "crypto_address", chain: "Bitcoin", address: GENESIS },
      "ERR_INDICATOR_UNKNOWN_CHAIN",
      "/chain",
    ],
    ["missing chain", { type: "tx_hash", hash: "ab" }, "ERR_INDICATOR_MISSING_FIELD", "/chain"],
    [
      "missing address",
      { type: "crypto_address", chain: "bitcoin" },
      "ERR_INDICATOR_MISSING_FIELD",
      "/address",
    ],
    ["missing value", { type: "telegram_channel" }, "ERR_INDICATOR_MISSING_FIELD", "/value"],
    [
      "missing platform",
      { type: "channel", value: "x" },
      "ERR_INDICATOR_MISSING_FIELD",
      "/platform",
    ],
    [
      "extra member",
      { type: "crypto_address", chain: "bitcoin", address: GENESIS, note: "x" },
      "ERR_INDICATOR_UNKNOWN_FIELD",
      "/note",
    ],
    [
      "extra member with a name to escape",
      { type: "telegram_channel", value: "@abcde", "a/b": 1 },
      "ERR_INDICATOR_UNKNOWN_FIELD",
      "/a~1b",
    ],
    [
      "bad Base58Check checksum",
      { type: "crypto_address", chain: "bitcoin", address: "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb" },
      "ERR_INDICATOR_CHECKSUM",
      "/address",
    ],
    [
      "bad EIP-55 checksum",
      {
        type: "crypto_address",
        chain: "bsc",
        address: "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD",
      },
      "ERR_INDICATOR_CHECKSUM",
      "/address",
    ],
    [
      "bad bech32 checksum",
      {
        type: "crypto_address",
        chain: "bitcoin",
        address: "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5",
      },
      "ERR_INDICATOR_CHECKSUM",
      "/address",
    ],
    [
      "address of another chain",
      { type: "crypto_address", chain: "ethereum", address: GENESIS },
      "ERR_INDICATOR_FORMAT",
      "/address",
    ],
    [
      "address that is not a string",
      { type: "crypto_address", chain: "bitcoin", address: 1 },
      "ERR_INDICATOR_FORMAT",
      "/address",
    ],
    [
      "over-long address",
      { type: "crypto_address", chain: "bitcoin", address: "1".repeat(300) },
      "ERR_INDICATOR_TOO_LONG",
      "/address",
    ],
    [
      "bad asset",
      { type: "crypto_address", chain: "bitcoin", address: GENESIS, asset: "US DT" },
      "ERR_INDICATOR_FORMAT",
      "/asset",
    ],
    [
      "over-long role",
      { type: "crypto_address", chain: "bitcoin", address: GENESIS, role: "r".repeat(33) },
      "ERR_INDICATOR_TOO_LONG",
      "/role",
    ],
    [
      "bad tx hash",
      { type: "tx_hash", chain: "tron", hash: "xyz" },
      "ERR_INDICATOR_FORMAT",
      "/hash",
    ],
    [
      "bad telegram value",
      { type: "telegram_channel", value: "abc" },
      "ERR_INDICATOR_FORMAT",
      "/value",
    ],
    [
      "bad platform",
      { type: "channel", platform: "no spaces", value: "x" },
      "ERR_INDICATOR_FORMAT",
      "/platform",
    ],
    [
      "bad channel value",
      { type: "channel", platform: "email", value: "nobody" },
      "ERR_INDICATOR_FORMAT",
      "/value",
    ],
  ];

  it.each(cases)("%s", (_name, input, code, pointer) => {
    // Act
    const result = checkIndicator(input);
    // Assess
    expect(result).toMatchObject({ ok: false, error: { code, pointer } });
    expect(result.ok || result.error.message.length > 0).toBe(true);
  });

  it("reports the first problem by member order: type, chain, then value, unknown members last", () => {
    // Prepare
    const inputs: [unknown, string][] = [
      [{ type: "crypto_address", chain: "dogecoin", extra: 1 }, "/chain"],
      [{ type: "crypto_address", chain: "bitcoin", address: "bad", extra: 1 }, "/address"],
      [{ type: "channel", platform: "-", value: 5, extra: 1 }, "/platform"],
      [{ type: "channel", platform: "email", value: "nobody", extra: 1 }, "/value"],
      [{ type: "crypto_address", chain: "bitcoin", address: "bad", asset: "!" }, "/address"],
    ];
    for (const [input, pointer] of inputs) {
      // Act
      const result = checkIndicator(input);
      // Assess
      expect(result, JSON.stringify(input)).toMatchObject({ ok: false, error: { pointer } });
    }
  });

  it("never throws, even on a hostile object", () => {
    // Prepare
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error("boom");
        },
        has() {
          throw new Error("boom");
        },
      },
    );
    // Act
    const result = checkIndicator(hostile);
    // Assess
    expect(result.ok).toBe(false);
  });
});

describe("normaliseIndicator and indicatorChain", () => {
  it("normalise each type to its string", () => {
    // Act
    const normalised = [
      normaliseIndicator({
        type: "crypto_address",
        chain: "bitcoin",
        address: "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
      }),
      normaliseIndicator({ type: "tx_hash", chain: "bitcoin", hash: `0x${"CD".repeat(32)}` }),
      normaliseIndicator({ type: "telegram_channel", value: "t.me/joinchat/AbCdEfGh" }),
      normaliseIndicator({ type: "channel", platform: "Website", value: "HTTPS://EXAMPLE.com/A" }),
    ];
    // Assess
    expect(normalised).toEqual([
      "bitcoin:bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
      `bitcoin:tx:${"cd".repeat(32)}`,
      "telegram:+AbCdEfGh",
      "website:https://example.com/A",
    ]);
  });

  it("throws an IndicatorError naming the member of an invalid indicator", () => {
    // Act
    const badAddress = () =>
      normaliseIndicator({ type: "crypto_address", chain: "tron", address: "T123" });
    // @ts-expect-error: a chain outside CHAINS, as plain JavaScript could pass.
    const badChain = () => normaliseIndicator({ type: "tx_hash", chain: "doge", hash: "ab" });
    // Assess
    expect(badAddress).toThrowError(IndicatorError);
    expect(badAddress).toThrowError(expect.objectContaining({ pointer: "/address" }));
    expect(badChain).toThrowError(
      expect.objectContaining({ code: "ERR_INDICATOR_UNKNOWN_CHAIN", pointer: "/chain" }),
    );
  });

  it("tells the chain of address and hash indicators only", () => {
    // Act
    const chains = [
      indicatorChain({ type: "crypto_address", chain: "solana", address: "x" }),
      indicatorChain({ type: "tx_hash", chain: "base", hash: "x" }),
      indicatorChain({ type: "telegram_channel", value: "x" }),
      indicatorChain({ type: "channel", platform: "x", value: "x" }),
    ];
    // Assess
    expect(chains).toEqual(["solana", "base", undefined, undefined]);
  });
});

describe("IndicatorSchema", () => {
  it("maps every issue to a code and a pointer when embedded in a larger schema", () => {
    // Prepare
    const Bulletin = z.object({ indicators: z.array(IndicatorSchema) });
    const body = {
      indicators: [
        { type: "crypto_address", chain: "bitcoin", address: GENESIS },
        { type: "crypto_address", chain: "bitcoin", address: "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb" },
        { type: "tx_hash", chain: "doge", hash: "ab" },
        { type: "channel", platform: "x", value: "@ok", more: true },
        { type: "nope" },
        { chain: "bitcoin" },
        "text",
      ],
    };
    // Act
    const parsed = Bulletin.safeParse(body);
    const issues = parsed.success
      ? []
      : parsed.error.issues.map((issue) => [
          indicatorIssuePointer(issue),
          indicatorIssueCode(issue),
        ]);
    // Assess
    expect(issues).toEqual([
      ["/indicators/1/address", "ERR_INDICATOR_CHECKSUM"],
      ["/indicators/2/chain", "ERR_INDICATOR_UNKNOWN_CHAIN"],
      ["/indicators/3/more", "ERR_INDICATOR_UNKNOWN_FIELD"],
      ["/indicators/4/type", "ERR_INDICATOR_UNKNOWN_TYPE"],
      ["/indicators/5/type", "ERR_INDICATOR_MISSING_FIELD"],
      ["/indicators/6", "ERR_INDICATOR_NOT_OBJECT"],
    ]);
  });

  it("carries the code in params.code on its custom issues", () => {
    // Act
    const parsed = IndicatorSchema.safeParse({ type: "telegram_channel", value: "abc" });
    // Assess
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({
      code: "custom",
      path: ["value"],
      params: { code: "ERR_INDICATOR_FORMAT" },
    });
  });

  it("keeps its messages when the caller passes its own error map", () => {
    // Act
    const parsed = IndicatorSchema.safeParse(
      { type: "crypto_address", address: GENESIS },
      { error: () => "custom message" },
    );
    // Assess
    expect(parsed.error?.issues.map(indicatorIssueCode)).toEqual(["ERR_INDICATOR_MISSING_FIELD"]);
  });

  it("converts to JSON Schema for the OpenAPI document: four strict shapes", () => {
    // Act
    const schema = z.toJSONSchema(IndicatorSchema) as {
      oneOf?: { additionalProperties?: unknown }[];
    };
    // Assess
    expect(schema.oneOf).toHaveLength(4);
    for (const option of schema.oneOf ?? []) expect(option.additionalProperties).toBe(false);
  });
});
