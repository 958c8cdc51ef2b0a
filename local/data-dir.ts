/**
 * The local hub's data folder ($CORDON_DATA_DIR, default ./.cordon): the table on
 * disk, the hub secret, the key that seals webhook secrets, the administrator's
 * private key (`admin.jwk`) so the first partners can be onboarded, and the lock
 * (`hub.lock`) that keeps a second hub off the same folder. Secret files are written
 * with mode 0600 and never overwritten. A lost `admin.jwk` is never replaced behind
 * the operator's back: `cordon admin recover` writes a new one beside a public
 * recovery key (`admin-recovery.pub.jwk`), which the hub registers at its next start —
 * a path only whoever can write the data folder has, never an HTTP route.
 */
import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  generateHubSecret,
  type HubSecret,
  hubSecretToJson,
  parseHubSecretText,
} from "../shared/hub/hub-secret.js";
import {
  generateSigningKey,
  parsePrivateJwk,
  parsePublicJwk,
  publicJwkOf,
} from "../shared/signatures/keys.js";
import type { PublicJwk, SigningKey } from "../shared/signatures/types.js";
import { LocalHubError } from "./errors.js";

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

/** The administrator's private key file, if there is one. */
export async function readAdminKey(dir: DataDir): Promise<SigningKey | undefined> {
  const existing = await readIfExists(adminKeyPath(dir));
  return existing === undefined ? undefined : parsePrivateJwk(JSON.parse(existing));
}

/** A new administrator key, written to `admin.jwk`; refuses to replace an existing file. */
export async function createAdminKey(dir: DataDir): Promise<SigningKey> {
  const { signingKey } = await generateSigningKey("Ed25519");
  await writeSecretFile(adminKeyPath(dir), `${JSON.stringify(signingKey.privateJwk, null, 2)}\n`);
  return signingKey;
}

export function adminRecoveryPath(dir: DataDir | string): string {
  return join(typeof dir === "string" ? dir : dir.root, "admin-recovery.pub.jwk");
}

/**
 * `cordon admin recover`: a new administrator key pair, the private half in
 * `admin.jwk` (which must not exist) and the public half in the recovery file the
 * hub reads at its next start.
 */
export async function writeAdminRecovery(root: string): Promise<SigningKey> {
  const dir: DataDir = { root, tablePath: join(root, "db") };
  if ((await readIfExists(adminKeyPath(dir))) !== undefined) {
    throw new LocalHubError(
      "ERR_ADMIN_KEY_EXISTS",
      `${adminKeyPath(dir)} exists; recovery only replaces a lost key file. If that key no longer ` +
        "works, move it aside first (it is never overwritten).",
    );
  }
  if ((await readIfExists(adminRecoveryPath(dir))) !== undefined) {
    throw new LocalHubError(
      "ERR_ADMIN_RECOVERY_PENDING",
      `${adminRecoveryPath(dir)} is waiting for the hub's next start; start the hub to apply it.`,
    );
  }
  const key = await createAdminKey(dir);
  await writeSecretFile(
    adminRecoveryPath(dir),
    `${JSON.stringify(publicJwkOf(key.privateJwk), null, 2)}\n`,
  );
  return key;
}

/**
 * The public key a recovery asked to register, if any. The file is renamed once read
 * (`….applied`), so it is applied once.
 */
export async function takeAdminRecovery(dir: DataDir): Promise<PublicJwk | undefined> {
  const file = adminRecoveryPath(dir);
  const text = await readIfExists(file);
  if (text === undefined) return undefined;
  const jwk = parsePublicJwk(JSON.parse(text));
  await rename(file, `${file}.applied`);
  return jwk;
}

/** The lock file: which process serves this folder, and on which port. */
interface LockHolder {
  pid: number;
  port?: number;
  started_at: string;
}

/**
 * Takes the data folder's lock, or throws ERR_DATA_DIR_IN_USE naming the process
 * that holds it. A lock left by a process that is gone (killed, crashed) is taken
 * over. Answers the function that releases it.
 */
export async function lockDataDir(dir: DataDir): Promise<{
  setPort(port: number): Promise<void>;
  release(): Promise<void>;
}> {
  const file = join(dir.root, "hub.lock");
  const holder: LockHolder = { pid: process.pid, started_at: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const handle = await open(file, "wx", 0o600);
      await handle.writeFile(`${JSON.stringify(holder)}\n`);
      await handle.close();
      return {
        setPort: async (port) => {
          await writeFile(file, `${JSON.stringify({ ...holder, port })}\n`);
        },
        release: async () => {
          await unlink(file).catch(() => undefined);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const other = parseLock(await readIfExists(file));
    if (other !== undefined && isAlive(other.pid)) {
      const where = other.port === undefined ? "" : ` on http://127.0.0.1:${other.port}`;
      throw new LocalHubError(
        "ERR_DATA_DIR_IN_USE",
        `Another hub (process ${other.pid}) is running on the data folder ${dir.root}${where}. ` +
          "Stop it, or start this one with another folder and port: " +
          "CORDON_DATA_DIR=./.cordon-2 PORT=8081 npm start. " +
          `(If no hub is running, delete ${file}.)`,
      );
    }
    await unlink(file).catch(() => undefined); // a dead process's lock
  }
  throw new LocalHubError("ERR_DATA_DIR_IN_USE", `Could not take the lock ${file}.`);
}

function parseLock(text: string | undefined): LockHolder | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    return Number.isSafeInteger(value.pid) ? (value as LockHolder) : undefined;
  } catch {
    return undefined; // half-written by a process killed while writing it: stale
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
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
