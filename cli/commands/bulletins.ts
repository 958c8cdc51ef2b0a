/**
 * Bulletin commands: `bulletin new [FILE]` (a commented template), `publish FILE`
 * (JSON or YAML; fills id, issuer, issued_at; signs), `get ID`, `feed [--follow]`,
 * `revoke ID --reason`, and `verify-bulletin FILE|ID`, which checks the publisher's
 * signature and the hub's receipt without trusting the hub.
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import type { Command } from "commander";
import { CATEGORIES, TLPS } from "../../shared/bulletins/schema.js";
import { InteropError } from "../../shared/interop/errors.js";
import { decodeBulletinJws, signBulletin } from "../../shared/signatures/bulletin-jws.js";
import type { Jwks } from "../../shared/signatures/types.js";
import { savedReceiptsFolder } from "../audit-state.js";
import { BULLETIN_TEMPLATE, parseBulletinFile } from "../bulletin-file.js";
import { type CommandContext, jsonOf, type Runner } from "../context.js";
import { EXIT_FINDING, EXIT_OK, type ExitCode } from "../exit-codes.js";
import { type SavedReceipt, savedReceiptOf, saveReceipt } from "../receipts.js";
import { completeBulletin } from "../sdk/bulletin-draft.js";
import { type CordonClient, fetchHubJwks } from "../sdk/client.js";
import { BulletinVerificationError, CordonApiError, InputError } from "../sdk/errors.js";
import { bulletinFromMisp } from "../sdk/from-misp.js";
import { bulletinFromStix } from "../sdk/from-stix.js";
import type { ImportResult, Unmapped } from "../sdk/import-draft.js";
import {
  type BulletinView,
  type ChangeKind,
  type FeedItem,
  hasContent,
  type OrgJwks,
  type PublishResult,
} from "../sdk/types.js";
import { verifyBulletin } from "../sdk/verify-bulletin.js";
import { collectList, integer } from "./options.js";

export function registerBulletinCommands(program: Command, ctx: CommandContext, run: Runner): void {
  program
    .command("bulletin")
    .summary("write a new bulletin file to fill in")
    .description("Bulletin files.")
    .command("new")
    .argument("[file]", "where to write it (default: standard output); never overwritten")
    .description(
      "Write a bulletin template in YAML: every field, commented, with an indicator of " +
        "each kind (Tron, EVM, Bitcoin, Solana, a transaction, Telegram, another channel). " +
        "It passes `cordon publish --dry-run` as it is; replace the examples with yours.",
    )
    .addHelpText(
      "after",
      "\nExample:\n  cordon bulletin new case-0142.yaml && $EDITOR case-0142.yaml",
    )
    .action(
      run(async (file: string | undefined) => {
        if (file === undefined) {
          ctx.io.stdout.write(BULLETIN_TEMPLATE);
          return undefined;
        }
        try {
          await writeFile(ctx.path(file), BULLETIN_TEMPLATE, { flag: "wx" });
        } catch (cause) {
          if ((cause as NodeJS.ErrnoException).code === "EEXIST") {
            throw new InputError(`${file} exists; it is never overwritten. Choose another name.`);
          }
          throw cause;
        }
        ctx.print.note(
          `Wrote ${file}. Edit it, check it with \`cordon publish --dry-run ${file}\`, then publish it.`,
        );
        return undefined;
      }),
    );

  program
    .command("publish")
    .summary("sign and publish a bulletin (JSON or YAML, or imported from STIX or MISP)")
    .argument("[file]", "the bulletin, as JSON or YAML (- for standard input)")
    .description(
      "Sign and publish a bulletin. id (a new ULID), issuer (you) and issued_at (now) are " +
        "filled in when the file leaves them out. The bulletin is checked before it is " +
        "signed; the hub answers with a signed receipt. Publishing the same file again " +
        "with the same id is safe: the hub answers the same receipt. With --from-stix or " +
        "--from-misp the bulletin is made from a STIX 2.1 bundle or a MISP event: what " +
        "cannot be mapped is listed (and refused with --strict), and the bulletin is signed " +
        "with your key as any other.",
    )
    .option("--from-stix <file>", "make the bulletin from a STIX 2.1 bundle (JSON)")
    .option("--from-misp <file>", "make the bulletin from a MISP event (JSON)")
    .option("--strict", "with --from-stix or --from-misp: refuse when anything is not mapped")
    .option("--title <text>", "set the title")
    .option("--category <category>", `set the category (${CATEGORIES.join(", ")})`)
    .option("--tlp <level>", `set the TLP (${TLPS.join(", ")})`)
    .option(
      "--audience <ids>",
      "set the audience: organisation ids and group:<name>s, comma-separated",
      collectList,
    )
    .option("--confidence <n>", "set the confidence (0-100)", integer(0, 100))
    .option("--dry-run", "check and sign, print the payload and JWS, send nothing")
    .addHelpText(
      "after",
      "\nA bulletin (YAML; `cordon bulletin new` writes one with every field):\n" +
        "  title: ISKP donation address\n  category: terrorist_financing\n  tlp: amber\n" +
        "  audience: [binance, group:central-banks]\n  confidence: 85\n  indicators:\n" +
        "    - { type: crypto_address, chain: tron, address: TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t, asset: USDT }\n" +
        "    - { type: crypto_address, chain: ethereum, address: 0x52908400098527886E0F7030069857D2E4169EE7 }\n" +
        "    - { type: telegram_channel, value: https://t.me/example_channel }\n" +
        "\nFrom other platforms:\n" +
        "  cordon publish --from-stix report.json --tlp amber --audience binance\n" +
        "  cordon publish --from-misp event.json --category scam --confidence 70 --strict",
    )
    .action(
      run(async (file: string | undefined, options: PublishOptions) => {
        const { draft, unmapped } = await draftFor(ctx, file, options);
        if (unmapped !== undefined) printImport(ctx, draft, unmapped, options);
        if (options.dryRun === true) {
          const { orgId, key } = await ctx.signer("--dry-run still signs: give --org and --key.");
          const bulletin = completeBulletin(draft, { issuer: orgId });
          const jws = await signBulletin(bulletin, key);
          ctx.print.json({ bulletin, jws, ...(unmapped === undefined ? {} : { unmapped }) });
          return undefined;
        }
        const result = await publishOnce(await ctx.client(), draft);
        await keepReceipt(ctx, savedReceiptOf("publish", result.id, result.receipt, result.change));
        if (ctx.json) {
          ctx.print.json({ ...result, ...(unmapped === undefined ? {} : { unmapped }) });
          return undefined;
        }
        const c = ctx.print.out;
        ctx.print.line(
          result.created
            ? c.green(`Published ${result.id}.`)
            : c.yellow(`${result.id} was already published with this content; same receipt.`),
        );
        ctx.print.fields([
          ["id", result.id],
          ["received_at", result.received_at],
          ["content_sha256", result.content_sha256],
          ["receipt", result.receipt],
        ]);
        return undefined;
      }),
    );

  program
    .command("get")
    .summary("show a bulletin")
    .argument("<id>", "bulletin id")
    .description("Show a bulletin you may see (its payload, status, JWS and receipt with --json).")
    .action(
      run(async (id: string) => {
        const view = await (await ctx.client()).getBulletin(id);
        if (ctx.json) ctx.print.json(view);
        else printBulletin(ctx, view);
        return undefined;
      }),
    );

  program
    .command("feed")
    .summary("read the change feed (--follow to keep polling)")
    .description(
      "Read the change feed: every bulletin you may see, oldest change first, again each " +
        "time its status changes (revoked, superseded). Each line shows the change (when " +
        "and what: published, revoked, superseded), then the bulletin as it is now. Prints " +
        "where to resume (--cursor). With --follow it keeps polling until Ctrl-C.",
    )
    .option("--cursor <cursor>", "resume after this cursor (printed by an earlier run)")
    .option("--limit <n>", "items per request (1-100)", integer(1, 100))
    .option("--follow", "keep polling once caught up")
    .option("--interval <seconds>", "seconds between polls with --follow", integer(1, 3600), 5)
    .action(
      run(
        async (options: {
          cursor?: string;
          limit?: number;
          follow?: boolean;
          interval: number;
        }) => {
          const client = await ctx.client();
          let cursor = options.cursor;
          let count = 0;
          try {
            for await (const page of client.feedPages({
              ...(options.cursor === undefined ? {} : { cursor: options.cursor }),
              ...(options.limit === undefined ? {} : { limit: options.limit }),
              follow: options.follow === true,
              pollIntervalMs: options.interval * 1000,
              signal: ctx.io.signal,
            })) {
              for (const item of page.items) {
                count += 1;
                if (ctx.json) ctx.print.jsonLine(item);
                else ctx.print.line(feedLine(ctx, item));
              }
              cursor = page.next_cursor;
            }
          } catch (error) {
            if (!ctx.io.signal.aborted) throw error;
          }
          if (!ctx.json || options.follow !== true) {
            ctx.print.note(
              `${count} change${count === 1 ? "" : "s"}. Resume with: --cursor ${cursor ?? ""}`,
            );
          }
          return undefined;
        },
      ),
    );

  program
    .command("revoke")
    .summary("revoke one of your bulletins")
    .argument("<id>", "one of your bulletins")
    .requiredOption("--reason <text>", "why (shown to every recipient)")
    .description("Revoke one of your bulletins; recipients are told by the feed and by webhook.")
    .action(
      run(async (id: string, options: { reason: string }) => {
        const view = await (await ctx.client()).revoke(id, options.reason);
        if (view.change?.receipt !== undefined) {
          await keepReceipt(
            ctx,
            savedReceiptOf("revoke", view.id, view.change.receipt, view.change),
          );
        }
        if (ctx.json) ctx.print.json(view);
        else
          ctx.print.line(
            `Revoked ${view.id} at ${view.revocation?.revoked_at ?? "?"}: ${view.revocation?.reason ?? options.reason}`,
          );
        return undefined;
      }),
    );

  program
    .command("verify-bulletin")
    .summary("check a bulletin's signature and receipt")
    .argument(
      "<source>",
      "a bulletin id, or a file: a compact JWS, a `cordon get --json` answer or a webhook body",
    )
    .description(
      "Check a bulletin without trusting the hub: the publisher's signature with the " +
        "publisher's published key, and the hub's receipt with the hub's key. A key revoked " +
        "later still proves the bulletin when the receipt shows it arrived before.",
    )
    .option("--publisher-jwks <file>", "the publisher's keys (default: fetched from the hub)")
    .option("--hub-jwks <file>", "the hub's keys (default: fetched from the hub)")
    .addHelpText("after", "\nExit codes: 0 verified, 1 does not verify, 2 error.")
    .action(
      run(async (source: string, options: { publisherJwks?: string; hubJwks?: string }) => {
        const { jws, receipt } = await loadBulletin(ctx, source);
        let issuer: string;
        try {
          issuer = String((decodeBulletinJws(jws.trim()).payload as { issuer?: unknown }).issuer);
        } catch (cause) {
          ctx.print.line(
            `${ctx.print.out.red("✘")} This is not a bulletin JWS: ${(cause as Error).message}`,
          );
          return EXIT_FINDING;
        }
        const publisherJwks =
          options.publisherJwks === undefined
            ? await (await ctx.client()).orgJwks(issuer)
            : await ctx.readJson<OrgJwks>(options.publisherJwks);
        const hubJwks =
          receipt === undefined
            ? undefined
            : options.hubJwks === undefined
              ? await fetchHubJwks((await ctx.config()).hubUrl, ctx.io.fetch)
              : await ctx.readJson<Jwks>(options.hubJwks);
        return printVerification(ctx, jws, publisherJwks, receipt, hubJwks);
      }),
    );
}

interface PublishOptions {
  fromStix?: string;
  fromMisp?: string;
  strict?: boolean;
  title?: string;
  category?: string;
  tlp?: string;
  audience?: string[];
  confidence?: number;
  dryRun?: boolean;
}

/**
 * The draft to publish: the file as written, or what a STIX bundle or MISP event maps
 * to (with `unmapped`), the command's --title/--category/--tlp/--audience/--confidence
 * laid over it. The draft is then checked like any other (`completeBulletin`).
 */
