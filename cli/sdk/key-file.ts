/**
 * Private key files: a private JWK (Ed25519 or P-256, with its `kid`) in a file only
 * its owner may read. Written once and never overwritten, so a typo cannot destroy
 * the key an organisation signs with.
 */
import { chmod, readFile, stat, writeFile } from "node:fs/promises";
import { parseStrictJson } from "../../shared/json/strict-json.js";
import { parsePrivateJwk } from "../../shared/signatures/keys.js";
import type { SigningKey } from "../../shared/signatures/types.js";
import { InputError } from "./errors.js";

/** Reads and checks a private JWK file (as `cordon keygen` writes it). */
export async function loadSigningKey(path: string): Promise<SigningKey> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    throw new InputError(`Cannot read the key file ${path}: ${(cause as Error).message}`);
  }
  const parsed = parseStrictJson(text);
  if (!parsed.ok) throw new InputError(`The key file ${path} is not JSON: ${parsed.message}`);
  try {
    return parsePrivateJwk(parsed.value);
  } catch (cause) {
    throw new InputError(
      `The key file ${path} does not hold a private Ed25519 or P-256 JWK: ${(cause as Error).message}`,
    );
  }
}

/** Writes a private JWK with mode 0600; refuses to replace an existing file. */
export async function writePrivateKeyFile(path: string, key: SigningKey): Promise<void> {
  try {
    await writeFile(path, `${JSON.stringify(key.privateJwk, null, 2)}\n`, {
      mode: 0o600,
      flag: "wx",
    });
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "EEXIST") {
      throw new InputError(`${path} exists; a key file is never overwritten. Choose another path.`);
    }
    throw cause;
  }
  // The umask can only remove bits, but make the mode explicit whatever it is.
  await chmod(path, 0o600);
}

/** True when a key file is readable by others than its owner (worth a warning). */
export async function isKeyFileExposed(path: string): Promise<boolean> {
  if (process.platform === "win32") return false;
  const info = await stat(path);
  return (info.mode & 0o077) !== 0;
}
