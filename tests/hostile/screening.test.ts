/**
 * Hostile indicator values on `POST /v1/screen` (DESIGN §5, §9): near-valid addresses
 * for every chain (a character flipped, case changed, zero-width and look-alike
 * characters, whitespace, truncation, giants), unknown types and chains, missing and
 * extra members, and entries that are not objects at all. The batch always answers 200
 * with one result per input, in order, each either normalised or carrying an error;
 * matches only ever name bulletins the caller may see; and screening stores nothing
 * but the spent token.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHAINS, EVM_CHAINS } from "../../shared/indicators/types.js";
import { Harness, runs } from "./harness.js";

let h: Harness;

beforeAll(async () => {
  h = await Harness.start();
});
afterAll(async () => {
  console.info(h.summary("screening"));
  await h.stop();
});

const EVM = new Set<string>(EVM_CHAINS);
const SEEDS: Record<string, string[]> = {
  bitcoin: [
    "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
    "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
  ],
  evm: [
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "0x27b1fdb04752bbc536007a920d24acb045561c26",
  ],
  tron: ["TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7"],
  litecoin: ["LV7LV7Z4bWDEjYkfx9dQo6k6RjGbXsg6hS", "ltc1qx88q7zjd74lxwgkjmmwlqv5pd3vujuehexftta"],
  solana: [
    "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v",
    "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA",
  ],
};

/** A seed address changed the ways attackers and typos change addresses. */
const mangled = fc
  .record({
    seed: fc.constantFrom(...Object.values(SEEDS).flat()),
    how: fc.constantFrom(
      "as-is",
      "flip",
      "upper",
      "lower",
      "zero-width",
      "homoglyph",
      "spaces",
      "truncate",
      "extend",
      "nul",
      "rtl",
    ),
    at: fc.nat(),
  })
  .map(({ seed, how, at }) => {
    const i = at % seed.length;
    switch (how) {
      case "flip":
        return `${seed.slice(0, i)}${seed[i] === "a" ? "b" : "a"}${seed.slice(i + 1)}`;
      case "upper":
        return seed.toUpperCase();
      case "lower":
        return seed.toLowerCase();
      case "zero-width":
        return `${seed.slice(0, i)}\u200b${seed.slice(i)}`;
      case "homoglyph":
        return seed.replace(/a/, "\u0430");
      case "spaces":
        return ` ${seed}\t`;
      case "truncate":
        return seed.slice(0, i);
      case "extend":
        return `${seed}${seed}`;
      case "nul":
        return `${seed}\u0000`;
      case "rtl":
        return `\u202e${seed}`;
      default:
        return seed;
    }
  });

const hex = (minLength: number, maxLength: number) =>
  fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength, maxLength });

const indicator: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({
    type: fc.constant("crypto_address"),
    chain: fc.constantFrom(...CHAINS),
    address: mangled,
  }),
  fc.record({
    type: fc.constant("crypto_address"),
    chain: fc.constantFrom(...CHAINS, "ETHEREUM", "dogecoin", "", "__proto__"),
    address: fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.string({ minLength: 250, maxLength: 700 }),
      hex(40, 40).map((x: string) => `0x${x}`),
    ),
  }),
  fc.record({
    type: fc.constant("tx_hash"),
    chain: fc.constantFrom(...CHAINS),
    hash: fc.oneof(
      hex(60, 66),
      hex(64, 64).map((x: string) => `0x${x.toUpperCase()}`),
      fc.string({ maxLength: 70 }),
    ),
  }),
  fc.record({
    type: fc.constant("telegram_channel"),
    value: fc.oneof(
      fc.stringMatching(/^@[A-Za-z][A-Za-z0-9_]{3,40}$/),
      fc.constantFrom(
        "https://t.me/+AbCdEf123",
        "t.me/joinchat/AAAA",
        "https://t.me/s/name_here",
        "http://t.me/x",
        "https://telegram.me/name_here",
        "@",
        "@a",
        "@name here",
        "https://t.me/name_here?start=1",
      ),
      fc.string({ maxLength: 100 }),
    ),
  }),
  fc.record({
    type: fc.constant("channel"),
    platform: fc.constantFrom(
      "x",
      "X",
      "discord",
      "email",
      "website",
      "telegram",
      "",
      " x ",
      "matrix",
    ),
    value: fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.constantFrom("@Example", "HTTPS://EXAMPLE.COM/Path", "a@B.example", " padded "),
    ),
  }),
  fc.dictionary(
    fc.constantFrom(
      "type",
      "chain",
      "address",
      "hash",
      "value",
      "platform",
      "asset",
      "role",
      "extra",
      "__proto__",
    ),
    fc.jsonValue({ maxDepth: 1 }),
    { maxKeys: 5 },
  ),
  fc.constantFrom(null, 1, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", [], true),
);

