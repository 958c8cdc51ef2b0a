/**
 * The hub operator's commands: `admin org add|list|show|update|suspend|activate`
 * (signed as an organisation with the `admin` role, e.g. `hub-admin`), `admin
 * bootstrap`, which creates that first administrator in a deployed hub's DynamoDB
 * table, and `admin recover`, which registers a new administrator key when the old
 * one is lost — through the data folder or the table, never through the API.
 */
import type { Command } from "commander";
import { ORG_TYPES, ROLES } from "../../shared/orgs/types.js";
import { SignatureError } from "../../shared/signatures/errors.js";
import { hasPrivateMaterial, parsePublicJwk } from "../../shared/signatures/keys.js";
import type { PublicJwk } from "../../shared/signatures/types.js";
import type { Store } from "../../shared/store/types.js";
import type { CommandContext, Runner } from "../context.js";
import { InputError } from "../sdk/errors.js";
import { checkKeyRequest } from "../sdk/key-request.js";
import type { OrgType, Role } from "../sdk/types.js";
import { printOrganisation, readKeyRequest } from "./identity.js";
import { choiceList, collect, collectList } from "./options.js";

const ADMIN_ORG_ID = "hub-admin";

export function registerAdminCommands(program: Command, ctx: CommandContext, run: Runner): void {
  const admin = program
    .command("admin")
    .summary("hub operator: onboard and manage organisations")
    .description("Hub operator commands: onboard and manage organisations.");
  const org = admin
    .command("org")
    .summary("onboard and manage organisations")
    .description(
      "Onboard and manage organisations (sign as an admin organisation, e.g. --org hub-admin " +
        "--key .cordon/admin.jwk on a local hub).",
    );

  org
    .command("add")
    .alias("create")
    .description(
      "Onboard an organisation with the public key(s) it sent you, or with the key request " +
        "its analyst made in the console (--request: the proof is checked here first, and " +
        "the id is the request's).",
    )
    .option("--id <id>", "organisation id: a-z, 0-9 and inner hyphens (e.g. binance)")
    .requiredOption("--name <name>", "display name")
    .requiredOption("--type <type>", `one of ${ORG_TYPES.join(", ")}`)
    .requiredOption(
      "--roles <list>",
      `comma-separated, from ${ROLES.filter((r) => r !== "admin").join(", ")} (or admin alone)`,
      choiceList(ROLES),
    )
    .option("--groups <list>", "comma-separated groups, e.g. exchanges", collectList)
    .option(
      "--public-jwk <file>",
      "the organisation's public JWK (or a JWKS); repeat for several keys",
      collect,
    )
    .option("--request <file>", "a key request from the analyst console (instead of --public-jwk)")
    .addHelpText(
      "after",
      "\nExamples:\n  cordon admin org add --id trm --name 'TRM Labs' --type forensics \\\n" +
        "    --roles publish,subscribe,screen --public-jwk trm.pub.jwk\n" +
        "  cordon admin org create --request nbt.key-request.json --name 'NBT FMD' \\\n" +
        "    --type central_bank --roles subscribe,screen --groups central-banks",
    )
    .action(
      run(
        async (options: {
          id?: string;
          name: string;
          type: string;
          roles: Role[];
          groups?: string[];
          publicJwk?: string[];
          request?: string;
        }) => {
          if (!(ORG_TYPES as readonly string[]).includes(options.type)) {
            throw new InputError(`--type must be one of ${ORG_TYPES.join(", ")}.`);
          }
          if ((options.publicJwk === undefined) === (options.request === undefined)) {
            throw new InputError("Give either --public-jwk FILE or --request FILE.");
          }
          const keys: PublicJwk[] = [];
          let id = options.id;
          if (options.request !== undefined) {
            const request = await readKeyRequest(ctx, options.request);
            if (id !== undefined && id !== request.org) {
              throw new InputError(
                `${options.request} is a key request for ${request.org}, not ${id}.`,
              );
            }
            // The hub takes onboarding keys without a proof: check it here, so the
            // organisation is created only for someone who holds the key.
            await checkKeyRequest(request);
            id = request.org;
            keys.push(request.jwk);
          }
          for (const file of options.publicJwk ?? []) {
            keys.push(...(await readPublicKeys(ctx, file)));
          }
          if (id === undefined) throw new InputError("--id is required with --public-jwk.");
          const created = await (await ctx.client()).admin.createOrg({
            id,
            name: options.name,
            type: options.type as OrgType,
            roles: options.roles,
            groups: options.groups ?? [],
            jwks: { keys },
          });
          if (ctx.json) ctx.print.json(created);
          else {
            ctx.print.line(`Onboarded ${created.id}.`);
            printOrganisation(ctx, created);
          }
          return undefined;
        },
      ),
    );

  org
    .command("list")
    .description("List every organisation on the hub: roles, groups, status, keys.")
    .action(
      run(async () => {
        const orgs = await (await ctx.client()).admin.listOrgs();
        if (ctx.json) ctx.print.json(orgs);
        else if (orgs.length === 0) ctx.print.note("No organisations.");
        else
          ctx.print.table(
            ["ID", "TYPE", "STATUS", "ROLES", "GROUPS", "KEYS", "NAME"],
            orgs.map((o) => [
              o.id,
              o.type,
              o.status,
              o.roles.join(",") || "-",
              o.groups.join(",") || "-",
              `${o.keys.filter((k) => k.status === "active").length} active`,
              o.name,
            ]),
          );
        return undefined;
      }),
    );

  org
    .command("show")
    .argument("<id>", "organisation id")
    .description("Show an organisation.")
    .action(
      run(async (id: string) => {
        const found = await (await ctx.client()).admin.getOrg(id);
        if (ctx.json) ctx.print.json(found);
        else printOrganisation(ctx, found);
        return undefined;
      }),
    );

  org
    .command("update")
    .argument("<id>", "organisation id")
    .description("Change an organisation's name, roles or groups.")
    .option("--name <name>", "display name")
    .option("--roles <list>", "the new roles, comma-separated", choiceList(ROLES))
    .option("--groups <list>", "the new groups, comma-separated ('' for none)", collectList)
    .action(
      run(async (id: string, options: { name?: string; roles?: Role[]; groups?: string[] }) => {
        if (Object.keys(options).length === 0) {
          throw new InputError("Give at least one of --name, --roles, --groups.");
        }
        const updated = await (await ctx.client()).admin.patchOrg(id, options);
        if (ctx.json) ctx.print.json(updated);
        else printOrganisation(ctx, updated);
        return undefined;
      }),
    );

  for (const [name, status, summary] of [
    [
      "suspend",
      "suspended",
      "Suspend an organisation: its requests are refused until it is activated.",
    ],
    ["activate", "active", "Activate a suspended organisation again."],
  ] as const) {
    org
      .command(name)
      .argument("<id>", "organisation id")
      .description(summary)
      .action(
        run(async (id: string) => {
          const updated = await (await ctx.client()).admin.patchOrg(id, { status });
          if (ctx.json) ctx.print.json(updated);
          else ctx.print.line(`${updated.id} is now ${updated.status}.`);
          return undefined;
        }),
      );
  }

  admin
    .command("bootstrap")
    .summary("AWS: create the first administrator in the table")
    .description(
      "AWS only: create the first administrator organisation (hub-admin) in a deployed " +
        "hub's DynamoDB table, with your AWS credentials and the public key you give. No " +
        "key is ever created for you: generate one with `cordon keygen` and keep it safe. " +
        "Does nothing if the organisation exists.",
    )
    .requiredOption("--table <name>", "the hub's DynamoDB table (a stack output)")
    .requiredOption("--public-jwk <file>", "the administrator's public JWK")
    .option("--region <region>", "AWS region (default: from your AWS configuration)")
    .option("--id <id>", "administrator organisation id", ADMIN_ORG_ID)
    .option("--endpoint <url>", "DynamoDB endpoint (testing against a local DynamoDB)")
    .addHelpText(
      "after",
      "\nExample:\n  cordon keygen --out hub-admin.jwk > hub-admin.pub.jwk\n" +
        "  cordon admin bootstrap --table CordonStack-Table1234 --public-jwk hub-admin.pub.jwk --region eu-west-1",
    )
    .action(
      run(
        async (options: {
          table: string;
          publicJwk: string;
          region?: string;
          id: string;
          endpoint?: string;
        }) => {
          const jwk = await readOnePublicKey(ctx, options.publicJwk);
          const { ensureAdminOrganisation } = await import("../../shared/orgs/onboarding.js");
          const created = await withTable(options, (store) =>
            ensureAdminOrganisation({ store, clock: { now: () => new Date() } }, options.id, jwk),
          );
          if (ctx.json) ctx.print.json({ id: options.id, created, kid: jwk.kid });
          else if (created) {
            ctx.print.line(
              `Created the administrator organisation ${options.id} in ${options.table} with key ${jwk.kid}.`,
            );
          } else {
            ctx.print.line(`${options.id} already exists in ${options.table}; nothing changed.`);
          }
          return undefined;
        },
      ),
    );

  admin
    .command("recover")
    .summary("register a new administrator key when admin.jwk is lost")
    .description(
      "Register a new administrator key for hub-admin when its key is lost, through a path " +
        "only the hub's operator has — never through the API. The old keys are revoked.\n\n" +
        "Local hub (default): writes a new key to DIR/admin.jwk (refusing to replace one) and " +
        "its public half to DIR/admin-recovery.pub.jwk, which the hub registers at its next " +
        "start. Stop the hub first, or restart it after.\n\n" +
        "AWS (--table): writes the public key you give (from `cordon keygen`) into the " +
        "deployed hub's DynamoDB table with your AWS credentials.",
    )
    .option(
      "--data-dir <dir>",
      "the local hub's data folder (default: $CORDON_DATA_DIR or ./.cordon)",
    )
    .option("--table <name>", "AWS: the hub's DynamoDB table (a stack output)")
    .option("--public-jwk <file>", "AWS: the new administrator public JWK")
    .option("--region <region>", "AWS region (default: from your AWS configuration)")
    .option("--id <id>", "administrator organisation id", ADMIN_ORG_ID)
    .option("--endpoint <url>", "DynamoDB endpoint (testing against a local DynamoDB)")
    .addHelpText(
      "after",
      "\nExamples:\n  cordon admin recover --data-dir .cordon      # then restart the hub\n" +
        "  cordon keygen --out hub-admin-2.jwk > hub-admin-2.pub.jwk\n" +
        "  cordon admin recover --table CordonStack-Table1234 --public-jwk hub-admin-2.pub.jwk",
    )
    .action(
      run(
        async (options: {
          dataDir?: string;
          table?: string;
          publicJwk?: string;
          region?: string;
          id: string;
          endpoint?: string;
        }) => {
          if (options.table === undefined) {
            if (options.publicJwk !== undefined) {
              throw new InputError(
                "--public-jwk is for --table (AWS); a local recovery makes its own key.",
              );
            }
            const root = ctx.path(options.dataDir ?? ctx.io.env.CORDON_DATA_DIR ?? ".cordon");
            const { writeAdminRecovery } = await import("../../local/data-dir.js");
            const { LocalHubError } = await import("../../local/errors.js");
            let key: Awaited<ReturnType<typeof writeAdminRecovery>>;
            try {
              key = await writeAdminRecovery(root);
            } catch (error) {
              if (error instanceof LocalHubError) throw new InputError(error.message);
              throw error;
            }
            if (ctx.json)
              ctx.print.json({ data_dir: root, kid: key.kid, applied_at: "next start" });
            else {
              ctx.print.line(
                `Wrote a new administrator key to ${root}/admin.jwk (kid ${key.kid}).`,
              );
              ctx.print.line(
                `The hub registers it for ${options.id} at its next start and revokes the old key: ` +
                  "restart the hub now (Ctrl-C, then npm start).",
              );
            }
            return undefined;
          }
          if (options.publicJwk === undefined) {
            throw new InputError("--table needs --public-jwk: the new administrator's public key.");
          }
          const jwk = await readOnePublicKey(ctx, options.publicJwk);
          const { recoverAdminKey } = await import("../../shared/orgs/onboarding.js");
          const table = { ...options, table: options.table };
          const recovered = await withTable(table, (store) =>
            recoverAdminKey({ store, clock: { now: () => new Date() } }, options.id, jwk),
          );
          if (ctx.json) ctx.print.json({ id: options.id, kid: jwk.kid, ...recovered });
          else {
            ctx.print.line(
              `${options.id} signs with ${jwk.kid} from now on` +
                (recovered.revoked.length === 0
                  ? "."
                  : `; revoked ${recovered.revoked.join(", ")}.`),
            );
          }
          return undefined;
        },
      ),
    );
}

