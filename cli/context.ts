/**
 * What every command is given: the streams, the printer, the global flags, and the
 * connection to the hub built lazily from flags, environment and profile — so
 * `keygen` or `--help` never needs a hub, a key or a profile file.
 */
import { readFile } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { parseStrictJson } from "../shared/json/strict-json.js";
import type { SigningKey } from "../shared/signatures/types.js";
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

/** `value` as one shell word: quoted when it holds anything a shell would split or expand. */
function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, "'\\''")}'`;
}

/** `text`, read from `file`, as strict JSON (duplicate members refused), else an InputError. */
export function jsonOf(text: string, file: string): unknown {
  const parsed = parseStrictJson(text);
  if (!parsed.ok) throw new InputError(`${file} is not JSON: ${parsed.message}`);
  return parsed.value;
}

export class CommandContext {
  #config: Promise<ResolvedConfig> | undefined;
  #key: Promise<SigningKey> | undefined;
  #client: Promise<CordonClient> | undefined;

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

  /**
   * The configured organisation and its signing key. The key file is read and checked
   * once per command, however many times this is asked; `missing` is the message when
   * no organisation or key is configured.
   */
  async signer(
    missing = "Which organisation, with which key? Give --org and --key, set CORDON_ORG and " +
      "CORDON_KEY_FILE, or add a profile (cordon profile add --help).",
  ): Promise<{ orgId: string; key: SigningKey }> {
    const config = await this.config();
    if (config.orgId === undefined || config.keyFile === undefined) {
      throw new InputError(missing);
    }
    this.#key ??= this.#loadKey(config.keyFile);
    return { orgId: config.orgId, key: await this.#key };
  }

  /** A client signing as the configured organisation with the configured key (made once). */
  client(): Promise<CordonClient> {
    this.#client ??= this.#newClient();
    return this.#client;
  }

  async #newClient(): Promise<CordonClient> {
    const { orgId, key } = await this.signer();
    const config = await this.config();
    return new CordonClient({
      baseUrl: config.hubUrl,
      orgId,
      key,
      audience: config.audience,
      fetch: this.io.fetch,
    });
  }

  async #loadKey(keyFile: string): Promise<SigningKey> {
    const key = await loadSigningKey(keyFile);
    if (await isKeyFileExposed(keyFile)) {
      this.print.warn(`${keyFile} can be read by other users; run chmod 600 on it.`);
    }
    return key;
  }

  /**
   * `cordon ARGS` as the user would type it next, with the connection flags they gave
   * this time (`--profile`, `--hub`, …), so a suggested command works as printed.
   */
  commandLine(args: string): string {
    const flags = this.globals();
    const given: string[] = [];
    for (const [flag, value] of [
      ["--profile", flags.profile],
      ["--hub", flags.hub],
      ["--org", flags.org],
      ["--key", flags.key],
      ["--audience", flags.audience],
    ] as const) {
      if (value !== undefined) given.push(flag, shellWord(value));
    }
    return ["cordon", ...given, args].join(" ");
  }

  /** A path as the user meant it: relative to the working folder. */
  path(file: string): string {
    return isAbsolute(file) ? file : resolve(this.io.cwd, file);
  }

  /** FILE (or standard input for `-`) as strict JSON; an {@link InputError} when it is not. */
  async readJson<T = unknown>(file: string): Promise<T> {
    return jsonOf((await this.readInput(file)).toString("utf8"), file) as T;
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
