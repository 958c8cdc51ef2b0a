/**
 * Webhook commands: `subscribe URL`, `subscriptions [list|show|delete|enable|test|
 * rotate-secret]`, `deliveries [list|show|retry]` (what happened to each delivery,
 * attempt by attempt, and sending one again), `listen` (a local receiver that verifies
 * and prints every delivery) and `verify-webhook` (checks one captured delivery).
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type Command, Option } from "commander";
import { CATEGORIES } from "../../shared/bulletins/schema.js";
import { CHAINS, INDICATOR_TYPES } from "../../shared/indicators/types.js";
import type { Jwks } from "../../shared/signatures/types.js";
import { EVENT_TYPES } from "../../shared/subscriptions/types.js";
import type { CommandContext, Runner } from "../context.js";
import { EXIT_FINDING, EXIT_OK } from "../exit-codes.js";
import { formatHttpMessage, parseHttpMessage } from "../http-message.js";
import { savedReceiptOf, saveReceipt } from "../receipts.js";
import { fetchHubJwks } from "../sdk/client.js";
import { InputError, WebhookVerificationError } from "../sdk/errors.js";
import {
  type Change,
  type DeliveryAttempt,
  type DeliveryDetail,
  type EventType,
  hasContent,
  type Subscription,
  type SubscriptionFilter,
  type WebhookEvent,
} from "../sdk/types.js";
import { verifyWebhook } from "../sdk/webhooks.js";
import { type ReceivedWebhook, startWebhookReceiver } from "../webhook-receiver.js";
import { tlpLabel } from "./bulletins.js";
import { choiceList, collect, collectList, integer } from "./options.js";

interface FilterOptions {
  category?: SubscriptionFilter["categories"];
  chain?: SubscriptionFilter["chains"];
  type?: SubscriptionFilter["indicator_types"];
  issuer?: string[];
  minConfidence?: number;
}

export function registerWebhookCommands(program: Command, ctx: CommandContext, run: Runner): void {
  program
    .command("subscribe")
    .summary("subscribe a webhook endpoint to events")
    .argument("<url>", "your https endpoint (a local hub also accepts http://127.0.0.1:…)")
    .description(
      "Subscribe a webhook endpoint to events. The secret that signs deliveries is " +
        "printed once: store it where your receiver can read it. Filters narrow what is " +
        "sent (all given must match; within one, any value may); you only ever receive " +
        "bulletins you may see.",
    )
    .requiredOption(
      "--events <list>",
      `comma-separated: ${EVENT_TYPES.join(", ")}`,
      choiceList(EVENT_TYPES),
    )
    .option(
      "--category <list>",
      `only these categories (${CATEGORIES.join(", ")})`,
      choiceList(CATEGORIES),
    )
    .option(
      "--chain <list>",
      "only bulletins naming an indicator on these chains",
      choiceList(CHAINS),
    )
    .option(
      "--type <list>",
      `only these indicator types (${INDICATOR_TYPES.join(", ")})`,
      choiceList(INDICATOR_TYPES),
    )
    .option("--issuer <list>", "only bulletins from these organisations", collectList)
    .option(
      "--min-confidence <n>",
      "only bulletins with at least this confidence (0-100)",
      integer(0, 100),
    )
    .addHelpText(
      "after",
      "\nExample:\n  cordon subscribe https://hooks.example.com/cordon --events bulletin.published,bulletin.revoked \\\n" +
        "    --category terrorist_financing,sanctions --chain tron,ethereum --min-confidence 70",
    )
    .action(
      run(async (url: string, options: FilterOptions & { events: EventType[] }) => {
        const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
        if (scheme !== "https" && scheme !== "http") {
          throw new InputError(
            `${url} is not a web address: a webhook URL is https://… (a local hub also accepts http://127.0.0.1:…).`,
          );
        }
        const created = await (await ctx.client()).subscriptions.create({
          url,
          events: options.events,
          filter: filterOf(options),
        });
        if (ctx.json) {
          ctx.print.json(created);
        } else {
          ctx.print.line(
            `Subscribed ${created.id} (${created.status}) to ${created.events.join(", ")}.`,
          );
          ctx.print.line(`secret: ${ctx.print.out.bold(created.secret)}`);
        }
        ctx.print.warn(
          "store this secret now: it is shown only this once. Your receiver needs it to verify " +
            `the v1 signature (\`${ctx.commandLine("listen --secret-file FILE")}\`, or CORDON_WEBHOOK_SECRET). ` +
            `Lost it? \`${ctx.commandLine(`subscriptions rotate-secret ${created.id}`)}\`.`,
        );
        return undefined;
      }),
    );

  const subscriptions = program
    .command("subscriptions")
    .summary("list and manage your subscriptions")
    .description("List and manage your webhook subscriptions (list is the default).");
  subscriptions
    .command("list", { isDefault: true })
    .description("List your subscriptions.")
    .action(
      run(async () => {
        const items = await (await ctx.client()).subscriptions.list();
        if (ctx.json) ctx.print.json(items);
        else if (items.length === 0) ctx.print.note("No subscriptions.");
        else
          ctx.print.table(
            ["ID", "STATUS", "EVENTS", "URL", "FILTER"],
            items.map((s) => [
              s.id,
              statusText(s),
              s.events.join(","),
              s.url,
              filterText(s.filter),
            ]),
          );
        return undefined;
      }),
    );
  subscriptions
    .command("show")
    .argument("<id>", "subscription id")
    .description("Show one subscription.")
    .action(
      run(async (id: string) => {
        printSubscription(ctx, await (await ctx.client()).subscriptions.get(id));
        return undefined;
      }),
    );
  subscriptions
    .command("delete")
    .argument("<id>", "subscription id")
    .description("Delete a subscription: nothing more is delivered to it.")
    .action(
      run(async (id: string) => {
        await (await ctx.client()).subscriptions.delete(id);
        ctx.print.line(`Deleted ${id}.`);
        return undefined;
      }),
    );
  subscriptions
    .command("enable")
    .argument("<id>", "subscription id")
    .description(
      "Re-enable a subscription the hub disabled (your endpoint answered 410, or failed " +
        "for days). Events from while it was disabled are not sent: catch up with `cordon feed`.",
    )
    .action(
      run(async (id: string) => {
        printSubscription(ctx, await (await ctx.client()).subscriptions.enable(id));
        return undefined;
      }),
    );
  subscriptions
    .command("test")
    .argument("<id>", "subscription id")
    .description("Ask the hub to send a signed ping to the subscription's endpoint now.")
    .action(
      run(async (id: string) => {
        const queued = await (await ctx.client()).subscriptions.test(id);
        const which = queued.webhook_id === undefined ? "" : ` (webhook-id ${queued.webhook_id})`;
        const follow =
          queued.webhook_id === undefined
            ? ctx.commandLine(`deliveries ${id}`)
            : ctx.commandLine(`deliveries show ${id} ${queued.webhook_id}`);
        ctx.print.line(`Ping queued for ${id}${which}; see \`${follow}\`.`);
        return undefined;
      }),
    );
  subscriptions
    .command("rotate-secret")
    .argument("<id>", "subscription id")
    .description(
      "Get a new signing secret. For 24 hours deliveries carry a v1 signature with each " +
        "secret, so update your receiver within that time.",
    )
    .action(
      run(async (id: string) => {
        const { secret } = await (await ctx.client()).subscriptions.rotateSecret(id);
        if (ctx.json) ctx.print.json({ id, secret });
        else ctx.print.line(`secret: ${ctx.print.out.bold(secret)}`);
        ctx.print.warn("store this secret now: it is shown only this once.");
        return undefined;
      }),
    );

  const deliveries = program
    .command("deliveries")
    .summary("deliveries to a subscription: list, show attempts, retry")
    .description(
      "Deliveries to one of your subscriptions: `deliveries SUB` lists them, newest first; " +
        "`deliveries show SUB WEBHOOK_ID` shows every attempt and why it failed; " +
        "`deliveries retry SUB WEBHOOK_ID` sends one again now.",
    );
  deliveries
    .command("list", { isDefault: true })
    .argument("<subscription>", "subscription id")
    .description(
      "Recent deliveries to a subscription, newest first: status, attempts, last error, next try.",
    )
    .option("--cursor <cursor>", "the next page, from an earlier run")
    .option("--limit <n>", "at most this many (1-100)", integer(1, 100))
    .action(
      run(async (id: string, options: { cursor?: string; limit?: number }) => {
        const page = await (await ctx.client()).subscriptions.deliveries(id, options);
        if (ctx.json) ctx.print.json(page);
        else if (page.items.length === 0) ctx.print.note(`No deliveries to ${id} yet.`);
        else {
          ctx.print.table(
            ["WEBHOOK ID", "EVENT", "STATUS", "ATTEMPTS", "LAST", "NEXT ATTEMPT", "UPDATED"],
            page.items.map((d) => [
              d.webhook_id,
              d.event_type,
              d.status,
              String(d.attempts),
              lastOutcome(d.last_status_code, d.last_error ?? null),
              d.next_attempt_at ?? "",
              d.updated_at,
            ]),
          );
          if (page.next_cursor) ctx.print.note(`More: --cursor ${page.next_cursor}`);
          ctx.print.note(`Attempts of one: ${ctx.commandLine(`deliveries show ${id} WEBHOOK_ID`)}`);
        }
        return undefined;
      }),
    );
  deliveries
    .command("show")
    .argument("<subscription>", "subscription id")
    .argument("<webhook-id>", "the delivery's webhook-id (from `cordon deliveries SUB`)")
    .description(
      "One delivery and every attempt: when, how long, the HTTP status your endpoint " +
        "answered or the network error (with what it means), and the first bytes of the answer.",
    )
    .action(
      run(async (id: string, webhookId: string) => {
        const delivery = await (await ctx.client()).subscriptions.getDelivery(id, webhookId);
        if (ctx.json) {
          ctx.print.json(delivery);
          return undefined;
        }
        printDelivery(ctx, delivery);
        if (delivery.status !== "delivered") {
          ctx.print.note(
            `Send it again now: ${ctx.commandLine(`deliveries retry ${id} ${webhookId}`)}`,
          );
        }
        return undefined;
      }),
    );
  deliveries
    .command("retry")
    .argument("<subscription>", "subscription id")
    .argument("<webhook-id>", "the delivery's webhook-id")
    .description(
      "Send a delivery again now instead of at its next attempt — a failed, cancelled or " +
        "even delivered one (a resend). Your receiver sees the same webhook-id again.",
    )
    .action(
      run(async (id: string, webhookId: string) => {
        const queued = await (await ctx.client()).subscriptions.retryDelivery(id, webhookId);
        if (ctx.json) ctx.print.json(queued);
        else {
          ctx.print.line(
            `Sending ${queued.webhook_id} (${queued.event_type}) again now: ${queued.status}.`,
          );
          ctx.print.note(`Follow it: ${ctx.commandLine(`deliveries show ${id} ${webhookId}`)}`);
        }
        return undefined;
      }),
    );

  program
    .command("listen")
    .summary("run a local receiver that verifies and prints webhooks")
    .description(
      "Run a webhook receiver on 127.0.0.1 that verifies each delivery — v1 with the " +
        "subscription secret, v1a with the published keys of the hub (--hub or configured) — and prints it. It answers " +
        "2xx only to deliveries that verify (401 otherwise) and drops repeats of a " +
        "webhook-id. Stop it with Ctrl-C.",
    )
    .requiredOption("--port <n>", "port to listen on (0: any free port)", integer(0, 65535))
    .option(
      "--secret-file <file>",
      "a file holding the subscription secret (repeat during a secret rotation)",
      collect,
    )
    .option(
      "--secret <whsec>",
      "the secret itself (visible to other users in ps: prefer --secret-file or CORDON_WEBHOOK_SECRET)",
      collect,
    )
    .addOption(new Option("--no-v1a", "do not check v1a (no hub keys fetched)"))
    .option("--subscription <id>", "accept only deliveries for this subscription")
    .option("--save <dir>", "write every request received to DIR (for verify-webhook)")
    .option(
      "--save-receipts <dir>",
      "write the receipt of every change a verified delivery reports to DIR (for `cordon audit --receipts DIR`)",
    )
    .addHelpText(
      "after",
      "\nThe secret is read from --secret-file, --secret or CORDON_WEBHOOK_SECRET (several\n" +
        "secrets, during a rotation: separated by spaces).\n" +
        "\nExample:\n  cordon listen --port 9000 --secret-file sub.secret &\n" +
        "  cordon subscribe http://127.0.0.1:9000/ --events bulletin.published",
    )
    .action(
      run(
        async (options: {
          port: number;
          secret?: string[];
          secretFile?: string[];
          v1a: boolean;
          subscription?: string;
          save?: string;
          saveReceipts?: string;
        }) => {
          const secrets = await webhookSecrets(ctx, options);
          // v1a is checked with the keys of the hub given by --hub (or configured). A hub
          // that is down now is asked again when the first delivery comes.
          const hubUrl = (await ctx.config()).hubUrl;
          const loadJwks = () => fetchHubJwks(hubUrl, ctx.io.fetch);
          let jwks: Jwks | undefined;
          if (options.v1a) {
            jwks = await loadJwks().catch((error: unknown) => {
              ctx.print.warn(
                `cannot fetch the hub's keys from ${hubUrl} (${causeOf(error)}); listening anyway: ` +
                  "they are fetched again when a delivery comes, and until then deliveries are refused.",
              );
              return undefined;
            });
          }
          if (!options.v1a && secrets === undefined) {
            throw new InputError(
              "Give the secret (--secret-file, CORDON_WEBHOOK_SECRET or --secret), or let the receiver check v1a (drop --no-v1a).",
            );
          }
          const saveDir = options.save === undefined ? undefined : ctx.path(options.save);
          if (saveDir !== undefined) await mkdir(saveDir, { recursive: true });
          const receiptsDir =
            options.saveReceipts === undefined ? undefined : ctx.path(options.saveReceipts);
          if (receiptsDir !== undefined) await mkdir(receiptsDir, { recursive: true });
          const receiver = await startWebhookReceiver({
            port: options.port,
            ...(secrets === undefined ? {} : { secret: secrets }),
            ...(jwks === undefined ? {} : { jwks }),
            ...(options.v1a ? { refreshJwks: loadJwks } : {}),
            ...(options.subscription === undefined ? {} : { subscriptionId: options.subscription }),
            onWebhook: async (webhook) => {
              if (saveDir !== undefined) await saveRequest(saveDir, webhook);
              if (receiptsDir !== undefined) await saveChangeReceipt(receiptsDir, webhook);
              printWebhook(ctx, webhook);
            },
          });
          const checks = [
            secrets === undefined ? undefined : "v1 (secret)",
            options.v1a ? `v1a (keys of ${hubUrl})` : undefined,
          ].filter((check) => check !== undefined);
          ctx.print.note(
            `Listening on ${receiver.url}/ — verifying ${checks.join(" and ")}. Ctrl-C to stop.`,
          );
          await new Promise<void>((resolve) => {
            if (ctx.io.signal.aborted) resolve();
            ctx.io.signal.addEventListener("abort", () => resolve(), { once: true });
          });
          await receiver.stop();
          return undefined;
        },
      ),
    );

  program
    .command("verify-webhook")
    .summary("verify one captured webhook request")
    .argument("[file]", "the captured request (default: standard input)")
    .description(
      "Verify one captured webhook request: an HTTP message (headers, blank line, body — " +
        'as `cordon listen --save` writes it) or JSON {"headers": {…}, "body": "…"}. ' +
        "v1 is checked with --secret; v1a with the keys of the hub named by --hub URL, or " +
        "with a JWKS file (--jwks).",
    )
    .option("--secret-file <file>", "check v1 with the secret in this file (repeatable)", collect)
    .option(
      "--secret <whsec>",
      "check v1 with this secret (repeatable; or CORDON_WEBHOOK_SECRET)",
      collect,
    )
    .option("--jwks <file>", "check v1a with the hub keys in this file")
    .option("--subscription <id>", "require the body to name this subscription")
    .option(
      "--tolerance <seconds>",
      "how old (or early) the timestamp may be; raise it for old captures",
      integer(1, 10 * 365 * 86400),
      300,
    )
    .addHelpText(
      "after",
      "\nExamples:\n  cordon verify-webhook --secret whsec_… < captured/1764072000-msg_….http\n" +
        "  cordon verify-webhook --hub http://127.0.0.1:8080 --tolerance 86400 captured/…http\n" +
        "\nExit codes: 0 verified, 1 does not verify, 2 error.",
    )
    .action(
      run(
        async (
          file: string | undefined,
          options: {
            secret?: string[];
            secretFile?: string[];
            jwks?: string;
            subscription?: string;
            tolerance: number;
          },
        ) => {
          // --hub is the program's own flag: here it names the hub whose keys check v1a.
          const hub = ctx.flags().hub;
          const secrets = await webhookSecrets(ctx, options);
          if (secrets === undefined && hub === undefined && options.jwks === undefined) {
            throw new InputError(
              "Give the secret (--secret-file, CORDON_WEBHOOK_SECRET or --secret) for v1, --hub or --jwks for v1a, or both.",
            );
          }
          const request = parseHttpMessage(await ctx.readInput(file ?? "-"));
          let jwks: Jwks | undefined;
          if (options.jwks !== undefined) {
            jwks = await ctx.readJson<Jwks>(options.jwks);
          } else if (hub !== undefined) {
            jwks = await fetchHubJwks(hub, ctx.io.fetch);
          }
          const c = ctx.print.out;
          try {
            const event = verifyWebhook(request.headers, request.body, {
              ...(secrets === undefined ? {} : { secret: secrets }),
              ...(jwks === undefined ? {} : { jwks }),
              ...(options.subscription === undefined
                ? {}
                : { subscriptionId: options.subscription }),
              toleranceSeconds: options.tolerance,
            });
            if (ctx.json) {
              ctx.print.json({ verified: true, webhook_id: request.headers["webhook-id"], event });
            } else {
              const checked = [secrets && "v1", jwks && "v1a"].filter(Boolean).join(" and ");
              ctx.print.line(
                `${c.green("✔")} Verified (${checked}): ${eventSummary(ctx, event)} — webhook-id ${request.headers["webhook-id"]}`,
              );
            }
            return EXIT_OK;
          } catch (error) {
            if (!(error instanceof WebhookVerificationError)) throw error;
            if (ctx.json)
              ctx.print.json({ verified: false, code: error.code, message: error.message });
            else {
              ctx.print.line(`${c.red("✘")} Not verified: ${error.message}`);
              if (error.code === "ERR_WEBHOOK_TIMESTAMP") {
                ctx.print.note(
                  "  A capture checked later than 5 minutes after it arrived needs a wider window: " +
                    "--tolerance SECONDS (e.g. --tolerance 86400 for a day).",
                );
              }
            }
            return EXIT_FINDING;
          }
        },
      ),
    );
}

/**
 * The subscription secret(s), from the first of: --secret-file (one secret per file,
 * surrounding space ignored), --secret, CORDON_WEBHOOK_SECRET (space-separated).
 */
