/** Reading screening input (lines and CSV) and turning results into rows and an exit code. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ScreenRow, screenExitCode, toRows } from "../../../cli/commands/screening.js";
import { parseLine, parseScreenInput } from "../../../cli/screen-input.js";
import { checkIndicator } from "../../../shared/indicators/indicator.js";

const TRON = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t";
const ETH = "0x52908400098527886e0f7030069857d2e4169ee7";

describe("parseScreenInput, one per line", () => {
  it("reads chain:address, chain,address, tx hashes, Telegram and channels", () => {
    // Prepare
    const text = [
      `tron:${TRON}`,
      `ethereum,${ETH}`,
      `  Ethereum : ${ETH}  `,
      `ethereum:tx:0x${"ab".repeat(32)}`,
      "telegram:example_channel",
      "https://t.me/example_channel",
      "x:@someone",
    ].join("\n");
    // Act
    const entries = parseScreenInput(text).entries;
    // Assess
    expect(entries.map((e) => e.indicator)).toEqual([
      { type: "crypto_address", chain: "tron", address: TRON },
      { type: "crypto_address", chain: "ethereum", address: ETH },
      { type: "crypto_address", chain: "ethereum", address: ETH },
      { type: "tx_hash", chain: "ethereum", hash: `0x${"ab".repeat(32)}` },
      { type: "telegram_channel", value: "example_channel" },
      { type: "telegram_channel", value: "https://t.me/example_channel" },
      { type: "channel", platform: "x", value: "@someone" },
    ]);
    expect(entries.map((e) => e.line)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    for (const entry of entries) expect(checkIndicator(entry.indicator).ok).toBe(true);
  });

  it("skips blank lines, comments and a BOM, and keeps line numbers; handles CRLF", () => {
    const { entries } = parseScreenInput(
      `\uFEFF# deposits of 25 Nov\r\n\r\ntron:${TRON}\r\n  \r\n# end\r\nethereum:${ETH}\r\n`,
    );
    expect(entries.map((e) => [e.line, e.text])).toEqual([
      [3, `tron:${TRON}`],
      [6, `ethereum:${ETH}`],
    ]);
  });

  it("takes bare addresses on the default chain, and says so when there is none", () => {
    expect(parseScreenInput(TRON, { defaultChain: "tron" }).entries[0]?.indicator).toEqual({
      type: "crypto_address",
      chain: "tron",
      address: TRON,
    });
    expect(parseScreenInput(TRON).entries[0]?.error?.code).toBe("ERR_SCREEN_NO_CHAIN");
    // An explicit chain wins over the default.
    expect(
      parseScreenInput(`ethereum:${ETH}`, { defaultChain: "tron" }).entries[0]?.indicator,
    ).toMatchObject({
      chain: "ethereum",
    });
  });

  it("reports a misspelt chain, listing the chains, instead of screening something else", () => {
    const { error } = parseLine(`etherum:${ETH}`);
    expect(error?.code).toBe("ERR_INDICATOR_UNKNOWN_CHAIN");
    expect(error?.message).toBe(
      'Unknown chain "etherum"; the chains are bitcoin, ethereum, bsc, polygon, arbitrum, optimism, base, avalanche, tron, litecoin, solana.',
    );
  });

  it("reads chain;address and chain<TAB>address lines too", () => {
    expect(
      parseScreenInput(`tron;${TRON}\nethereum\t${ETH}`).entries.map((e) => e.indicator),
    ).toEqual([
      { type: "crypto_address", chain: "tron", address: TRON },
      { type: "crypto_address", chain: "ethereum", address: ETH },
    ]);
  });
});

describe("parseScreenInput, CSV", () => {
  it("reads columns by header name, in any order, with extra columns and quotes", () => {
    const csv = [
      "customer,Address,CHAIN,type,amount",
      `c1,${TRON},tron,,"1,250.00"`,
      `c2,"${ETH}",ethereum,crypto_address,3`,
      `c3,0x${"cd".repeat(32)},ethereum,tx_hash,0`,
      "c4,@example_channel,,telegram_channel,0",
      ",,,,",
    ].join("\n");
    const { entries, columns } = parseScreenInput(csv);
    expect(columns).toEqual(["customer", "Address", "CHAIN", "type", "amount"]);
    expect(entries.map((e) => [e.line, e.indicator])).toEqual([
      [2, { type: "crypto_address", chain: "tron", address: TRON }],
      [3, { type: "crypto_address", chain: "ethereum", address: ETH }],
      [4, { type: "tx_hash", chain: "ethereum", hash: `0x${"cd".repeat(32)}` }],
      [5, { type: "telegram_channel", value: "@example_channel" }],
    ]);
  });

  it("fills an empty chain cell from the default chain", () => {
    const { entries } = parseScreenInput(`chain,address\n,${TRON}\n`, { defaultChain: "tron" });
    expect(entries[0]?.indicator).toEqual({ type: "crypto_address", chain: "tron", address: TRON });
  });

  it.each([
    ["semicolons", ";"],
    ["tabs", "\t"],
  ])("detects a table separated by %s, with a BOM, CRLF and quoted line breaks", (_name, sep) => {
    const csv = `\uFEFFcustomer_id${sep}chain${sep}address${sep}amount\r\nC-1${sep}tron${sep}${TRON}${sep}"1,250.00"\r\n\r\nC-2${sep}"ethe\nreum"${sep}${ETH}${sep}3\r\nC-3${sep}ethereum${sep}${ETH}${sep}3,5\r\n`;
    const { entries, columns, delimiter } = parseScreenInput(csv);
    expect(delimiter).toBe(sep);
    expect(columns).toEqual(["customer_id", "chain", "address", "amount"]);
    expect(entries.map((e) => [e.line, e.cells?.[0], e.indicator?.chain ?? e.error?.code])).toEqual(
      [
        [2, "C-1", "tron"],
        [4, "C-2", "ERR_INDICATOR_UNKNOWN_CHAIN"],
        [6, "C-3", "ethereum"],
      ],
    );
    expect(entries[0]?.cells?.[3]).toBe("1,250.00");
  });

  it("takes a header naming only an address column as a header, with --chain", () => {
    const { entries, columns } = parseScreenInput(`address\n${TRON}\n`, { defaultChain: "tron" });
    expect(columns).toEqual(["address"]);
    expect(entries.map((e) => [e.line, e.indicator])).toEqual([
      [2, { type: "crypto_address", chain: "tron", address: TRON }],
    ]);
  });

  it("reads an empty file, or one of comments, as nothing to screen", () => {
    expect(parseScreenInput("").entries).toEqual([]);
    expect(parseScreenInput("\uFEFF# nothing today\r\n\r\n").entries).toEqual([]);
    expect(parseScreenInput("customer_id,chain,address\n").entries).toEqual([]);
  });

  it("keeps every address of a generated list, in order (property)", () => {
    const hex = fc.stringMatching(/^[0-9a-f]{40}$/);
    fc.assert(
      fc.property(
        fc.array(hex, { minLength: 1, maxLength: 50 }),
        fc.boolean(),
        (addresses, asCsv) => {
          const text = asCsv
            ? `chain,address\n${addresses.map((a) => `ethereum,0x${a}`).join("\n")}`
            : addresses.map((a) => `ethereum:0x${a}`).join("\n");
          const { entries } = parseScreenInput(text);
          expect(entries.map((e) => e.indicator?.address)).toEqual(addresses.map((a) => `0x${a}`));
        },
      ),
    );
  });
});

describe("screen results and exit codes", () => {
  const row = (status: ScreenRow["status"]): ScreenRow => ({
    line: 1,
    input: "x",
    normalised: null,
    status,
    match_count: status === "hit" ? 1 : 0,
    matches: [],
  });

  it("exits 0 when clean, 1 on any hit (even beside invalid lines), 2 on invalid lines alone", () => {
    expect(screenExitCode([row("clean"), row("clean")])).toBe(0);
    expect(screenExitCode([row("clean"), row("hit")])).toBe(1);
    expect(screenExitCode([row("invalid"), row("hit")])).toBe(1);
    expect(screenExitCode([row("clean"), row("invalid")])).toBe(2);
  });

  it("puts results back beside their lines, unreadable lines included", () => {
    const { entries } = parseScreenInput(`tron:${TRON}\nnope\nethereum:${ETH}`);
    const rows = toRows(entries, [
      { input: {}, normalised: `tron:${TRON}`, match_count: 2, matches: [] },
      { input: {}, normalised: `ethereum:${ETH}`, match_count: 0, matches: [] },
    ]);
    expect(rows.map((r) => [r.line, r.status])).toEqual([
      [1, "hit"],
      [2, "invalid"],
      [3, "clean"],
    ]);
  });
});