/** A deployed hub's table, through the AWS SDK (loaded only here: it is heavy). */
async function withTable<T>(
  options: { table: string; region?: string; endpoint?: string },
  use: (store: Store) => Promise<T>,
): Promise<T> {
  const [{ DynamoDBClient }, { createDynamoStore }] = await Promise.all([
    import("@aws-sdk/client-dynamodb"),
    import("../../shared/store/dynamo/store.js"),
  ]);
  const client = new DynamoDBClient({
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
  });
  try {
    return await use(createDynamoStore(client, options.table));
  } finally {
    client.destroy();
  }
}

async function readOnePublicKey(ctx: CommandContext, file: string): Promise<PublicJwk> {
  const keys = await readPublicKeys(ctx, file);
  const [jwk] = keys;
  if (jwk === undefined || keys.length !== 1) {
    throw new InputError(`${file} must hold exactly one public JWK.`);
  }
  return jwk;
}

/** Public keys from a file holding one JWK or a JWKS; a private key is refused, never sent. */
export async function readPublicKeys(ctx: CommandContext, file: string): Promise<PublicJwk[]> {
  const value = await ctx.readJson<{ keys?: unknown }>(file);
  const entries: unknown[] = Array.isArray(value.keys) ? value.keys : [value];
  return entries.map((entry, index) => {
    if (hasPrivateMaterial(entry)) {
      throw new InputError(
        `${file} holds a PRIVATE key. Only the public key (what \`cordon keygen\` prints) is ever sent; keep this file secret.`,
      );
    }
    try {
      return parsePublicJwk(entry);
    } catch (error) {
      if (!(error instanceof SignatureError)) throw error;
      const at = entries.length > 1 ? ` (key ${index + 1})` : "";
      throw new InputError(`${file}${at} is not a usable public JWK: ${error.message}`);
    }
  });
}
