/**
 * The `cordon` command line: builds the commander program over a {@link CliIo} and
 * runs it, answering the exit code instead of exiting, so tests run it in-process.
 */
import { Command, CommanderError } from "commander";
import { registerAdminCommands } from "./commands/admin.js";
import { registerAuditCommands } from "./commands/audit.js";
import { registerBulletinCommands } from "./commands/bulletins.js";
import { registerFeedTokenCommands } from "./commands/feed-tokens.js";
import { registerIdentityCommands } from "./commands/identity.js";
import { registerInteropCommands } from "./commands/interop.js";
import { registerMirrorCommands } from "./commands/mirror.js";
import { registerScreeningCommands } from "./commands/screening.js";
import { registerWebhookCommands } from "./commands/webhooks.js";
import { CommandContext, type GlobalOptions, type Runner } from "./context.js";
import { EXIT_CODES_HELP, EXIT_ERROR, EXIT_OK, type ExitCode } from "./exit-codes.js";
import { type CliIo, Printer } from "./io.js";
import { reportError } from "./report-error.js";

const VERSION = "0.1.0";

const CONFIGURATION_HELP = `Configuration (first found wins):
  flags          --hub URL  --org ID  --key FILE  --audience AUD  --profile NAME
  environment    CORDON_HUB_URL  CORDON_ORG  CORDON_KEY_FILE  CORDON_AUDIENCE  CORDON_PROFILE
  profile file   ~/.config/cordon/profiles.json (see \`cordon profile add --help\`)
  defaults       hub http://127.0.0.1:8080, audience cordon`;

export function buildProgram(io: CliIo, onExit: (code: ExitCode) => void): Command {
  const print = new Printer(io);
  const program = new Command("cordon");
  const ctx = new CommandContext(io, print, () => program.opts<GlobalOptions>());

  program
    .description(
      "Cordon: post, screen and subscribe to signed indicator bulletins\n" +
        "(crypto addresses, transactions and channels tied to terrorist financing,\n" +
        "sanctions evasion, ransomware, scams and hacks).",
    )
    .version(VERSION, "-V, --version")
    .option("--hub <url>", "hub URL (CORDON_HUB_URL)")
    .option("--org <id>", "your organisation id (CORDON_ORG)")
    .option("--key <file>", "your private key file (CORDON_KEY_FILE)")
    .option(
      "--audience <aud>",
      "the hub's audience: cordon locally, else its URL (CORDON_AUDIENCE)",
    )
    .option("--profile <name>", "use a saved profile (CORDON_PROFILE)")
    .option("--json", "print machine-readable JSON")
    .showHelpAfterError("(add --help for usage)")
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(print.err.red(text)),
    })
    .addHelpText("after", `\n${CONFIGURATION_HELP}\n\n${EXIT_CODES_HELP}\n`);

  const run: Runner =
    (action) =>
    async (...args) => {
      try {
        onExit((await action(...args)) ?? EXIT_OK);
      } catch (error) {
        const hubUrl = await ctx.config().then(
          (config) => config.hubUrl,
          () => undefined,
        );
        reportError(print, error, hubUrl);
        onExit(EXIT_ERROR);
      }
    };

  registerIdentityCommands(program, ctx, run);
  registerAdminCommands(program, ctx, run);
  registerBulletinCommands(program, ctx, run);
  registerInteropCommands(program, ctx, run);
  registerScreeningCommands(program, ctx, run);
  registerMirrorCommands(program, ctx, run);
  registerWebhookCommands(program, ctx, run);
  registerAuditCommands(program, ctx, run);
  registerFeedTokenCommands(program, ctx, run);
  summarise(program);
  return program;
}

/** Command lists show each command's first sentence; its own --help shows the whole text. */
function summarise(command: Command): void {
  for (const sub of command.commands) {
    if (sub.summary() === "") {
      const first = sub.description().split(/(?<=\.)\s|\n/)[0] ?? "";
      sub.summary(first.replace(/[.:]$/, ""));
    }
    summarise(sub);
  }
}

/** Runs `cordon ARGS…` and answers its exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  let code: ExitCode = EXIT_OK;
  const program = buildProgram(io, (exit) => {
    code = exit;
  });
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    // Help and version end with exitCode 0; usage errors are errors (2), not findings.
    return error.exitCode === 0 ? EXIT_OK : EXIT_ERROR;
  }
  return code;
}