async function draftFor(
  ctx: CommandContext,
  file: string | undefined,
  options: PublishOptions,
): Promise<{ draft: Record<string, unknown>; unmapped?: Unmapped[] }> {
  const sources = [file, options.fromStix, options.fromMisp].filter(
    (source) => source !== undefined,
  );
  if (sources.length !== 1) {
    throw new InputError("Give one bulletin: a FILE, --from-stix FILE or --from-misp FILE.");
  }
  if (options.strict === true && file !== undefined) {
    throw new InputError("--strict applies to --from-stix and --from-misp only.");
  }
  const overrides: Record<string, unknown> = {};
  if (options.title !== undefined) overrides.title = options.title;
  if (options.category !== undefined) overrides.category = options.category;
  if (options.tlp !== undefined) overrides.tlp = options.tlp;
  if (options.audience !== undefined) overrides.audience = options.audience;
  if (options.confidence !== undefined) overrides.confidence = options.confidence;
  if (file !== undefined) {
    return { draft: { ...parseBulletinFile(await ctx.readInput(file), file), ...overrides } };
  }
  const source = (options.fromStix ?? options.fromMisp) as string;
  const document = await ctx.readJson(source);
  let imported: ImportResult;
  try {
    imported =
      options.fromStix !== undefined
        ? bulletinFromStix(document, { overrides })
        : bulletinFromMisp(document, { overrides });
  } catch (error) {
    if (error instanceof InteropError) throw new InputError(`${source}: ${error.message}`);
    throw error;
  }
  if (options.strict === true && imported.unmapped.length > 0) {
    printUnmapped(ctx, imported.unmapped);
    throw new InputError(
      `${source}: ${imported.unmapped.length} part${imported.unmapped.length === 1 ? " was" : "s were"} not mapped; --strict refuses to publish.`,
    );
  }
  return { draft: imported.draft as Record<string, unknown>, unmapped: imported.unmapped };
}