interface ScreenResult {
  input: unknown;
  normalised: string | null;
  error?: { code: string; message: string };
  match_count: number;
  matches: { id: string }[];
}

function checkResults(
  inputs: unknown[],
  results: ScreenResult[],
  visible: ReadonlySet<string>,
): void {
  expect(results).toHaveLength(inputs.length);
  for (const [i, result] of results.entries()) {
    const input = inputs[i] as Record<string, unknown> | null;
    expect(result.input, `result ${i} echoes its input`).toEqual(
      JSON.parse(JSON.stringify(inputs[i])),
    );
    if (result.normalised === null) {
      expect(typeof result.error?.code, `result ${i}: a refused input says why`).toBe("string");
      expect(typeof result.error?.message).toBe("string");
      expect(result.matches).toEqual([]);
    } else {
      expect(result.error, `result ${i}: normalised, so no error`).toBeUndefined();
      expect(result.normalised).toMatch(/^[a-z0-9_+-]+:/);
      // EVM addresses in any accepted case normalise to the one lower-case form.
      if (input?.type === "crypto_address" && EVM.has(String(input.chain)))
        expect(result.normalised).toBe(
          `${input.chain}:${String(input.address).trim().toLowerCase()}`,
        );
    }
    expect(result.matches.length).toBeLessThanOrEqual(Math.min(20, result.match_count));
    for (const match of result.matches)
      expect(visible, `result ${i} names ${match.id}`).toContain(match.id);
  }
}

/** Screens `inputs` as the screener: always 200, and nothing stored. */
function screen(category: string, inputs: unknown[]) {
  return h.probeSigned(
    category,
    h.orgs.screener,
    {
      method: "POST",
      path: "/v1/screen",
      body: JSON.stringify({ indicators: inputs }),
      contentType: "application/json",
    },
    { readOnly: true, expect: [200] },
  );
}

describe("hostile indicator values for screening", () => {
  it("answers one clean result per input, matches only visible bulletins, stores nothing", async () => {
    const visible = new Set(h.fixtures.bulletinIds);
    const planted = h.fixtures.addresses.map((address) => ({
      type: "crypto_address",
      chain: "ethereum",
      address,
    }));
    await fc.assert(
      fc.asyncProperty(
        fc.array(indicator, { minLength: 1, maxLength: 40 }),
        fc.subarray(planted),
        async (generated, hits) => {
          const inputs = [...generated, ...hits];
          const answer = await screen("screen:indicators", inputs);
          const results = (answer.json as { results: ScreenResult[] }).results;
          checkResults(inputs, results, visible);
          // The planted addresses find their bulletin; the hidden red one, which names the first too, never shows.
          for (const hit of hits) {
            const result = results[generated.length + hits.indexOf(hit)];
            expect(result?.match_count).toBe(1);
            expect(result?.matches.map((m) => m.id)).not.toContain(h.fixtures.hiddenBulletinId);
          }
        },
      ),
      { numRuns: runs(80) },
    );
    await h.finalCheck();
  }, 120_000);

  it("answers full batches of 1,000 hostile values within the second", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(indicator, { minLength: 1000, maxLength: 1000 }),
        async (inputs) => {
          const answer = await screen("screen:full-batch", inputs);
          checkResults(
            inputs,
            (answer.json as { results: ScreenResult[] }).results,
            new Set(h.fixtures.bulletinIds),
          );
        },
      ),
      // A failure here would shrink arrays of 1,000 for minutes: report it as found.
      { numRuns: runs(3), endOnFailure: true },
    );
  }, 60_000);

  it("refuses a body whose indicators are not an array of 1 to 1,000 with 422", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constantFrom<unknown>([], null, {}, "x", 1),
          fc.array(fc.constant({ type: "crypto_address", chain: "ethereum", address: "0x0" }), {
            minLength: 1001,
            maxLength: 1100,
          }),
        ),
        async (indicators) => {
          await h.probeSigned(
            "screen:bad-batch",
            h.orgs.screener,
            {
              method: "POST",
              path: "/v1/screen",
              body: JSON.stringify({ indicators }),
              contentType: "application/json",
            },
            { expect: [422] },
          );
        },
      ),
      { numRuns: runs(12) },
    );
  });
});
