/**
 * Feed-token commands (DESIGN §11): `feed-token create --name NAME [--days N]`, `list`
 * and `revoke ID`. A feed token is what OpenCTI, MISP or another TAXII client presents
 * to read the hub's TAXII collection and MISP feed: read-only, up to TLP:AMBER.
 */
import type { Command } from "commander";
import { FEED_TOKEN_MAX_DAYS } from "../../shared/feed-tokens/types.js";
import type { CommandContext, Runner } from "../context.js";
import type { FeedToken } from "../sdk/types.js";
import { integer } from "./options.js";

const DAY_MS = 24 * 60 * 60 * 1000;

export function registerFeedTokenCommands(
  program: Command,
  ctx: CommandContext,
  run: Runner,
): void {
  const feedToken = program
    .command("feed-token")
    .summary("create, list and revoke feed tokens for OpenCTI, MISP and TAXII clients")
    .description(
      "Feed tokens let a threat-intelligence platform read the hub's TAXII 2.1 collection " +
        "(/taxii2/) and MISP feed (/misp/) without signing requests. A token sees what your " +
        "organisation sees up to TLP:AMBER (never AMBER+STRICT or RED); you hold at most 10 live ones.",
    );
  feedToken
    .command("create")
    .description("Create a feed token. It is printed once: give it to the platform that polls.")
    .requiredOption("--name <name>", "what it is for, e.g. opencti-prod")
    .option(
      "--days <n>",
      `days until it expires (1-${FEED_TOKEN_MAX_DAYS}, default ${FEED_TOKEN_MAX_DAYS})`,
      integer(1, FEED_TOKEN_MAX_DAYS),
    )
    .addHelpText(
      "after",
      "\nThen, in OpenCTI (Data > Ingestion > TAXII feeds): URL <hub>/taxii2/cordon/, collection\n" +
        "4e1b7c1a-6f52-4c55-9d39-8a7c5b0e3f10, authentication Bearer <token>. In MISP (Feeds >\n" +
        "Add feed, MISP feed): URL <hub>/misp, headers `Authorization: Bearer <token>`. See docs/interop.md.",
    )
    .action(
      run(async (options: { name: string; days?: number }) => {
        const client = await ctx.client();
        const created = await client.feedTokens.create({
          name: options.name,
          ...(options.days === undefined
            ? {}
            : { expires_at: new Date(Date.now() + options.days * DAY_MS - 60_000).toISOString() }),
        });
        if (ctx.json) {
          ctx.print.json(created);
        } else {
          ctx.print.fields([
            ["id", created.id],
            ["name", created.name],
            ["expires", created.expires_at],
            ["sees up to", `TLP:${created.max_tlp.toUpperCase()}`],
            ["token", ctx.print.out.bold(created.token)],
          ]);
        }
        ctx.print.warn(
          "store this token now: it is shown only this once (the hub keeps its hash). " +
            `Lost or leaked? \`${ctx.commandLine(`feed-token revoke ${created.id}`)}\`.`,
        );
        return undefined;
      }),
    );
  feedToken
    .command("list", { isDefault: true })
    .description("List your feed tokens (never the tokens themselves).")
    .action(
      run(async () => {
        const items = await (await ctx.client()).feedTokens.list();
        if (ctx.json) ctx.print.json(items);
        else if (items.length === 0) ctx.print.note("No feed tokens.");
        else
          ctx.print.table(
            ["ID", "NAME", "STATUS", "CREATED", "EXPIRES"],
            items.map((t: FeedToken) => [t.id, t.name, t.status, t.created_at, t.expires_at]),
          );
        return undefined;
      }),
    );
  feedToken
    .command("revoke")
    .argument("<id>", "feed token id")
    .description("Revoke a feed token: the hub refuses it from the next request on.")
    .action(
      run(async (id: string) => {
        await (await ctx.client()).feedTokens.revoke(id);
        ctx.print.line(`Revoked ${id}.`);
        return undefined;
      }),
    );
}
