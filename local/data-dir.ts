/**
 * The local hub's data folder ($CORDON_DATA_DIR, default ./.cordon): the table on
 * disk, the hub secret, the key that seals webhook secrets, and the administrator's
 * private key (`admin.jwk`) so the first partners can be onboarded. Secret files are
 * written with mode 0600.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  generateHubSecret,
  type HubSecret,
  hubSecretToJson,
  parseHubSecretText,
} from "../shared/hub/hub-secret.js";
import { generateSigningKey, parsePrivateJwk } from "../shared/signatures/keys.js";
import type { SigningKey } from "../shared/signatures/types.js";

export const ADMIN_ORG_ID = "hub-admin";

export interface DataDir {
  root: string;
  tablePath: string;
}

export async function openDataDir(root: string): Promise<DataDir> {
  await mkdir(root, { recursive: true, mode: 0o700 });
  const tablePath = join(root, "db");
  await mkdir(tablePath, { recursive: true, mode: 0o700 });
  return { root, tablePath };
}

export async function loadOrCreateHubSecret(dir: DataDir): Promise<HubSecret> {
  const file = join(dir.root, "hub-secret.json");
  const existing = await readIfExists(file);
  if (existing !== undefined) return parseHubSecretText(existing);
  const secret = await generateHubSecret();
  await writeSecretFile(file, `${JSON.stringify(hubSecretToJson(secret), null, 2)}\n`);
  return secret;
}

export async function loadOrCreateSealingKey(dir: DataDir): Promise<Uint8Array> {
  const file = join(dir.root, "sealing.key");
  const existing = await readIfExists(file);
  if (existing !== undefined) {
    const key = Buffer.from(existing.trim(), "base64url");
    if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte key`);
    return new Uint8Array(key);
  }
  const key = randomBytes(32);
  await writeSecretFile(file, `${key.toString("base64url")}\n`);
  return new Uint8Array(key);
}

/** The administrator's key: made on first start, read on every later one. */
export async function loadOrCreateAdminKey(dir: DataDir): Promise<SigningKey> {
  const file = adminKeyPath(dir);
  const existing = await readIfExists(file);
  if (existing !== undefined) return parsePrivateJwk(JSON.parse(existing));
  const { signingKey } = await generateSigningKey("Ed25519");
  await writeSecretFile(file, `${JSON.stringify(signingKey.privateJwk, null, 2)}\n`);
  return signingKey;
}

/** Written by a clean stop, taken away by the next start: a killed process leaves none. */
const CLEAN_STOP_MARKER = "stopped-cleanly";

/** Whether the last run stopped cleanly; from now on, until `markCleanStop`, it has not. */
export async function takeCleanStopMarker(dir: DataDir): Promise<boolean> {
  try {
    await unlink(join(dir.root, CLEAN_STOP_MARKER));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}

export async function markCleanStop(dir: DataDir): Promise<void> {
  await writeFile(join(dir.root, CLEAN_STOP_MARKER), `${new Date().toISOString()}\n`);
}

export function adminKeyPath(dir: DataDir): string {
  return join(dir.root, "admin.jwk");
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    if (error instanceof Error && "code" in error && error.code === "ENOENT") return undefined;
    throw error;
  }
}

async function writeSecretFile(file: string, content: string): Promise<void> {
  await writeFile(file, content, { mode: 0o600, flag: "wx" });
}
