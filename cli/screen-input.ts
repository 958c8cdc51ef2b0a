/**
 * Reading a list of things to screen, as compliance teams have them: one per line
 * (`tron:T…`, `tron,T…`, `ethereum:tx:0x…`, `telegram:name`, or a bare address with a
 * default chain), or a CSV export with a header naming `chain` and `address` (and
 * optionally `type`). Each entry becomes an indicator object in the bulletin shapes;
 * lines that cannot be read are kept, with their error, so results stay in file order.
 */
import { isChain } from "../shared/indicators/chains.js";

export interface ScreenEntry {
  /** 1-based line in the input where the entry starts. */
  line: number;
  /** The entry as written, for display. */
  text: string;
  /** The indicator to screen, when the line could be read. */
  indicator?: Record<string, string>;
  /** Why the line could not be read. */
  error?: { code: string; message: string };
}

export interface ScreenInputOptions {
  /** The chain of bare addresses (lines without `chain:`, CSV rows with an empty chain). */
  defaultChain?: string;
}

/** Channel platforms a line may name as `platform:value` (anything else is a typo). */
const CHANNEL_PLATFORMS = new Set(["x", "discord", "email", "website"]);
const TELEGRAM_URL = /^(?:https?:\/\/)?(?:www\.)?(?:t\.me|telegram\.me)\//i;

/** Parses a whole input file: CSV when its first row is a header with chain and address. */
export function parseScreenInput(text: string, options: ScreenInputOptions = {}): ScreenEntry[] {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records = parseCsv(source);
  const first = records.find((record) => !isBlankOrComment(record.cells));
  if (first !== undefined && isHeader(first.cells)) {
    return csvEntries(
      records.filter((record) => record !== first),
      first.cells,
      options,
    );
  }
  return lineEntries(source, options);
}

/** Line mode: one entry per line; `#` starts a comment line. */
function lineEntries(text: string, options: ScreenInputOptions): ScreenEntry[] {
  const entries: ScreenEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed === "" || trimmed.startsWith("#")) return;
    entries.push({ line: index + 1, text: trimmed, ...parseLine(trimmed, options) });
  });
  return entries;
}

/** One line of line mode into an indicator, or why not. */
export function parseLine(
  text: string,
  options: ScreenInputOptions = {},
): Pick<ScreenEntry, "indicator" | "error"> {
  const commaParts = text.split(",").map((part) => part.trim());
  if (commaParts.length === 2 && isChain(asciiLower(commaParts[0] ?? ""))) {
    return { indicator: address(asciiLower(commaParts[0] ?? ""), commaParts[1] ?? "") };
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
    if (/^[a-z][a-z0-9_-]*$/.test(prefix)) {
      return unreadable(
        "ERR_INDICATOR_UNKNOWN_CHAIN",
        `Unknown chain "${prefix}" (write chain:address with a chain Cordon knows).`,
      );
    }
  }
  if (options.defaultChain !== undefined) return { indicator: address(options.defaultChain, text) };
  return unreadable(
    "ERR_SCREEN_NO_CHAIN",
    "No chain: write chain:address (e.g. tron:T…) or give --chain.",
  );
}

/** CSV mode: columns by header name; `type` defaults to crypto_address. */
function csvEntries(
  records: readonly CsvRecord[],
  header: readonly string[],
  options: ScreenInputOptions,
): ScreenEntry[] {
  const columns = header.map((cell) => asciiLower(cell.trim()));
  const entries: ScreenEntry[] = [];
  for (const record of records) {
    if (isBlankOrComment(record.cells)) continue;
    const cell = (name: string) => {
      const index = columns.indexOf(name);
      return index < 0 ? "" : (record.cells[index] ?? "").trim();
    };
    const chain = asciiLower(cell("chain")) || (options.defaultChain ?? "");
    const type = asciiLower(cell("type")) || "crypto_address";
    const value = cell("address");
    const entry: ScreenEntry = { line: record.line, text: "" };
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
  return entries;
}

/** How the indicator is written in line mode (`tron:T…`), to show a CSV row by what it screens. */
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

function isHeader(cells: readonly string[]): boolean {
  const names = cells.map((cell) => asciiLower(cell.trim()));
  return names.includes("chain") && names.includes("address");
}

function isBlankOrComment(cells: readonly string[]): boolean {
  const first = (cells[0] ?? "").trim();
  return cells.every((cell) => cell.trim() === "") || first.startsWith("#");
}

function asciiLower(text: string): string {
  return text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

export interface CsvRecord {
  /** 1-based line where the record starts. */
  line: number;
  cells: string[];
}

/** RFC 4180 CSV: quoted cells may hold commas, doubled quotes and line breaks. */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = "";
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted) {
      if (char === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i += 1;
        } else quoted = false;
      } else {
        if (char === "\n") line += 1;
        cell += char;
      }
      continue;
    }
    if (char === '"' && cell.trim() === "") {
      quoted = true;
      cell = "";
    } else if (char === ",") {
      cells.push(cell);
      cell = "";
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && text[i + 1] === "\n") i += 1;
      cells.push(cell);
      records.push({ line: recordLine, cells });
      cells = [];
      cell = "";
      line += 1;
      recordLine = line;
    } else cell += char;
  }
  if (cell !== "" || cells.length > 0) {
    cells.push(cell);
    records.push({ line: recordLine, cells });
  }
  return records;
}
