/**
 * Reading a list of things to screen, as compliance teams have them: one per line
 * (`tron:T…`, `tron,T…`, `ethereum:tx:0x…`, `telegram:name`, or a bare address with a
 * default chain), or a table exported from a spreadsheet or a database — comma,
 * semicolon or tab separated (detected), with a header row naming an `address` column
 * (and optionally `chain`, `type`, `hash`, `value`, `platform`), a BOM or not, CRLF or
 * LF. Tables are read with csv-parse. Each entry becomes an indicator object in the
 * bulletin shapes; lines that cannot be read are kept, with their error, so results
 * stay in file order; a table's own cells are kept so results can be written beside them.
 */
import { parse } from "csv-parse/sync";
import { isChain } from "../shared/indicators/chains.js";
import { CHAINS } from "../shared/indicators/types.js";

export interface ScreenEntry {
  /** 1-based line in the input where the entry starts. */
  line: number;
  /** The entry as written (a table row: what it screens, as chain:address), for display. */
  text: string;
  /** A table row's cells, in the order of {@link ScreenInput.columns}. */
  cells?: string[];
  /** The indicator to screen, when the line could be read. */
  indicator?: Record<string, string>;
  /** Why the line could not be read. */
  error?: { code: string; message: string };
}

/** What a file holds: its entries and, for a table, its header and separator. */
export interface ScreenInput {
  entries: ScreenEntry[];
  /** The header of a table (undefined for one-per-line input). */
  columns?: string[];
  /** The table's separator, used again when results are written beside its rows. */
  delimiter: Delimiter;
}

export type Delimiter = "," | ";" | "\t";

export interface ScreenInputOptions {
  /** The chain of bare addresses (lines without `chain:`, rows with no chain cell). */
  defaultChain?: string;
}

/** Channel platforms a line may name as `platform:value` (anything else is a typo). */
const CHANNEL_PLATFORMS = new Set(["x", "discord", "email", "website"]);
const TELEGRAM_URL = /^(?:https?:\/\/)?(?:www\.)?(?:t\.me|telegram\.me)\//i;
const DELIMITERS: readonly Delimiter[] = [",", ";", "\t"];
/** A header names at least one of these: the column holding what to screen. */
const VALUE_COLUMNS = ["address", "hash", "value"];

/** Parses a whole input file: a table when its first row is a header, else one per line. */
export function parseScreenInput(text: string, options: ScreenInputOptions = {}): ScreenInput {
  const source = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).replace(/\r\n?/g, "\n");
  const firstLine = source.split("\n").find((line) => !isBlankOrComment(line)) ?? "";
  const delimiter = delimiterOf(firstLine);
  const header = splitHeader(firstLine, delimiter);
  if (header.some((cell) => VALUE_COLUMNS.includes(cell))) {
    return tableEntries(source, delimiter, options);
  }
  return { entries: lineEntries(source, options), delimiter };
}

/** The separator the first row uses most (outside quotes); a comma when it uses none. */
function delimiterOf(line: string): Delimiter {
  const unquoted = line.replace(/"[^"]*"/g, "");
  let best: Delimiter = ",";
  let bestCount = 0;
  for (const delimiter of DELIMITERS) {
    const count = unquoted.split(delimiter).length - 1;
    if (count > bestCount) {
      best = delimiter;
      bestCount = count;
    }
  }
  return best;
}

