/**
 * Screening and sightings: `screen FILE|-` checks a list of deposit addresses (or any
 * indicators) against every bulletin you may see, with an exit code scripts can act
 * on; `sighting` tells a bulletin's publisher you saw one of its indicators;
 * `sightings ID` lists the sightings of one of your bulletins.
 */
import { type Command, Option } from "commander";
import { checkIndicator } from "../../shared/indicators/indicator.js";
import { CHAINS } from "../../shared/indicators/types.js";
import type { CommandContext, Runner } from "../context.js";
import { EXIT_ERROR, EXIT_FINDING, EXIT_OK, type ExitCode } from "../exit-codes.js";
import type { Printer } from "../io.js";
import { parseLine, parseScreenInput, type ScreenInput } from "../screen-input.js";
import { type ScreenRow, screenCsvLines, toRows } from "../screen-results.js";

export { type ScreenRow, toRows };

import { InputError } from "../sdk/errors.js";
import type { ScreenResult } from "../sdk/types.js";
import { openLocalScreener } from "./mirror.js";
import { integer } from "./options.js";

/** A progress bar is drawn only for inputs this large, and only on a terminal. */
const PROGRESS_THRESHOLD = 1000;

export function registerScreeningCommands(
  program: Command,
  ctx: CommandContext,
  run: Runner,
): void {
  program
    .command("screen")
    .summary("screen addresses against the bulletins you may see")
    .argument("<file>", "addresses to screen, one per line or CSV (- for standard input)")
    .description(
      "Screen addresses (or other indicators) against every bulletin you may see, in " +
        "batches of up to 1,000. Prints the hits (and lines that could not be read); " +
        "--output csv or json prints every line, for scripts.",
    )
    .addOption(new Option("--chain <chain>", "chain of bare addresses").choices([...CHAINS]))
    .addOption(
      new Option("--output <format>", "table (hits and invalid lines), json or csv (every line)")
        .choices(["table", "json", "csv"])
        .default("table"),
    )
    .option("--all", "table output: list clean lines too")
    .option("--batch-size <n>", "indicators per request (1-1000)", integer(1, 1000), 1000)
    .option("--fail-if-empty", "exit 2 when the input holds nothing to screen (default: 0)")
    .option(
      "--local",
      "screen against your mirror (cordon mirror sync): nothing is sent to the hub",
    )
    .option("--mirror <path>", "with --local: the mirror file (default: your profile's)")
    .addHelpText(
      "after",
      "\nInput, one per line:\n" +
        "  tron:TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t      chain:address\n" +
        "  ethereum,0x52908400098527886e0f7030069857d2e4169ee7   chain,address\n" +
        "  ethereum:tx:0x…    telegram:channel_name    x:@handle\n" +
        "  TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t          a bare address, with --chain tron\n" +
        "  # lines starting with # and blank lines are skipped\n" +
        "Or a table (comma, semicolon or tab separated) whose header names an `address`\n" +
        "  column, and optionally `chain` (else --chain) and `type` (crypto_address, tx_hash,\n" +
        "  telegram_channel); --output csv writes every input column back, results added.\n" +
        "An empty input screens nothing and exits 0 (--fail-if-empty: 2).\n" +
        "\nExit codes: 0 no hits; 1 at least one hit; 2 error. Unreadable or invalid lines\n" +
        "  are listed and give 2 only when nothing hit: a hit is never hidden by a typo.\n" +
        "\nExamples:\n  cordon screen deposits.txt\n  cut -d, -f3 export.csv | cordon screen --chain ethereum -\n" +
        "  cordon screen deposits.csv --output csv > screened.csv || echo 'review the hits'",
    )
    .action(
      run(
        async (
          file: string,
          options: {
            chain?: string;
            output: "table" | "json" | "csv";
            all?: boolean;
            batchSize: number;
            failIfEmpty?: boolean;
            local?: boolean;
            mirror?: string;
          },
        ) => {
          const text = (await ctx.readInput(file)).toString("utf8");
          const input = parseScreenInput(text, {
            ...(options.chain === undefined ? {} : { defaultChain: options.chain }),
          });
          const { entries } = input;
          if (entries.length === 0 && options.failIfEmpty === true) {
            throw new InputError(`${file} holds nothing to screen.`);
          }
          const readable = entries.filter((entry) => entry.indicator !== undefined);
          // The mirror is opened (and says how fresh it is) even for a file with nothing to
          // screen; the hub is asked only when there is something to screen.
          const local =
            options.local === true ? await openLocalScreener(ctx, options.mirror) : undefined;
          let results: ScreenResult[] = [];
          try {
            if (readable.length > 0) {
              const screener = local ?? (await ctx.client());
              const progress = progressBar(ctx, readable.length);
              try {
                results = await screener.screen(
                  readable.map((entry) => entry.indicator ?? {}),
                  {
                    batchSize: options.batchSize,
                    onProgress: progress.update,
                    signal: ctx.io.signal,
                  },
                );
              } finally {
                progress.done();
              }
            }
          } finally {
            local?.close();
          }
          const rows = toRows(entries, results);
          writeScreenOutput(
            ctx.print,
            rows,
            ctx.json ? "json" : options.output,
            options.all === true,
            input,
          );
          return screenExitCode(rows);
        },
      ),
    );

  program
    .command("sighting")
    .summary("report a sighting to a bulletin's publisher")
    .description(
      'Report a sighting to a bulletin\'s publisher: "we saw this" (e.g. a deposit from a\n' +
        "flagged address). The publisher sees a stable pseudonym (anon-…) unless --disclose.",
    )
    .requiredOption("--bulletin <id>", "the bulletin")
    .requiredOption(
      "--indicator <indicator>",
      "what you saw, as in screening input: tron:T…, ethereum:tx:0x…, telegram:name",
    )
    .addOption(
      new Option("--chain <chain>", "the chain of a bare address in --indicator").choices([
        ...CHAINS,
      ]),
    )
    .option("--note <text>", "a short note for the publisher (at most 1 KiB)")
    .option("--disclose", "tell the publisher who you are")
    .action(
      run(
        async (options: {
          bulletin: string;
          indicator: string;
          chain?: string;
          note?: string;
          disclose?: boolean;
        }) => {
          const parsed = parseLine(
            options.indicator,
            options.chain === undefined ? {} : { defaultChain: options.chain },
          );
          const checked =
            parsed.indicator === undefined ? undefined : checkIndicator(parsed.indicator);
          if (checked === undefined || !checked.ok) {
            const reason = checked?.ok === false ? checked.error.message : parsed.error?.message;
            throw new InputError(`--indicator ${options.indicator}: ${reason ?? "cannot read it"}`);
          }
          const sighting = await (await ctx.client()).reportSighting({
            bulletin_id: options.bulletin,
            indicator: checked.indicator,
            ...(options.note === undefined ? {} : { note: options.note }),
            ...(options.disclose === undefined ? {} : { disclose: options.disclose }),
          });
          if (ctx.json) ctx.print.json(sighting);
          else {
            ctx.print.line(
              `Reported sighting ${sighting.id} of ${sighting.indicator} on ${sighting.bulletin_id}.`,
            );
            ctx.print.line(
              options.disclose === true
                ? `The publisher sees it as from ${sighting.reporter}.`
                : `The publisher sees it as from ${sighting.reporter} (a pseudonym: you are not named).`,
            );
          }
          return undefined;
        },
      ),
    );

  program
    .command("sightings")
    .summary("list sightings of one of your bulletins")
    .argument("<bulletin>", "one of your bulletins")
    .description("List the sightings others reported of one of your bulletins, newest first.")
    .option("--cursor <cursor>", "the next page, from an earlier run")
    .option("--limit <n>", "at most this many (1-100)", integer(1, 100))
    .action(
      run(async (bulletin: string, options: { cursor?: string; limit?: number }) => {
        const page = await (await ctx.client()).listSightings(bulletin, options);
        if (ctx.json) ctx.print.json(page);
        else {
          ctx.print.table(
            ["REPORTED", "REPORTER", "INDICATOR", "NOTE"],
            page.items.map((s) => [s.reported_at, s.reporter, s.indicator, s.note ?? ""]),
          );
          if (page.has_more) ctx.print.note(`More: --cursor ${page.next_cursor}`);
        }
        return undefined;
      }),
    );
}

