/**
 * What every command is given: the streams, the printer, the global flags, and the
 * connection to the hub built lazily from flags, environment and profile — so
 * `keygen` or `--help` never needs a hub, a key or a profile file.
 */
import { readFile } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { type ConnectionFlags, type ResolvedConfig, resolveConfig } from "./config.js";
import type { ExitCode } from "./exit-codes.js";
import type { CliIo, Printer } from "./io.js";
import { CordonClient } from "./sdk/client.js";
import { InputError } from "./sdk/errors.js";
import { isKeyFileExposed, loadSigningKey } from "./sdk/key-file.js";

/** Wraps a command's action: its answer becomes the exit code; a throw is reported once. */
export type Runner = <A extends unknown[]>(
  action: (...args: A) => Promise<ExitCode | undefined>,
) => (...args: A) => Promise<void>;

export interface GlobalOptions extends ConnectionFlags {
  json?: boolean;
}

export class CommandContext {
  #config: Promise<ResolvedConfig> | undefined;

  constructor(
    readonly io: CliIo,
    readonly print: Printer,
    private readonly globals: () => GlobalOptions,
  ) {}

  /** The program's own flags (connection, profile, --json). */
  flags(): GlobalOptions {
    return this.globals();
  }

  /** Machine-readable output was asked for (`--json`). */
  get json(): boolean {
    return this.globals().json === true;
  }

  config(): Promise<ResolvedConfig> {
    this.#config ??= resolveConfig(this.globals(), this.io);
    return this.#config;
  }

  /** A client signing as the configured organisation with the configured key. */
  async client(): Promise<CordonClient> {
    const config = await this.config();
    if (config.orgId === undefined || config.keyFile === undefined) {
      throw new InputError(
        "Which organisation, with which key? Give --org and --key, set CORDON_ORG and " +
          "CORDON_KEY_FILE, or add a profile (cordon profile add --help).",
      );
    }
    const key = await loadSigningKey(config.keyFile);
    if (await isKeyFileExposed(config.keyFile)) {
      this.print.warn(`${config.keyFile} can be read by other users; run chmod 600 on it.`);
    }
    return new CordonClient({
      baseUrl: config.hubUrl,
      orgId: config.orgId,
      key,
      audience: config.audience,
      fetch: this.io.fetch,
    });
  }

  /** A path as the user meant it: relative to the working folder. */
  path(file: string): string {
    return isAbsolute(file) ? file : resolve(this.io.cwd, file);
  }

  /** The bytes of FILE, or of standard input for `-`. */
  async readInput(file: string): Promise<Buffer> {
    if (file === "-") {
      const chunks: Buffer[] = [];
      for await (const chunk of this.io.stdin) {
        chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk));
      }
      return Buffer.concat(chunks);
    }
    try {
      return await readFile(this.path(file));
    } catch (cause) {
      throw new InputError(`Cannot read ${file}: ${(cause as Error).message}`);
    }
  }
}