/** What the import made and left out, on stderr (stdout stays the result). */
function printImport(
  ctx: CommandContext,
  draft: Record<string, unknown>,
  unmapped: readonly Unmapped[],
  options: PublishOptions,
): void {
  const indicators = Array.isArray(draft.indicators) ? draft.indicators : [];
  const source = options.fromStix ?? options.fromMisp ?? "";
  ctx.print.note(
    `Imported from ${source}: "${String(draft.title ?? "(no title)")}", ${indicators.length} indicator${indicators.length === 1 ? "" : "s"}, ` +
      `tlp ${String(draft.tlp ?? "(none)")}, category ${String(draft.category ?? "(none)")}, confidence ${String(draft.confidence ?? "(none)")}.`,
  );
  for (const indicator of indicators) {
    ctx.print.note(`  ${describeIndicator(indicator as Record<string, unknown>)}`);
  }
  printUnmapped(ctx, unmapped);
}

function printUnmapped(ctx: CommandContext, unmapped: readonly Unmapped[]): void {
  if (unmapped.length === 0) {
    ctx.print.note("Everything in the source was mapped.");
    return;
  }
  ctx.print.note(`Not mapped (${unmapped.length}):`);
  for (const { path, reason } of unmapped) ctx.print.note(`  ${path || "/"}: ${reason}`);
}