async function webhookSecrets(
  ctx: CommandContext,
  options: { secret?: string[]; secretFile?: string[] },
): Promise<string[] | undefined> {
  if (options.secretFile !== undefined) {
    const secrets: string[] = [];
    for (const file of options.secretFile) {
      secrets.push((await ctx.readInput(file)).toString("utf8").trim());
    }
    return secrets;
  }
  if (options.secret !== undefined) return options.secret;
  const fromEnv = ctx.io.env.CORDON_WEBHOOK_SECRET?.split(/\s+/).filter((s) => s !== "");
  return fromEnv === undefined || fromEnv.length === 0 ? undefined : fromEnv;
}

/** Why a fetch failed, in one word where Node gives one (ECONNREFUSED, …). */
function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code ?? (error instanceof Error ? error.message : String(error));
}

/** What the network errors of delivery attempts mean, for the person fixing the endpoint. */
const DELIVERY_ERRORS: Readonly<Record<string, string>> = {
  ECONNREFUSED: "connection refused: nothing listens at that host and port",
  ECONNRESET: "the connection was reset before an answer came",
  ENOTFOUND: "the host name does not resolve",
  EAI_AGAIN: "the host name could not be resolved (DNS failure)",
  EHOSTUNREACH: "the host cannot be reached",
  timeout: "no answer in time",
  tls_error: "the TLS handshake failed (certificate expired, self-signed or for another name?)",
  redirect_refused: "the endpoint answered a redirect (3xx); redirects are never followed",
  url_refused: "the URL is not allowed (it resolves to a private, loopback or metadata address)",
  response_too_large: "the answer was too large; answer 2xx with an empty body",
};

