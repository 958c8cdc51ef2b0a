/**
 * What `cordon audit` keeps between runs, per hub, in the CLI's config folder (beside
 * profiles.json, cli/config.ts): the log's verifier key pinned on first use and the
 * last checkpoint accepted, in `audit/<hub>.json`; the receipts the CLI saved from its
 * own publishes and revocations, in `receipts/<hub>/`; and, when an audit finds the hub
 * misbehaving, the checkpoints that prove it, in `audit/<hub>-evidence-<time>/`.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import * as z from "zod";
import { parseStrictJson } from "../shared/json/strict-json.js";
import { type ConfigContext, profilePath } from "./config.js";
import { InputError } from "./sdk/errors.js";

const AuditStateSchema = z.strictObject({
  hub: z.string(),
  verifier_key: z.string().min(1),
  pinned_at: z.string(),
  /** The last checkpoint accepted (a signed note), and when. */
  checkpoint: z.string().optional(),
  seen_at: z.string().optional(),
});
export type AuditState = z.infer<typeof AuditStateSchema>;

/** The folder profiles.json lives in. */
export function configFolder(context: ConfigContext): string {
  return dirname(profilePath(context));
}

/** A hub URL as a file name: `http://127.0.0.1:8080` → `127.0.0.1_8080`. */
export function hubFileName(hubUrl: string): string {
  const url = new URL(hubUrl);
  return `${url.host}${url.pathname.replace(/\/+$/, "")}`.replace(/[^A-Za-z0-9.-]+/g, "_");
}

export function auditStatePath(context: ConfigContext, hubUrl: string): string {
  return join(configFolder(context), "audit", `${hubFileName(hubUrl)}.json`);
}

/** Where the CLI saves the receipts of its own publishes and revocations on this hub. */
export function savedReceiptsFolder(context: ConfigContext, hubUrl: string): string {
  return join(configFolder(context), "receipts", hubFileName(hubUrl));
}

export async function readAuditState(path: string): Promise<AuditState | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const parsed = parseStrictJson(text);
  const state = parsed.ok ? AuditStateSchema.safeParse(parsed.value) : undefined;
  if (state?.success !== true) {
    throw new InputError(`${path} is not what cordon audit keeps; move it aside to start afresh.`);
  }
  return state.data;
}

/** Writes the state atomically (the rename), creating its folder. */
export async function writeAuditState(path: string, state: AuditState): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, path);
}

/** Keeps the notes that prove a misbehaviour in a new folder beside the state; answers it. */
export async function keepEvidence(
  statePath: string,
  now: Date,
  notes: Record<string, string>,
): Promise<string> {
  const folder = `${statePath.replace(/\.json$/, "")}-evidence-${now.toISOString().replace(/[:.]/g, "-")}`;
  await mkdir(folder, { recursive: true, mode: 0o700 });
  for (const [name, note] of Object.entries(notes)) {
    await writeFile(join(folder, name), note, { mode: 0o600 });
  }
  return folder;
}
