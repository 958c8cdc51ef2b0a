/**
 * Commands about who you are to the hub: `keygen`, `me`, `jwks`, `key add|revoke|list`
 * and `profile add|list` (where the CLI finds hub, organisation and key).
 */
import { type Command, Option } from "commander";
import { generateSigningKey } from "../../shared/signatures/keys.js";
import { profilePath, readProfileFile, writeProfileFile } from "../config.js";
import type { CommandContext, Runner } from "../context.js";
import { fetchHubJwks } from "../sdk/client.js";
import { InputError } from "../sdk/errors.js";
import { loadSigningKey, writePrivateKeyFile } from "../sdk/key-file.js";
import { type KeyRequest, parseKeyRequest } from "../sdk/key-request.js";
import type { AddedKey, Organisation } from "../sdk/types.js";

export function registerIdentityCommands(program: Command, ctx: CommandContext, run: Runner): void {
  program
    .command("keygen")
    .summary("generate a signing key pair")
    .description(
      "Generate a signing key pair. The private key (a JWK) is written to --out, readable " +
        "only by you, and is never overwritten. The public key is printed on stdout: send " +
        "it to the hub operator to be onboarded, or register it with `cordon key add`.",
    )
    .addOption(
      new Option("--alg <alg>", "key type").choices(["Ed25519", "ES256"]).default("Ed25519"),
    )
    .option("--kid <kid>", "key id (default: the key's RFC 7638 thumbprint)")
    .requiredOption("--out <file>", "file for the private key (mode 0600)")
    .addHelpText("after", "\nExample:\n  cordon keygen --out trm.jwk > trm.pub.jwk")
    .action(
      run(async (options: { alg: "Ed25519" | "ES256"; kid?: string; out: string }) => {
        const { signingKey, publicJwk } = await generateSigningKey(options.alg, options.kid);
        await writePrivateKeyFile(ctx.path(options.out), signingKey);
        ctx.print.json(publicJwk);
        ctx.print.note(
          `Private key written to ${options.out} (kid ${signingKey.kid}); keep it secret.\n` +
            "The public key above is what you send to the hub operator.",
        );
        return undefined;
      }),
    );

  program
    .command("me")
    .summary("show your organisation: roles, groups, keys")
    .description("Show your organisation as the hub knows it: roles, groups, status and keys.")
    .action(
      run(async () => {
        const me = await (await ctx.client()).me();
        if (ctx.json) ctx.print.json(me);
        else printOrganisation(ctx, me);
        return undefined;
      }),
    );

  program
    .command("jwks")
    .summary("print an organisation's or the hub's public keys")
    .argument("[org]", "an organisation id; without it, the hub's own keys")
    .description(
      "Print published public keys as a JWKS: an organisation's (revoked ones included, " +
        "with their history) or, without ORG, the hub's (which sign receipts and webhooks).",
    )
    .action(
      run(async (org: string | undefined) => {
        // The hub's keys are public: no organisation or key is needed for them.
        ctx.print.json(
          org === undefined
            ? await fetchHubJwks((await ctx.config()).hubUrl, ctx.io.fetch)
            : await (await ctx.client()).orgJwks(org),
        );
        return undefined;
      }),
    );

  const key = program
    .command("key")
    .summary("add, revoke or list your keys")
    .description("Add, revoke or list your organisation's keys (rotation without downtime).");
  key
    .command("add")
    .description(
      "Register a new key, signed with your current key, with a proof made by the new " +
        "one (so no one can register a key they do not hold). Then sign with the new key " +
        "and revoke the old one: that is a rotation without downtime. With --request, " +
        "register a colleague's key from the key request the analyst console made " +
        "(its proof is good for 5 minutes).",
    )
    .option("--new-key <file>", "the new private key file (from `cordon keygen`)")
    .option("--request <file>", "a key request file (from the analyst console)")
    .addHelpText(
      "after",
      "\nExamples:\n  cordon keygen --out trm-2.jwk > /dev/null\n  cordon key add --new-key trm-2.jwk\n" +
        "  cordon key add --request alice.key-request.json",
    )
    .action(
      run(async (options: { newKey?: string; request?: string }) => {
        if ((options.newKey === undefined) === (options.request === undefined)) {
          throw new InputError("Give either --new-key FILE or --request FILE.");
        }
        const client = await ctx.client();
        let added: AddedKey;
        if (options.request !== undefined) {
          const request = await readKeyRequest(ctx, options.request);
          if (request.org !== client.orgId) {
            throw new InputError(
              `${options.request} asks for a key of ${request.org}, but you sign as ${client.orgId}.`,
            );
          }
          added = await client.keys.addRequest(request);
        } else {
          added = await client.keys.add(await loadSigningKey(ctx.path(options.newKey ?? "")));
        }
        if (ctx.json) ctx.print.json(added);
        else if (options.request !== undefined) {
          ctx.print.line(`Added key ${added.kid} (active since ${added.created_at}).`);
          ctx.print.note("Its holder can sign in to the console with it now.");
        } else {
          ctx.print.line(`Added key ${added.kid} (active since ${added.created_at}).`);
          ctx.print.note(
            `Sign with it from now on (--key ${options.newKey}, CORDON_KEY_FILE or your profile),\n` +
              `then revoke the old key with \`${ctx.commandLine("key revoke OLD_KID")}\`.`,
          );
        }
        return undefined;
      }),
    );
  key
    .command("revoke")
    .argument("<kid>", "the key id to revoke")
    // A key id is base64url (a thumbprint, say) and may begin with "-": take it as the
    // argument rather than refusing it as an unknown option.
    .allowUnknownOption()
    .description(
      "Revoke one of your keys at once: requests signed with it are refused from now on. " +
        "It stays published, marked revoked, so bulletins it signed stay verifiable.",
    )
    .action(
      run(async (kid: string) => {
        await (await ctx.client()).keys.revoke(kid);
        if (ctx.json) ctx.print.json({ kid, status: "revoked" });
        else ctx.print.line(`Revoked key ${kid}.`);
        return undefined;
      }),
    );
  key
    .command("list")
    .description("List your organisation's keys and their status.")
    .action(
      run(async () => {
        const me = await (await ctx.client()).me();
        if (ctx.json) ctx.print.json(me.keys);
        else
          ctx.print.table(
            ["KID", "STATUS", "CREATED", "REVOKED"],
            me.keys.map((k) => [k.kid, k.status, k.created_at, k.revoked_at ?? ""]),
          );
        return undefined;
      }),
    );

  const profile = program
    .command("profile")
    .summary("save hub, organisation and key settings")
    .description("Save named settings (hub, organisation, key file) so commands need no flags.");
  profile
    .command("add")
    .argument("<name>", "profile name")
    .description(
      "Save the --hub, --org, --key and --audience given with this command as profile NAME " +
        "in the profile file (~/.config/cordon/profiles.json; the key file is stored as an " +
        "absolute path). Use it with --profile NAME or CORDON_PROFILE=NAME; the default " +
        "profile is used otherwise.",
    )
    .addHelpText(
      "after",
      "\nExample:\n  cordon profile add trm --hub http://127.0.0.1:8080 --org trm --key trm.jwk --default",
    )
    .option("--default", "make it the default profile")
    .action(
      run(async (name: string, options: { default?: boolean }) => {
        // --hub, --org, --key and --audience are the program's own flags.
        const flags = ctx.flags();
        const path = profilePath(ctx.io);
        const file = await readProfileFile(path);
        const entry = {
          ...(flags.hub === undefined ? {} : { hub: flags.hub.replace(/\/+$/, "") }),
          ...(flags.org === undefined ? {} : { org: flags.org }),
          ...(flags.key === undefined ? {} : { key_file: ctx.path(flags.key) }),
          ...(flags.audience === undefined ? {} : { audience: flags.audience }),
        };
        if (Object.keys(entry).length === 0) {
          throw new InputError("Give at least one of --hub, --org, --key, --audience.");
        }
        file.profiles[name] = entry;
        if (options.default === true || file.default === undefined) file.default = name;
        await writeProfileFile(path, file);
        ctx.print.line(
          `Saved profile ${name} in ${path}${file.default === name ? " (the default)" : ""}.`,
        );
        return undefined;
      }),
    );
  profile
    .command("list")
    .description("List the saved profiles.")
    .action(
      run(async () => {
        const path = profilePath(ctx.io);
        const file = await readProfileFile(path);
        if (ctx.json) {
          ctx.print.json(file);
          return undefined;
        }
        const rows = Object.entries(file.profiles).map(([name, p]) => [
          file.default === name ? `${name} *` : name,
          p.org ?? "",
          p.hub ?? "",
          p.key_file ?? "",
        ]);
        if (rows.length === 0) ctx.print.note(`No profiles in ${path}.`);
        else ctx.print.table(["PROFILE", "ORG", "HUB", "KEY FILE"], rows);
        return undefined;
      }),
    );
}

export function printOrganisation(ctx: CommandContext, org: Organisation): void {
  const c = ctx.print.out;
  ctx.print.fields([
    ["id", c.bold(org.id)],
    ["name", org.name],
    ["type", org.type],
    ["roles", org.roles.join(", ") || "(none)"],
    ["groups", org.groups.join(", ") || "(none)"],
    ["status", org.status === "active" ? c.green(org.status) : c.red(org.status)],
  ]);
  for (const key of org.keys) {
    ctx.print.line(
      key.status === "active"
        ? `  key ${key.kid}  ${c.green("active")}  since ${key.created_at}`
        : `  key ${key.kid}  ${c.dim("revoked")}  at ${key.revoked_at ?? "(unknown)"} (added ${key.created_at})`,
    );
  }
}

/** A key request file (from the console), parsed; an InputError saying what is wrong. */
export async function readKeyRequest(ctx: CommandContext, file: string): Promise<KeyRequest> {
  const value = await ctx.readJson<unknown>(file);
  try {
    return parseKeyRequest(value);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const first = error.errors[0];
    throw new InputError(
      `${file} is not a Cordon key request` +
        (first === undefined ? "." : ` (${first.pointer || "/"}: ${first.message}).`),
    );
  }
}