/** `HTTP 500`, `ECONNREFUSED`, or nothing yet. */
function lastOutcome(status: number | null, error: string | null): string {
  if (error !== null) return error;
  return status === null ? "" : `HTTP ${status}`;
}

function attemptReason(attempt: DeliveryAttempt): string {
  if (attempt.error !== null) {
    return `${attempt.error}: ${DELIVERY_ERRORS[attempt.error] ?? "the attempt failed"}`;
  }
  const status = attempt.status_code;
  if (status === null) return "";
  if (status >= 200 && status < 300) return `HTTP ${status}: delivered`;
  if (status === 410) return "HTTP 410: the endpoint is gone; the subscription is disabled";
  if (status === 429 || status === 503) return `HTTP ${status}: busy (its Retry-After is honoured)`;
  return `HTTP ${status}: not 2xx`;
}

function printDelivery(ctx: CommandContext, delivery: DeliveryDetail): void {
  ctx.print.fields([
    ["webhook-id", delivery.webhook_id],
    ["event", `${delivery.event_type} ${delivery.event_id}`],
    ["status", delivery.status],
    ["attempts", String(delivery.attempts)],
    ["next attempt", delivery.next_attempt_at ?? "(none)"],
    ["created", delivery.created_at],
    ["updated", delivery.updated_at],
  ]);
  if (delivery.attempt_log.length === 0) return;
  ctx.print.line("");
  ctx.print.table(
    ["#", "AT", "TOOK", "RESULT", "ANSWER"],
    delivery.attempt_log.map((attempt) => [
      String(attempt.number),
      attempt.at,
      `${attempt.duration_ms} ms`,
      attemptReason(attempt),
      oneLine(attempt.response_excerpt ?? ""),
    ]),
  );
}

