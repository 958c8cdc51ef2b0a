/** The benchmark's table (stdout) and rows (latest.json). */

export type Verdict = "pass" | "MISS" | "info";

export interface Row {
  stage: string;
  metric: string;
  unit: string;
  value: number;
  /** The same figure for the floor, measured in the same run. */
  floor?: number;
  /** value ÷ floor. */
  ratio?: number;
  target?: string;
  verdict: Verdict;
}

export interface RowInput {
  stage: string;
  metric: string;
  unit: string;
  value: number;
  floor?: number;
  target?: string;
  /** Whether the target holds; leave out for a figure without a target. */
  holds?: (value: number, ratio: number | undefined) => boolean;
}

export function row(input: RowInput): Row {
  const ratio =
    input.floor === undefined || !Number.isFinite(input.floor) || input.floor === 0
      ? undefined
      : input.value / input.floor;
  const verdict: Verdict =
    input.holds === undefined ? "info" : input.holds(input.value, ratio) ? "pass" : "MISS";
  return {
    stage: input.stage,
    metric: input.metric,
    unit: input.unit,
    value: input.value,
    ...(input.floor === undefined ? {} : { floor: input.floor }),
    ...(ratio === undefined ? {} : { ratio }),
    ...(input.target === undefined ? {} : { target: input.target }),
    verdict,
  };
}

function format(value: number | undefined, unit = ""): string {
  if (value === undefined) return "—";
  if (!Number.isFinite(value)) return String(value);
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)}${unit === "" ? "" : ` ${unit}`}`;
}

/** A plain-text table; the same rows, as Markdown, go into docs/performance.md. */
export function renderTable(rows: readonly Row[], markdown = false): string {
  const header = ["metric", "value", "floor", "ratio", "target", "verdict"];
  const cells = rows.map((r) => [
    `${r.stage}: ${r.metric}`,
    format(r.value, r.unit),
    format(r.floor, r.unit),
    r.ratio === undefined ? "—" : `${r.ratio.toFixed(2)}×`,
    r.target ?? "—",
    r.verdict,
  ]);
  if (markdown) {
    const line = (values: string[]) => `| ${values.join(" | ")} |`;
    return [line(header), line(header.map(() => "---")), ...cells.map(line)].join("\n");
  }
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? "").length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => (i === 0 ? v.padEnd(widths[i] ?? 0) : v.padStart(widths[i] ?? 0)))
      .join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...cells.map(line)].join("\n");
}
