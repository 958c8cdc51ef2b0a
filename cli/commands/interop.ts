/**
 * `cordon export`: the feed, or one bulletin, as STIX 2.1 (one bundle), MISP (a feed
 * folder or one JSON document) or CSV, to a file or standard output. It walks
 * `GET /v1/bulletins` page by page and writes as it reads (STIX and CSV), so a large
 * feed never sits in memory. TLP:RED is never exported (DESIGN §11).
 */

import { once } from "node:events";
import { createWriteStream, existsSync, statSync } from "node:fs";
import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import { DEFAULT_HUB_NAME } from "../../shared/interop/stix/extensions.js";
import type { CommandContext, Runner } from "../context.js";
import {
  CsvWriter,
  type ExportWriter,
  MispFolderWriter,
  MispJsonWriter,
  type Sink,
  StixBundleWriter,
} from "../feed-export.js";
import { HistoryTracker, historyFromChanges, historyFromView } from "../feed-history.js";
import type { CliIo } from "../io.js";
import type { CordonClient } from "../sdk/client.js";
import { InputError } from "../sdk/errors.js";
import type { Change, FeedItem } from "../sdk/types.js";

const FORMATS = ["stix", "misp", "csv"] as const;
type Format = (typeof FORMATS)[number];

function format(value: string): Format {
  if (!(FORMATS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`must be one of ${FORMATS.join(", ")}.`);
  }
  return value as Format;
}

interface ExportOptions {
  format: Format;
  bulletin?: string;
  output?: string;
  hubName: string;
}

export function registerInteropCommands(program: Command, ctx: CommandContext, run: Runner): void {
  program
    .command("export")
    .summary("export the feed or one bulletin as STIX 2.1, MISP or CSV")
    .description(
      "Export every bulletin you may see (the change feed, from the start) or one bulletin, " +
        "as STIX 2.1 (one bundle; each change a new version of the bulletin's objects), MISP " +
        "(a feed folder — <uuid>.json, manifest.json, hashes.csv — when --output is a folder, " +
        "else one JSON document) or CSV (one row per indicator). TLP:RED is never exported.",
    )
    .requiredOption("--format <format>", "stix, misp or csv", format)
    .option("--bulletin <id>", "only this bulletin")
    .option("--output <path>", "a file (a folder for a MISP feed; end it with /); default stdout")
    .option("--hub-name <name>", "the hub's STIX identity name", DEFAULT_HUB_NAME)
    .action(
      run(async (options: ExportOptions) => {
        const client = await ctx.client();
        const folder =
          options.format === "misp" &&
          options.output !== undefined &&
          (options.output.endsWith("/") ||
            (existsSync(ctx.path(options.output)) &&
              statSync(ctx.path(options.output)).isDirectory()));
        const sink =
          folder || options.output === undefined
            ? stdoutSink(ctx.io)
            : fileSink(ctx.path(options.output));
        const writer = writerFor(
          options,
          sink,
          folder ? ctx.path(options.output ?? ".") : undefined,
        );
        let skipped = 0;
        try {
          const names = await issuerNames(client);
          if (options.bulletin !== undefined) {
            const view = await client.getBulletin(options.bulletin);
            if (view.bulletin.tlp === "red") {
              throw new InputError(
                "TLP:RED bulletins are never exported; read them with cordon get.",
              );
            }
            const changes = await bulletinChanges(client, view.id);
            const name = names(view.issuer, view as FeedItem);
            const history =
              changes === undefined
                ? historyFromView(view, name)
                : historyFromChanges(view, name, changes);
            await writer.add({ history, step: "all", first: true });
          } else {
            const tracker = new HistoryTracker(names);
            for await (const page of client.feedPages({ limit: 100, signal: ctx.io.signal })) {
              for (const item of page.items as FeedItem[]) {
                const tracked = tracker.track(item);
                if (tracked === undefined) skipped += 1;
                else await writer.add(tracked);
              }
            }
          }
          const written = await writer.finish();
          ctx.print.note(
            `Exported ${written} bulletin${written === 1 ? "" : "s"} as ${options.format}` +
              (folder ? ` to ${options.output}` : "") +
              (skipped > 0
                ? ` (${skipped} TLP:RED notice${skipped === 1 ? "" : "s"} or partial histories skipped)`
                : "") +
              ".",
          );
        } finally {
          await sink.close();
        }
        return undefined;
      }),
    );
}

function writerFor(options: ExportOptions, sink: Sink, folder: string | undefined): ExportWriter {
  switch (options.format) {
    case "stix":
      return new StixBundleWriter(sink, options.hubName);
    case "csv":
      return new CsvWriter(sink);
    case "misp":
      return folder === undefined
        ? new MispJsonWriter(sink, options.bulletin !== undefined)
        : new MispFolderWriter(folder);
  }
}

/**
 * Publishers' display names. The feed carries only organisation ids (DESIGN §9); the
 * hub may add `issuer_name` to items, and the caller's own name is known from
 * `GET /v1/me`. Anything else is named by its id.
 */
async function issuerNames(
  client: CordonClient,
): Promise<(issuer: string, item: { issuer_name?: string }) => string> {
  const me = await client.me().catch(() => undefined);
  return (issuer, item) =>
    item.issuer_name ?? (me !== undefined && me.id === issuer ? me.name : issuer);
}

/**
 * A bulletin's changes from `GET /v1/bulletins/{id}/proof` (DESIGN §14), when the hub
 * serves it; undefined when it does not (then the history is made from the bulletin).
 */
async function bulletinChanges(client: CordonClient, id: string): Promise<Change[] | undefined> {
  const response = await client.transport.raw(
    "GET",
    `/v1/bulletins/${encodeURIComponent(id)}/proof`,
  );
  if (response.status !== 200) return undefined;
  const changes = (response.body as { changes?: unknown }).changes;
  return Array.isArray(changes) ? (changes as Change[]) : undefined;
}

function stdoutSink(io: CliIo): Sink {
  return {
    write: async (text) => {
      io.stdout.write(text);
    },
    close: async () => {},
  };
}

/** A file written in order, waiting for the stream to drain when its buffer is full. */
function fileSink(path: string): Sink {
  const stream = createWriteStream(path, { encoding: "utf8" });
  const failed = once(stream, "error").then(([error]) => {
    throw new InputError(`Cannot write ${path}: ${(error as Error).message}`);
  });
  failed.catch(() => {});
  return {
    write: async (text) => {
      if (!stream.write(text)) await Promise.race([once(stream, "drain"), failed]);
    },
    close: async () => {
      stream.end();
      await Promise.race([once(stream, "finish"), failed]);
    },
  };
}
