/**
 * Where the CLI finds the hub, the organisation and its key: flags first, then the
 * environment (`CORDON_HUB_URL`, `CORDON_ORG`, `CORDON_KEY_FILE`, `CORDON_AUDIENCE`),
 * then a profile, then the local defaults. Profiles live in one JSON file:
 *
 *   ~/.config/cordon/profiles.json   ($XDG_CONFIG_HOME/cordon/…, or the file $CORDON_CONFIG)
 *   {
 *     "default": "trm",
 *     "profiles": {
 *       "trm": { "hub": "http://127.0.0.1:8080", "org": "trm", "key_file": "/home/ana/trm.jwk" }
 *     }
 *   }
 *
 * A profile is chosen with `--profile NAME`, else `$CORDON_PROFILE`, else `default`.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join, resolve } from "node:path";
import * as z from "zod";
import { fieldErrorsOf } from "../shared/errors/zod.js";
import { parseStrictJson } from "../shared/json/strict-json.js";
import { InputError } from "./sdk/errors.js";

export const DEFAULT_HUB_URL = "http://127.0.0.1:8080";
export const DEFAULT_AUDIENCE = "cordon";

const ProfileSchema = z.strictObject({
  hub: z.url({ protocol: /^https?$/ }).optional(),
  org: z.string().min(1).optional(),
  key_file: z.string().min(1).optional(),
  audience: z.string().min(1).optional(),
});
export type Profile = z.infer<typeof ProfileSchema>;

const ProfileFileSchema = z.strictObject({
  default: z.string().optional(),
  profiles: z.record(z.string(), ProfileSchema).default({}),
});
export type ProfileFile = z.infer<typeof ProfileFileSchema>;

/** The connection flags every command accepts. */
export interface ConnectionFlags {
  hub?: string;
  org?: string;
  key?: string;
  audience?: string;
  profile?: string;
}

export interface ResolvedConfig {
  hubUrl: string;
  audience: string;
  orgId: string | undefined;
  keyFile: string | undefined;
  /** The profile used, if any. */
  profile: string | undefined;
  profilePath: string;
}

export interface ConfigContext {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  homedir: string;
}

export function profilePath(context: ConfigContext): string {
  const explicit = context.env.CORDON_CONFIG;
  if (explicit !== undefined && explicit !== "") return resolve(context.cwd, explicit);
  const base = context.env.XDG_CONFIG_HOME || join(context.homedir, ".config");
  return join(base, "cordon", "profiles.json");
}

/** The profile file, or an empty one when there is none. */
export async function readProfileFile(path: string): Promise<ProfileFile> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { profiles: {} };
    throw error;
  }
  const parsed = parseStrictJson(text);
  if (!parsed.ok) throw new InputError(`${path} is not JSON: ${parsed.message}`);
  const result = ProfileFileSchema.safeParse(parsed.value);
  if (!result.success) {
    throw new InputError(`${path} is not a Cordon profile file.`, fieldErrorsOf(result.error));
  }
  return result.data;
}

/** Writes the profile file atomically (the rename), creating its folder. */
export async function writeProfileFile(path: string, file: ProfileFile): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, path);
}

/** Applies flags, environment, profile and defaults, in that order of precedence. */
export async function resolveConfig(
  flags: ConnectionFlags,
  context: ConfigContext,
): Promise<ResolvedConfig> {
  const path = profilePath(context);
  const env = context.env;
  const file = await readProfileFile(path);
  const chosen = flags.profile ?? (env.CORDON_PROFILE || undefined) ?? file.default;
  let profile: Profile = {};
  if (chosen !== undefined) {
    const found = file.profiles[chosen];
    if (found === undefined) {
      const known = Object.keys(file.profiles);
      throw new InputError(
        `There is no profile "${chosen}" in ${path}${known.length > 0 ? ` (profiles: ${known.join(", ")})` : ""}.`,
      );
    }
    profile = found;
  }
  const fromProfileFile = (file: string | undefined) =>
    file === undefined ? undefined : expandHome(file, context.homedir, dirname(path));
  const keyFromFlagOrEnv = flags.key ?? (env.CORDON_KEY_FILE || undefined);
  return {
    hubUrl: (flags.hub ?? (env.CORDON_HUB_URL || undefined) ?? profile.hub ?? DEFAULT_HUB_URL)
      .trim()
      .replace(/\/+$/, ""),
    audience:
      flags.audience ?? (env.CORDON_AUDIENCE || undefined) ?? profile.audience ?? DEFAULT_AUDIENCE,
    orgId: flags.org ?? (env.CORDON_ORG || undefined) ?? profile.org,
    keyFile:
      keyFromFlagOrEnv === undefined
        ? fromProfileFile(profile.key_file)
        : expandHome(keyFromFlagOrEnv, context.homedir, context.cwd),
    profile: chosen,
    profilePath: path,
  };
}

/** `~/x` is in the home folder; other relative paths are relative to `base`. */
function expandHome(path: string, home: string, base: string): string {
  if (path === "~") return home;
  if (path.startsWith("~/")) return join(home, path.slice(2));
  return isAbsolute(path) ? path : resolve(base, path);
}
