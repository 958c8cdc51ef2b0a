/**
 * Where the CLI reads and writes: the process's streams and environment in real use,
 * buffers in tests. Every command goes through a `CliIo`, so the whole program runs
 * in-process under test exactly as it does in a terminal.
 */
import { homedir } from "node:os";
import pc from "picocolors";

/** picocolors' formatters, on or off. */
export type Colors = ReturnType<typeof pc.createColors>;

export interface OutputStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  homedir: string;
  /** The HTTP client (tests may count or fake calls). */
  fetch: typeof fetch;
  /** Ends long-running commands (`listen`, `feed --follow`): Ctrl-C, or a test. */
  signal: AbortSignal;
}

/**
 * The real terminal. Ctrl-C ends long-running commands (`listen`, `feed --follow`)
 * cleanly through the signal; a command that does not stop within a second of it is
 * ended with exit code 130, as a shell would.
 */
export function processIo(): CliIo {
  const controller = new AbortController();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      controller.abort(new Error(signal === "SIGINT" ? "interrupted" : "terminated"));
      setTimeout(() => process.exit(130), 1000).unref();
    });
  }
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    homedir: homedir(),
    fetch: globalThis.fetch,
    signal: controller.signal,
  };
}

/**
 * Colours only on a terminal: never when the stream is a pipe or a file, never with
 * `NO_COLOR` set or `TERM=dumb`; `FORCE_COLOR` turns them on anywhere.
 */
export function colorsFor(stream: OutputStream, env: CliIo["env"]): Colors {
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0";
  const enabled = !env.NO_COLOR && (forced || (stream.isTTY === true && env.TERM !== "dumb"));
  return pc.createColors(enabled);
}

/** What commands print with: plain lines, and the colours fitting each stream. */
export class Printer {
  readonly out: Colors;
  readonly err: Colors;

  constructor(readonly io: CliIo) {
    this.out = colorsFor(io.stdout, io.env);
    this.err = colorsFor(io.stderr, io.env);
  }

  line(text = ""): void {
    this.io.stdout.write(`${text}\n`);
  }

  json(value: unknown): void {
    this.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** One JSON document per line (feeds, events): easy to pipe into `jq -c`. */
  jsonLine(value: unknown): void {
    this.io.stdout.write(`${JSON.stringify(value)}\n`);
  }

  /** Messages for the person at the terminal, kept out of stdout so pipes stay clean. */
  note(text: string): void {
    this.io.stderr.write(`${text}\n`);
  }

  warn(text: string): void {
    this.io.stderr.write(`${this.err.yellow("Warning:")} ${text}\n`);
  }

  /** `label: value` lines, labels aligned. */
  fields(rows: readonly (readonly [string, string])[]): void {
    const width = Math.max(0, ...rows.map(([label]) => label.length));
    for (const [label, value] of rows) {
      this.line(`${this.out.dim(`${label}:`.padEnd(width + 1))} ${value}`);
    }
  }

  /** A plain aligned table; columns never wrap, so it survives copying into a ticket. */
  table(headers: readonly string[], rows: readonly (readonly string[])[]): void {
    const widths = headers.map((header, column) =>
      Math.max(header.length, ...rows.map((row) => (row[column] ?? "").length)),
    );
    const render = (cells: readonly string[]) =>
      cells
        .map((cell, column) =>
          column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0),
        )
        .join("  ")
        .trimEnd();
    this.line(this.out.bold(render(headers)));
    for (const row of rows) this.line(render(row));
  }
}