/** An answer's first bytes on one line, short enough for a table. */
function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 60 ? `${flat.slice(0, 59)}…` : flat;
}

function filterOf(options: FilterOptions): SubscriptionFilter {
  const filter: SubscriptionFilter = {};
  if (options.category !== undefined) filter.categories = options.category;
  if (options.chain !== undefined) filter.chains = options.chain;
  if (options.type !== undefined) filter.indicator_types = options.type;
  if (options.issuer !== undefined) filter.issuers = options.issuer;
  if (options.minConfidence !== undefined) filter.min_confidence = options.minConfidence;
  return filter;
}

function filterText(filter: SubscriptionFilter): string {
  const parts = [
    filter.categories && `categories=${filter.categories.join(",")}`,
    filter.chains && `chains=${filter.chains.join(",")}`,
    filter.indicator_types && `types=${filter.indicator_types.join(",")}`,
    filter.issuers && `issuers=${filter.issuers.join(",")}`,
    filter.min_confidence !== undefined && `confidence>=${filter.min_confidence}`,
  ].filter(Boolean);
  return parts.length === 0 ? "(all)" : parts.join(" ");
}

function statusText(subscription: Subscription): string {
  return subscription.status === "active"
    ? subscription.status
    : `${subscription.status}${subscription.disabled_reason ? ` (${subscription.disabled_reason})` : ""}`;
}