function splitHeader(line: string, delimiter: Delimiter): string[] {
  return line.split(delimiter).map((cell) => asciiLower(cell.replace(/"/g, "").trim()));
}

/** Line mode: one entry per line; `#` starts a comment line. */
function lineEntries(text: string, options: ScreenInputOptions): ScreenEntry[] {
  const entries: ScreenEntry[] = [];
  text.split("\n").forEach((raw, index) => {
    const trimmed = raw.trim();
    if (isBlankOrComment(trimmed)) return;
    entries.push({ line: index + 1, text: trimmed, ...parseLine(trimmed, options) });
  });
  return entries;
}

/** One line of line mode into an indicator, or why not. */
export function parseLine(
  text: string,
  options: ScreenInputOptions = {},
): Pick<ScreenEntry, "indicator" | "error"> {
  for (const separator of DELIMITERS) {
    const parts = text.split(separator).map((part) => part.trim());
    if (parts.length === 2 && isChain(asciiLower(parts[0] ?? ""))) {
      return { indicator: address(asciiLower(parts[0] ?? ""), parts[1] ?? "") };
    }
  }
  if (TELEGRAM_URL.test(text)) return { indicator: { type: "telegram_channel", value: text } };
  const colon = text.indexOf(":");
  if (colon > 0) {
    const prefix = asciiLower(text.slice(0, colon).trim());
    const rest = text.slice(colon + 1).trim();
    if (isChain(prefix)) {
      const tx = /^tx:(.+)$/i.exec(rest);
      return tx === null
        ? { indicator: address(prefix, rest) }
        : { indicator: { type: "tx_hash", chain: prefix, hash: (tx[1] ?? "").trim() } };
    }
    if (prefix === "telegram") return { indicator: { type: "telegram_channel", value: rest } };
    if (CHANNEL_PLATFORMS.has(prefix)) {
      return { indicator: { type: "channel", platform: prefix, value: rest } };
    }
    // A URL or a scheme-like prefix that is no chain: most likely a typo in the chain.
    if (/^[a-z][a-z0-9_-]*$/.test(prefix)) return unknownChain(prefix);
  }
  if (options.defaultChain !== undefined) return { indicator: address(options.defaultChain, text) };
  return unreadable(
    "ERR_SCREEN_NO_CHAIN",
    "No chain: write chain:address (e.g. tron:T…) or give --chain.",
  );
}

/** Table mode: columns by header name; `type` defaults to crypto_address. */
function tableEntries(
  source: string,
  delimiter: Delimiter,
  options: ScreenInputOptions,
): ScreenInput {
  const records = parse(source, {
    delimiter,
    info: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    comment: "#",
    comment_no_infix: true,
  }) as unknown as { record: string[]; info: { lines: number } }[];
  const [header, ...rows] = records;
  const columns = (header?.record ?? []).map((cell) => cell.trim());
  const names = columns.map((cell) => asciiLower(cell));
  const entries: ScreenEntry[] = [];
  for (const { record, info } of rows) {
    if (record.every((cell) => cell.trim() === "")) continue;
    const cell = (name: string) => {
      const index = names.indexOf(name);
      return index < 0 ? "" : (record[index] ?? "").trim();
    };
    // info.lines is where the record ends; a quoted cell may span lines.
    const line = info.lines - record.reduce((n, value) => n + value.split("\n").length - 1, 0);
    const chain = asciiLower(cell("chain")) || (options.defaultChain ?? "");
    const type = asciiLower(cell("type")) || "crypto_address";
    const value = cell("address");
    const entry: ScreenEntry = { line, text: "", cells: record };
    if (chain !== "" && !isChain(chain) && type !== "telegram_channel" && type !== "channel") {
      Object.assign(entry, unknownChain(chain));
      entry.text = `${chain}:${value || cell("hash")}`;
      entries.push(entry);
      continue;
    }
    switch (type) {
      case "crypto_address":
        entry.indicator = chain === "" ? { type, address: value } : address(chain, value);
        break;
      case "tx_hash":
        entry.indicator = { type, chain, hash: cell("hash") || value };
        break;
      case "telegram_channel":
        entry.indicator = { type, value: cell("value") || value };
        break;
      case "channel":
        entry.indicator = { type, platform: cell("platform"), value: cell("value") || value };
        break;
      default:
        entry.indicator = { type };
    }
    entry.text = lineForm(entry.indicator);
    entries.push(entry);
  }
  return { entries, columns, delimiter };
}

/** How the indicator is written in line mode (`tron:T…`), to show a table row by what it screens. */
function lineForm(indicator: Record<string, string>): string {
  switch (indicator.type) {
    case "crypto_address":
      return `${indicator.chain ?? ""}:${indicator.address ?? ""}`;
    case "tx_hash":
      return `${indicator.chain ?? ""}:tx:${indicator.hash ?? ""}`;
    case "telegram_channel":
      return `telegram:${indicator.value ?? ""}`;
    case "channel":
      return `${indicator.platform ?? ""}:${indicator.value ?? ""}`;
    default:
      return `(type ${indicator.type ?? ""})`;
  }
}

function address(chain: string, value: string): Record<string, string> {
  return { type: "crypto_address", chain, address: value };
}

function unreadable(code: string, message: string): Pick<ScreenEntry, "error"> {
  return { error: { code, message } };
}

function unknownChain(chain: string): Pick<ScreenEntry, "error"> {
  return unreadable(
    "ERR_INDICATOR_UNKNOWN_CHAIN",
    `Unknown chain "${chain}"; the chains are ${CHAINS.join(", ")}.`,
  );
}

function isBlankOrComment(line: string): boolean {
  const trimmed = line.trim();
  return trimmed === "" || trimmed.startsWith("#");
}

function asciiLower(text: string): string {
  return text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}
