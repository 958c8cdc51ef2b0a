/**
 * Screening results as rows, one per input line in file order, and those rows as CSV:
 * what `cordon screen --output csv` prints and the console's "Download as CSV" saves,
 * written once for both (it runs in browsers: no `node:` imports).
 */
import type { Delimiter, ScreenEntry, ScreenInput } from "./screen-input.js";
import type { ScreenResult } from "./sdk/types.js";

export interface ScreenRow {
  line: number;
  input: string;
  /** A table row's own cells, written again in `--output csv`. */
  cells?: string[];
  normalised: string | null;
  status: "hit" | "clean" | "invalid";
  match_count: number;
  matches: ScreenResult["matches"];
  error?: { code: string; message: string };
}

/** One row per input line, in file order. */
export function toRows(
  entries: readonly ScreenEntry[],
  results: readonly ScreenResult[],
): ScreenRow[] {
  let next = 0;
  return entries.map((entry): ScreenRow => {
    const cells = entry.cells === undefined ? {} : { cells: entry.cells };
    if (entry.indicator === undefined) {
      return {
        line: entry.line,
        input: entry.text,
        ...cells,
        normalised: null,
        status: "invalid",
        match_count: 0,
        matches: [],
        error: entry.error ?? { code: "ERR_SCREEN_UNREADABLE", message: "cannot read this line" },
      };
    }
    const result = results[next];
    next += 1;
    if (result === undefined) throw new Error("fewer screening results than inputs");
    return {
      line: entry.line,
      input: entry.text,
      ...cells,
      normalised: result.normalised,
      status: result.error !== undefined ? "invalid" : result.match_count > 0 ? "hit" : "clean",
      match_count: result.match_count,
      matches: result.matches,
      ...(result.error === undefined ? {} : { error: result.error }),
    };
  });
}

/** The columns `--output csv` adds (after a table's own columns). */
const RESULT_COLUMNS = [
  "normalised",
  "status",
  "match_count",
  "bulletins",
  "categories",
  "error",
] as const;

/**
 * One CSV row per input line. A table's rows keep every one of its columns, in its
 * order and with its separator, with the results after them (a result column whose
 * name the table already uses is prefixed `cordon_`); line input gets `line` and
 * `input` in front.
 */
export function screenCsvLines(
  rows: readonly ScreenRow[],
  input: Pick<ScreenInput, "columns" | "delimiter">,
): string[] {
  const { columns, delimiter } = input;
  const taken = new Set((columns ?? []).map((name) => name.toLowerCase()));
  const results = RESULT_COLUMNS.map((name) => (taken.has(name) ? `cordon_${name}` : name));
  const header = columns === undefined ? ["line", "input", ...results] : [...columns, ...results];
  const lines: string[] = [];
  const line = (cells: readonly string[]) =>
    lines.push(cells.map((cell) => csvCell(cell, delimiter)).join(delimiter));
  line(header);
  for (const row of rows) {
    const own =
      columns === undefined
        ? [String(row.line), row.input]
        : columns.map((_, index) => row.cells?.[index] ?? "");
    line([
      ...own,
      row.normalised ?? "",
      row.status,
      String(row.match_count),
      row.matches.map((m) => m.id).join(" "),
      [...new Set(row.matches.map((m) => m.category))].join(" "),
      row.error?.message ?? "",
    ]);
  }
  return lines;
}

function csvCell(value: string, delimiter: Delimiter): string {
  return value.includes(delimiter) || /["\r\n]/.test(value)
    ? `"${value.replace(/"/g, '""')}"`
    : value;
}