/**
 * Keeps a receipt the hub gave for `cordon audit` (DESIGN §14) in the CLI's config
 * folder. Failing to keep it never fails the command that got it.
 */
async function keepReceipt(ctx: CommandContext, saved: SavedReceipt): Promise<void> {
  try {
    const folder = savedReceiptsFolder(ctx.io, (await ctx.config()).hubUrl);
    await mkdir(folder, { recursive: true, mode: 0o700 });
    await saveReceipt(folder, saved);
  } catch (error) {
    ctx.print.warn(`could not keep the receipt for \`cordon audit\`: ${(error as Error).message}`);
  }
}

/**
 * Publishes, treating a second run of the same file as the idempotent re-post it is
 * meant to be. A file with an `id` but no `issued_at` gets a new `issued_at` each run,
 * so the hub sees other content under the same id (409); when the bulletin stored
 * under that id is this file's content apart from `issued_at`, it was published
 * before, and its receipt is the answer.
 */
async function publishOnce(
  client: CordonClient,
  draft: Record<string, unknown>,
): Promise<PublishResult> {
  try {
    return await client.publish(draft);
  } catch (error) {
    const retried = typeof draft.id === "string" && draft.issued_at === undefined;
    if (!(error instanceof CordonApiError) || error.status !== 409 || !retried) throw error;
    const stored = await client.getBulletin(draft.id as string).catch(() => undefined);
    const mine = completeBulletin(draft, {
      issuer: client.orgId,
      now: new Date(stored?.bulletin.issued_at ?? Date.now()),
    });
    if (stored === undefined || !sameJson(stored.bulletin, mine)) {
      throw new InputError(
        `Bulletin ${draft.id as string} was published before with other content. To publish this ` +
          "as a new bulletin, give it another id (or none, and one is made).",
      );
    }
    return {
      id: stored.id,
      received_at: stored.received_at,
      content_sha256: stored.content_sha256,
      receipt: stored.receipt,
      created: false,
      jws: stored.jws,
      bulletin: stored.bulletin,
    };
  }
}

