/**
 * Opening the mirror's SQLite file through better-sqlite3, loaded only when a mirror
 * is opened — so the CLI's other commands and the rest of the SDK work where the
 * native binding was never built — and failing, when it is missing, with a message
 * that says how to build it rather than with the loader's own.
 */
import { createRequire } from "node:module";
import type BetterSqlite3 from "better-sqlite3";
import { MirrorError } from "./errors.js";

export type Database = BetterSqlite3.Database;

const require = createRequire(import.meta.url);

/**
 * npm 11 runs a dependency's install script only when package.json's `allowScripts`
 * lists it; without the script, better-sqlite3 is installed without its binding.
 */
const HOW_TO_BUILD =
  "Build it with `npm rebuild better-sqlite3` (npm 11 runs its install script only when " +
  'package.json\'s "allowScripts" lists better-sqlite3; building needs python3, make and a C++ compiler).';

export interface OpenOptions {
  /** The path of better-sqlite3's compiled addon, when it is not where the package looks (bundles, tests). */
  nativeBinding?: string;
}

export function openDatabase(path: string, options: OpenOptions = {}): Database {
  let Driver: typeof BetterSqlite3;
  try {
    Driver = require("better-sqlite3") as typeof BetterSqlite3;
  } catch (cause) {
    throw new MirrorError(
      "ERR_MIRROR_SQLITE_UNAVAILABLE",
      `The mirror needs the better-sqlite3 package, which is not installed: ${messageOf(cause)}`,
      { cause },
    );
  }
  try {
    return new Driver(
      path,
      options.nativeBinding === undefined ? {} : { nativeBinding: options.nativeBinding },
    );
  } catch (cause) {
    if (!isMissingBinding(cause)) throw cause;
    throw new MirrorError(
      "ERR_MIRROR_SQLITE_UNAVAILABLE",
      `The mirror needs better-sqlite3's native binding, which cannot be loaded (${messageOf(cause)}). ${HOW_TO_BUILD}`,
      { cause },
    );
  }
}

/** The loader's failures (no compiled file, or one built for another Node), not SQLite's own. */
function isMissingBinding(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (code === "MODULE_NOT_FOUND" || code === "ERR_DLOPEN_FAILED") return true;
  const message = error instanceof Error ? error.message : "";
  return /bindings file|NODE_MODULE_VERSION|invalid ELF header/.test(message);
}

function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0] ?? message;
}
