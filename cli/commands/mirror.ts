/**
 * The mirror (DESIGN §17): `mirror sync [--follow]` keeps a local copy of what the
 * feed shows your organisation, verified, in a SQLite file; `mirror status` says how
 * fresh and large it is; `screen --local` (commands/screening.ts) screens against it,
 * so the addresses you screen never leave this machine. Each profile (or, without
 * one, each organisation) has its own file in the config folder; --mirror names another.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Command } from "commander";
import type { CommandContext, Runner } from "../context.js";
import { EXIT_FINDING, EXIT_OK } from "../exit-codes.js";
import { fetchHubJwks, type ScreenOptions } from "../sdk/client.js";
import { InputError } from "../sdk/errors.js";
import {
  type Mirror,
  type MirrorStatus,
  openMirror,
  type SyncReport,
} from "../sdk/mirror/index.js";
import type { ScreenInput, ScreenResult } from "../sdk/types.js";
import { startWebhookReceiver } from "../webhook-receiver.js";
import { collect, integer } from "./options.js";

const MIRROR_OPTION = [
  "--mirror <path>",
  "the mirror file (default: one per profile, in the config folder)",
] as const;

export function registerMirrorCommands(program: Command, ctx: CommandContext, run: Runner): void {
  const mirror = program
    .command("mirror")
    .summary("keep a verified local mirror of the feed, to screen privately")
    .description(
      "Keep a verified local mirror of what the feed shows your organisation, so that " +
        "`cordon screen --local` screens on this machine: the hub learns that you read the " +
        "feed, never which addresses you screen. Every bulletin's signature and the hub's " +
        "receipt are checked before it counts; one that does not verify is kept aside.",
    );

  mirror
    .command("sync")
    .description(
      "Catch up with the feed: fetch every change since the last sync, verify it and apply " +
        "it (TLP:RED content is read by direct GET). --follow keeps catching up until Ctrl-C: " +
        "every --interval seconds, and at once on each webhook when --listen receives them.",
    )
    .option(...MIRROR_OPTION)
    .option("--follow", "keep catching up until Ctrl-C")
    .option(
      "--interval <seconds>",
      "with --follow: seconds between catch-ups",
      integer(1, 86_400),
      30,
    )
    .option(
      "--listen <port>",
      "with --follow: receive webhooks on 127.0.0.1:PORT and catch up on each (0: any free port)",
      integer(0, 65_535),
    )
    .option(
      "--secret <whsec>",
      "with --listen: also check v1 with this subscription secret",
      collect,
    )
    .option("--page-size <n>", "feed items per request (1-100)", integer(1, 100), 100)
    .addHelpText(
      "after",
      "\nExit codes: 0 synced; 1 synced, but some changes did not verify and were kept aside\n" +
        "  (see `cordon mirror status`); 2 error (the mirror is left as the last full page left it).\n" +
        "\nExamples:\n  cordon mirror sync\n  cordon mirror sync --follow --listen 9000 &\n" +
        "  cordon subscribe http://127.0.0.1:9000/ --events bulletin.published,bulletin.revoked",
    )
    .action(
      run(
        async (options: {
          mirror?: string;
          follow?: boolean;
          interval: number;
          listen?: number;
          secret?: string[];
          pageSize: number;
        }) => {
          if (options.listen !== undefined && options.follow !== true) {
            throw new InputError("--listen receives webhooks while following: add --follow.");
          }
          const path = await mirrorPath(ctx, options.mirror);
          const quiet = ctx.json || options.follow === true;
          const opened = openMirror({
            path,
            client: await ctx.client(),
            pageLimit: options.pageSize,
            onPage: (page) => {
              if (!quiet && page.has_more) {
                ctx.print.note(`… up to change #${page.last_seq ?? "-"}`);
              }
            },
          });
          try {
            if (options.follow === true) {
              await follow(ctx, opened, options);
              return EXIT_OK;
            }
            const report = await opened.sync();
            const status = opened.status();
            if (ctx.json) ctx.print.json({ report, status });
            else printSync(ctx, report, status);
            return report.set_aside > 0 ? EXIT_FINDING : EXIT_OK;
          } finally {
            opened.close();
          }
        },
      ),
    );

  mirror
    .command("status")
    .description(
      "Show how fresh the mirror is (last change, when it last caught up) and what it holds.",
    )
    .option(...MIRROR_OPTION)
    .action(
      run(async (options: { mirror?: string }) => {
        const opened = await openLocal(ctx, options.mirror);
        try {
          const status = opened.status();
          const setAside = opened.setAside();
          if (ctx.json) ctx.print.json({ ...status, set_aside: setAside });
          else {
            printStatus(ctx, status);
            if (setAside.length > 0) {
              ctx.print.line();
              ctx.print.table(
                ["CHANGE", "KIND", "BULLETIN", "ISSUER", "WHY IT WAS KEPT ASIDE"],
                setAside.map((c) => [
                  `#${c.seq}`,
                  c.kind,
                  c.bulletin_id,
                  c.issuer,
                  `${c.code}: ${c.message}`,
                ]),
              );
            }
          }
          return undefined;
        } finally {
          opened.close();
        }
      }),
    );
}

/** What `screen --local` screens with: the mirror, through the client's own batching. */
export interface LocalScreener {
  screen(inputs: readonly ScreenInput[], options: ScreenOptions): Promise<ScreenResult[]>;
  close(): void;
}