/** Deep equality of JSON values, whatever the order of object members. */
function sameJson(a: unknown, b: unknown): boolean {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : typeof value === "object" && value !== null
        ? Object.fromEntries(
            Object.entries(value)
              .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
              .map(([key, member]) => [key, canonical(member)]),
          )
        : value;
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

async function printVerification(
  ctx: CommandContext,
  jws: string,
  publisherJwks: OrgJwks,
  receipt: string | undefined,
  hubJwks: Jwks | undefined,
): Promise<ExitCode> {
  const c = ctx.print.out;
  try {
    const verified = await verifyBulletin(jws, publisherJwks, {
      ...(receipt === undefined ? {} : { receipt }),
      ...(hubJwks === undefined ? {} : { hubJwks }),
    });
    const trusted = verified.keyStatus !== "revoked" || verified.receivedBeforeRevocation === true;
    if (ctx.json) {
      ctx.print.json({ verified: trusted, ...verified });
      return trusted ? EXIT_OK : EXIT_FINDING;
    }
    ctx.print.line(
      `${c.green("✔")} Signature valid: bulletin ${verified.payload.id} signed by ${verified.payload.issuer} with key ${verified.kid} (${verified.keyStatus}).`,
    );
    if (verified.receipt !== undefined) {
      ctx.print.line(
        `${c.green("✔")} Receipt valid: the hub received it at ${verified.receipt.received_at} (content ${verified.contentSha256}).`,
      );
    } else {
      ctx.print.line(c.dim("  (no receipt given: when the hub received it is not checked)"));
    }
    if (verified.keyStatus === "revoked") {
      if (verified.receivedBeforeRevocation === true) {
        ctx.print.line(
          `${c.green("✔")} The key was revoked at ${verified.keyRevokedAt}, after the hub received the bulletin: it stands.`,
        );
      } else {
        ctx.print.line(
          `${c.red("✘")} The key was revoked at ${verified.keyRevokedAt}, and no receipt shows the bulletin arrived before that.`,
        );
        return EXIT_FINDING;
      }
    }
    return EXIT_OK;
  } catch (error) {
    if (!(error instanceof BulletinVerificationError)) throw error;
    if (ctx.json) ctx.print.json({ verified: false, code: error.code, message: error.message });
    else ctx.print.line(`${c.red("✘")} ${error.message}`);
    return EXIT_FINDING;
  }
}

/** The JWS (and receipt, when known) from a file of any of the usual forms, or the hub. */
async function loadBulletin(
  ctx: CommandContext,
  source: string,
): Promise<{ jws: string; receipt: string | undefined }> {
  const isFile = source === "-" || existsSync(ctx.path(source));
  if (!isFile) {
    if (!/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/.test(source)) {
      throw new InputError(`${source} is neither a file nor a bulletin id.`);
    }
    const view = await (await ctx.client()).getBulletin(source);
    return { jws: view.jws, receipt: view.receipt };
  }
  const text = (await ctx.readInput(source)).toString("utf8").trim();
  if (!text.startsWith("{")) return { jws: text, receipt: undefined };
  // A webhook body carries the bulletin view under `data`.
  const outer = jsonOf(text, source) as { data?: unknown; jws?: unknown; receipt?: unknown };
  const view = (typeof outer.jws === "string" ? outer : outer.data) as
    | { jws?: unknown; receipt?: unknown }
    | undefined;
  if (typeof view?.jws !== "string") {
    throw new InputError(
      `${source} holds no bulletin JWS (a TLP:RED notice carries none: use the bulletin id).`,
    );
  }
  return { jws: view.jws, receipt: typeof view.receipt === "string" ? view.receipt : undefined };
}

/**
 * One feed item: the change it reports (kind and time, DESIGN §10) when the hub says,
 * then the bulletin as it is now.
 */
export function feedLine(ctx: CommandContext, item: FeedItem): string {
  const c = ctx.print.out;
  const status = item.status === "active" ? c.green(item.status) : c.yellow(item.status);
  const change =
    item.change === undefined
      ? `${item.received_at}  ${"".padEnd(10)}`
      : `${item.change.at}  ${changeLabel(ctx, item.change.kind)}`;
  if (!hasContent(item)) {
    return `${change}  ${item.id}  ${status}  ${c.red("TLP:RED")}  ${item.issuer}  (content only via cordon get ${item.id})`;
  }
  const b = item.bulletin;
  return `${change}  ${item.id}  ${status}  ${tlpLabel(ctx, b.tlp)}  ${b.category}  ${item.issuer}  ${b.title}`;
}

function changeLabel(ctx: CommandContext, kind: ChangeKind): string {
  const c = ctx.print.out;
  const label = kind.padEnd(10);
  return kind === "published" ? c.green(label) : c.yellow(label);
}

export function tlpLabel(ctx: CommandContext, tlp: string): string {
  const c = ctx.print.out;
  const label = `TLP:${tlp.toUpperCase()}`;
  if (tlp === "red") return c.red(label);
  if (tlp.startsWith("amber")) return c.yellow(label);
  if (tlp === "green") return c.green(label);
  return label;
}

export function printBulletin(ctx: CommandContext, view: BulletinView): void {
  const b = view.bulletin;
  const c = ctx.print.out;
  ctx.print.fields([
    ["id", c.bold(view.id)],
    ["title", b.title],
    ["issuer", view.issuer],
    ["status", view.status === "active" ? c.green(view.status) : c.yellow(view.status)],
    ["tlp", tlpLabel(ctx, b.tlp)],
    ["audience", (b.audience ?? []).join(", ") || "(everyone)"],
    ["category", b.category],
    ["confidence", String(b.confidence)],
    ["issued_at", b.issued_at],
    ["received_at", view.received_at],
    ...(b.valid_until ? [["valid_until", b.valid_until] as const] : []),
    ...(b.supersedes ? [["supersedes", b.supersedes] as const] : []),
    ...(view.revocation === undefined
      ? []
      : [["revoked", `${view.revocation.revoked_at}: ${view.revocation.reason}`] as const]),
  ]);
  if (b.summary) ctx.print.line(`\n${b.summary}`);
  ctx.print.line(`\nIndicators (${b.indicators.length}):`);
  for (const indicator of b.indicators) {
    ctx.print.line(`  ${describeIndicator(indicator as unknown as Record<string, unknown>)}`);
  }
  if ((b.references ?? []).length > 0)
    ctx.print.line(`\nReferences: ${(b.references ?? []).join(", ")}`);
}

export function describeIndicator(indicator: Record<string, unknown>): string {
  const extra = [indicator.asset, indicator.role].filter((x) => typeof x === "string").join(", ");
  const suffix = extra === "" ? "" : ` (${extra})`;
  switch (indicator.type) {
    case "crypto_address":
      return `${indicator.chain}:${indicator.address}${suffix}`;
    case "tx_hash":
      return `${indicator.chain}:tx:${indicator.hash}`;
    case "telegram_channel":
      return `telegram ${indicator.value}`;
    case "channel":
      return `${indicator.platform} ${indicator.value}`;
    default:
      return JSON.stringify(indicator);
  }
}