function printSubscription(ctx: CommandContext, subscription: Subscription): void {
  if (ctx.json) {
    ctx.print.json(subscription);
    return;
  }
  ctx.print.fields([
    ["id", subscription.id],
    ["url", subscription.url],
    ["events", subscription.events.join(", ")],
    ["filter", filterText(subscription.filter)],
    ["status", statusText(subscription)],
  ]);
}

/** One line about an event, in the words of the case it is about. */
export function eventSummary(ctx: CommandContext, event: WebhookEvent): string {
  switch (event.type) {
    case "bulletin.published":
    case "bulletin.revoked": {
      const item = event.data;
      const what = hasContent(item)
        ? `${tlpLabel(ctx, item.bulletin.tlp)} ${item.bulletin.category} "${item.bulletin.title}"`
        : `${tlpLabel(ctx, "red")} (content only via cordon get ${item.id})`;
      return `${event.type} ${item.id} from ${item.issuer}: ${what}`;
    }
    case "sighting.reported":
      return `sighting.reported on ${event.data.bulletin_id}: ${event.data.indicator} seen by ${event.data.reporter}`;
    case "ping":
      return `ping for subscription ${event.subscription_id}`;
    default:
      return `${(event as { type: string }).type}`;
  }
}

function printWebhook(ctx: CommandContext, webhook: ReceivedWebhook): void {
  if (ctx.json) {
    ctx.print.jsonLine({
      webhook_id: webhook.webhookId ?? null,
      verified: webhook.verified,
      duplicate: webhook.duplicate,
      status: webhook.status,
      ...(webhook.error === undefined
        ? {}
        : { error: { code: webhook.error.code, message: webhook.error.message } }),
      ...(webhook.event === undefined ? {} : { event: webhook.event }),
    });
    return;
  }
  const c = ctx.print.out;
  const time = new Date().toISOString().slice(11, 19);
  if (!webhook.verified) {
    ctx.print.line(
      `${time} ${c.red("✘ refused (401)")} ${webhook.error?.message ?? ""} — webhook-id ${webhook.webhookId ?? "(none)"}`,
    );
    return;
  }
  if (webhook.duplicate) {
    ctx.print.line(
      `${time} ${c.dim(`↺ duplicate of ${webhook.webhookId} (already received; answered 200)`)}`,
    );
    return;
  }
  const checks = [webhook.checked.v1 && "v1 ✔", webhook.checked.v1a && "v1a ✔"]
    .filter(Boolean)
    .join(" ");
  if (webhook.event !== undefined) {
    ctx.print.line(
      `${time} ${c.green("✔")} ${eventSummary(ctx, webhook.event)} [${checks}] ${c.dim(webhook.webhookId ?? "")}`,
    );
  }
}

/**
 * Keeps the receipt of the change a verified bulletin event reports (its body's
 * `change`, DESIGN §10): what `cordon audit` checks is in the hub's log. Pings and
 * sightings report no change; a repeat writes the same file again.
 */
async function saveChangeReceipt(dir: string, webhook: ReceivedWebhook): Promise<void> {
  if (!webhook.verified || webhook.event === undefined) return;
  const change = (webhook.event as { change?: Change }).change;
  const data = webhook.event.data as { id?: unknown };
  if (change?.receipt === undefined || typeof data.id !== "string") return;
  await saveReceipt(dir, savedReceiptOf("webhook", data.id, change.receipt, change));
}

async function saveRequest(dir: string, webhook: ReceivedWebhook): Promise<void> {
  const id = (webhook.webhookId ?? "no-id").replace(/[^A-Za-z0-9._-]/g, "_");
  const name = `${Date.now()}-${id}.http`;
  await writeFile(
    join(dir, name),
    formatHttpMessage({
      method: webhook.method,
      path: webhook.path,
      headers: webhook.headers,
      body: webhook.body,
    }),
  );
}