/** Opens the mirror for `screen --local`, and tells the person how fresh it is. */
export async function openLocalScreener(
  ctx: CommandContext,
  given?: string,
): Promise<LocalScreener> {
  const opened = await openLocal(ctx, given);
  const status = opened.status();
  if (status.caught_up_at === null) {
    ctx.print.warn(
      `the mirror ${status.path} has never caught up with the feed: run cordon mirror sync.`,
    );
  } else {
    ctx.print.note(
      `Screening locally (${status.path}): up to change #${status.last_change?.seq ?? "-"}, caught up ${ago(status.lag_ms)}.`,
    );
  }
  return {
    screen: (inputs, options) => opened.screenAll(inputs, options),
    close: () => opened.close(),
  };
}

/** The mirror file: --mirror, else the profile's (or organisation's) in the config folder. */
export async function mirrorPath(ctx: CommandContext, given?: string): Promise<string> {
  if (given !== undefined) return ctx.path(given);
  const config = await ctx.config();
  const name = config.profile ?? config.orgId;
  if (name === undefined) {
    throw new InputError(
      "Which mirror? Give --mirror PATH, or --org / a profile (each has its own mirror file).",
    );
  }
  return join(
    dirname(config.profilePath),
    "mirrors",
    `${name.replace(/[^A-Za-z0-9._-]/g, "_")}.sqlite`,
  );
}

/** A mirror for reading (status, screening): no key needed, the organisation checked if known. */
async function openLocal(ctx: CommandContext, given?: string): Promise<Mirror> {
  const path = await mirrorPath(ctx, given);
  if (!existsSync(path)) {
    throw new InputError(`There is no mirror at ${path} yet: make it with \`cordon mirror sync\`.`);
  }
  const org = (await ctx.config()).orgId;
  return openMirror({ path, ...(org === undefined ? {} : { expect: { org } }) });
}

async function follow(
  ctx: CommandContext,
  mirror: Mirror,
  options: { interval: number; listen?: number; secret?: string[] },
): Promise<void> {
  const hubUrl = (await ctx.config()).hubUrl;
  const loadJwks = () => fetchHubJwks(hubUrl, ctx.io.fetch);
  const receiver =
    options.listen === undefined
      ? undefined
      : await startWebhookReceiver({
          port: options.listen,
          jwks: await loadJwks(),
          refreshJwks: loadJwks,
          ...(options.secret === undefined ? {} : { secret: options.secret }),
          onWebhook: (webhook) => {
            if (!webhook.verified || webhook.duplicate) return;
            // The feed is the source of truth: an event only says it is time to read it.
            mirror.apply(webhook.event)?.catch(() => undefined);
          },
        });
  ctx.print.note(
    `Following the feed into ${mirror.store.path}: every ${options.interval} s` +
      (receiver === undefined
        ? "."
        : `, and on each webhook to ${receiver.url}/ (subscribe it: cordon subscribe ${receiver.url}/ --events bulletin.published,bulletin.revoked).`) +
      " Ctrl-C to stop.",
  );
  try {
    await mirror.follow({
      signal: ctx.io.signal,
      pollIntervalMs: options.interval * 1000,
      onSync: (report) => {
        if (ctx.json) ctx.print.jsonLine({ at: new Date().toISOString(), ...report });
        else if (report.applied + report.set_aside > 0) {
          ctx.print.line(
            `${new Date().toISOString()}  +${report.applied} change${report.applied === 1 ? "" : "s"}` +
              `${report.set_aside > 0 ? `, ${report.set_aside} kept aside` : ""}, up to #${report.last_seq ?? "-"}`,
          );
        }
      },
      onError: (error) => ctx.print.warn(`catching up failed, trying again soon: ${String(error)}`),
    });
  } finally {
    await receiver?.stop();
  }
}

function printSync(ctx: CommandContext, report: SyncReport, status: MirrorStatus): void {
  ctx.print.line(
    `Synced ${report.applied + report.set_aside} change${report.applied + report.set_aside === 1 ? "" : "s"} ` +
      `in ${report.pages} page${report.pages === 1 ? "" : "s"}: the mirror holds ${status.bulletins} bulletins ` +
      `(${status.active_bulletins} active) naming ${status.indicators} indicators, up to change #${status.last_change?.seq ?? "-"}.`,
  );
  if (report.set_aside > 0) {
    ctx.print.warn(
      `${report.set_aside} change${report.set_aside === 1 ? "" : "s"} did not verify and ${report.set_aside === 1 ? "was" : "were"} kept aside: never matched (cordon mirror status lists them).`,
    );
  }
}

function printStatus(ctx: CommandContext, status: MirrorStatus): void {
  ctx.print.fields([
    ["mirror", status.path],
    ["hub", status.hub],
    ["organisation", status.org],
    [
      "last change",
      status.last_change === null
        ? "none yet"
        : `#${status.last_change.seq} at ${status.last_change.at}`,
    ],
    [
      "caught up",
      status.caught_up_at === null ? "never" : `${status.caught_up_at} (${ago(status.lag_ms)})`,
    ],
    ["bulletins", `${status.bulletins} (${status.active_bulletins} active now)`],
    ["indicators", String(status.indicators)],
    ["changes seen", String(status.changes)],
    [
      "kept aside",
      status.unverifiable === 0
        ? "0"
        : ctx.print.out.yellow(`${status.unverifiable} (did not verify)`),
    ],
    [
      "screen role",
      status.screen_role === null ? "unknown (never synced)" : status.screen_role ? "yes" : "no",
    ],
  ]);
}

function ago(ms: number | null): string {
  if (ms === null) return "never";
  const seconds = Math.round(ms / 1000);
  if (seconds < 120) return `${seconds} s ago`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min ago`;
  return `${Math.round(seconds / 3600)} h ago`;
}