/** 1 when anything hit (a hit is never hidden behind a typo elsewhere), else 2 for invalid lines. */
export function screenExitCode(rows: readonly ScreenRow[]): ExitCode {
  if (rows.some((row) => row.status === "hit")) return EXIT_FINDING;
  if (rows.some((row) => row.status === "invalid")) return EXIT_ERROR;
  return EXIT_OK;
}

export function writeScreenOutput(
  print: Printer,
  rows: readonly ScreenRow[],
  format: "table" | "json" | "csv",
  all: boolean,
  input: Pick<ScreenInput, "columns" | "delimiter"> = { delimiter: "," },
): void {
  const hits = rows.filter((row) => row.status === "hit").length;
  const invalid = rows.filter((row) => row.status === "invalid").length;
  const summary = `Screened ${rows.length}: ${hits} hit${hits === 1 ? "" : "s"}, ${invalid} invalid, ${rows.length - hits - invalid} clean.`;
  if (format === "json") {
    print.json({ summary: { screened: rows.length, hits, invalid }, results: rows });
    return;
  }
  if (format === "csv") {
    writeCsv(print, rows, input);
    print.note(summary);
    return;
  }
  const c = print.out;
  const shown = rows.filter((row) => all || row.status !== "clean");
  if (shown.length > 0) {
    print.table(
      ["LINE", "INPUT", "RESULT", "BULLETINS"],
      shown.map((row) => [
        String(row.line),
        row.input,
        row.status === "hit"
          ? c.red(`HIT (${row.match_count})`)
          : row.status === "invalid"
            ? c.yellow("invalid")
            : c.green("clean"),
        row.status === "invalid"
          ? (row.error?.message ?? "")
          : row.matches
              .map(
                (m) =>
                  `${m.id} ${m.category} TLP:${m.tlp.toUpperCase()} ${m.issuer} ${m.confidence}%`,
              )
              .join("; "),
      ]),
    );
  }
  print.line(hits > 0 ? c.red(summary) : summary);
}

function writeCsv(
  print: Printer,
  rows: readonly ScreenRow[],
  input: Pick<ScreenInput, "columns" | "delimiter">,
): void {
  for (const line of screenCsvLines(rows, input)) print.line(line);
}

/** `[#######-------]  3,000/10,000` on stderr, redrawn in place; only on a terminal. */
function progressBar(
  ctx: CommandContext,
  total: number,
): { update: (done: number, total: number) => void; done: () => void } {
  const stderr = ctx.io.stderr;
  if (stderr.isTTY !== true || total < PROGRESS_THRESHOLD) {
    return { update: () => {}, done: () => {} };
  }
  const width = 30;
  let drawn = false;
  return {
    update: (done, all) => {
      const filled = Math.round((done / Math.max(all, 1)) * width);
      stderr.write(
        `\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done.toLocaleString("en")}/${all.toLocaleString("en")} screened`,
      );
      drawn = true;
    },
    done: () => {
      if (drawn) stderr.write("\n");
    },
  };
}
