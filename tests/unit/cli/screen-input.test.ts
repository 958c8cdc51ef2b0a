/** Reading screening input (lines and CSV) and turning results into rows and an exit code. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ScreenRow, screenExitCode, toRows } from "../../../cli/commands/screening.js";
import { parseCsv, parseLine, parseScreenInput } from "../../../cli/screen-input.js";
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
    const entries = parseScreenInput(text);
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
    const entries = parseScreenInput(
      `\uFEFF# deposits of 25 Nov\r\n\r\ntron:${TRON}\r\n  \r\n# end\r\nethereum:${ETH}\r\n`,
    );
    expect(entries.map((e) => [e.line, e.text])).toEqual([
      [3, `tron:${TRON}`],
      [6, `ethereum:${ETH}`],
    ]);
  });

  it("takes bare addresses on the default chain, and says so when there is none", () => {
    expect(parseScreenInput(TRON, { defaultChain: "tron" })[0]?.indicator).toEqual({
      type: "crypto_address",
      chain: "tron",
      address: TRON,
    });
    expect(parseScreenInput(TRON)[0]?.error?.code).toBe("ERR_SCREEN_NO_CHAIN");
    // An explicit chain wins over the default.
    expect(
      parseScreenInput(`ethereum:${ETH}`, { defaultChain: "tron" })[0]?.indicator,
    ).toMatchObject({
      chain: "ethereum",
    });
  });

  it("reports a misspelt chain instead of screening something else", () => {
    expect(parseLine(`etherum:${ETH}`).error?.code).toBe("ERR_INDICATOR_UNKNOWN_CHAIN");
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
    const entries = parseScreenInput(csv);
    expect(entries.map((e) => [e.line, e.indicator])).toEqual([
      [2, { type: "crypto_address", chain: "tron", address: TRON }],
      [3, { type: "crypto_address", chain: "ethereum", address: ETH }],
      [4, { type: "tx_hash", chain: "ethereum", hash: `0x${"cd".repeat(32)}` }],
      [5, { type: "telegram_channel", value: "@example_channel" }],
    ]);
  });

  it("fills an empty chain cell from the default chain", () => {
    const entries = parseScreenInput(`chain,address\n,${TRON}\n`, { defaultChain: "tron" });
    expect(entries[0]?.indicator).toEqual({ type: "crypto_address", chain: "tron", address: TRON });
  });

  it("parses RFC 4180 quoting, including line breaks inside quotes", () => {
    expect(parseCsv('a,"b ""q"", c","multi\nline"\nd,e,f')).toEqual([
      { line: 1, cells: ["a", 'b "q", c', "multi\nline"] },
      { line: 3, cells: ["d", "e", "f"] },
    ]);
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
          const entries = parseScreenInput(text);
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
    const entries = parseScreenInput(`tron:${TRON}\nnope\nethereum:${ETH}`);
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
