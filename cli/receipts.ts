/**
 * Receipts an organisation holds, kept for `cordon audit` (DESIGN §14): every receipt
 * the hub gave — publish answers, revoke answers, webhook bodies (`cordon listen
 * --save-receipts DIR`) — saved as one small JSON file each, and read back from any
 * folder of such files. A receipt file may also be what the hub answered as it came
 * (`cordon publish --json`, a webhook body, a feed item) or a text file of compact JWS
 * receipts, one a line: whatever holds a receipt counts.
 *
 * What a receipt says of its place in the log comes from the receipt itself when it is
 * a change receipt (`cordon-change+jws` carries seq and at, signed); a publish receipt
 * carries no seq, so the one the hub answered beside it is kept with it.
 */
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseStrictJson } from "../shared/json/strict-json.js";
import { decodeCompactJws } from "../shared/signatures/compact.js";
import { CHANGE_RECEIPT_TYP, RECEIPT_TYP } from "../shared/signatures/receipt.js";
import type { Change } from "./sdk/types.js";

/** One receipt held, and what is known of its change. */
export interface HeldReceipt {
  receipt: string;
  /** The change's place in the log, when known (a change receipt always says). */
  seq?: number;
  kind?: string;
  /** When the hub committed (or, for a publish receipt, received) the change. */
  at?: string;
  bulletin_id?: string;
  /** Where it was read from (a file). */
  source: string;
}

/** What a saved receipt file holds. */
export interface SavedReceipt {
  receipt: string;
  seq?: number;
  kind?: string;
  at?: string;
  bulletin_id?: string;
  /** What gave it: `publish`, `revoke`, `webhook`. */
  from: string;
}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$/;

/** The receipt of `change` (or a publish receipt without one), as a file name and its content. */
export function savedReceiptOf(
  from: string,
  bulletinId: string,
  receipt: string,
  change?: Change | null,
): SavedReceipt {
  return {
    receipt,
    bulletin_id: bulletinId,
    from,
    ...(change === undefined || change === null
      ? {}
      : { seq: change.seq, kind: change.kind, at: change.at }),
  };
}

/** Writes a saved receipt into `dir`, named so that a listing reads in log order. */
export async function saveReceipt(dir: string, saved: SavedReceipt): Promise<string> {
  const seq = saved.seq === undefined ? "unsequenced" : String(saved.seq).padStart(12, "0");
  const name = `${seq}-${saved.kind ?? "published"}-${(saved.bulletin_id ?? "receipt").replace(/[^A-Za-z0-9_-]/g, "_")}.json`;
  const path = join(dir, name);
  await writeFile(path, `${JSON.stringify(saved, null, 2)}\n`, { mode: 0o600 });
  return path;
}

/** Every receipt in the files of `dir` (not its subfolders); a missing folder holds none. */
export async function readReceipts(dir: string): Promise<HeldReceipt[]> {
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true }))
      .filter((entry) => entry.isFile())
      .map((entry) => entry.name)
      .sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const held: HeldReceipt[] = [];
  for (const name of names) {
    const path = join(dir, name);
    held.push(...receiptsIn(await readFile(path, "utf8"), path));
  }
  return held;
}

/** The receipts a file's text holds: JSON, JSON lines, or compact JWS receipts one a line. */
export function receiptsIn(text: string, source: string): HeldReceipt[] {
  const whole = parseStrictJson(text);
  if (whole.ok) return receiptsInJson(whole.value, source);
  const held: HeldReceipt[] = [];
  for (const line of text.split(/\r?\n/).map((l) => l.trim())) {
    if (line === "" || line.startsWith("#")) continue;
    if (COMPACT_JWS.test(line)) {
      held.push(describe({ receipt: line, source }));
      continue;
    }
    const parsed = parseStrictJson(line);
    if (parsed.ok) held.push(...receiptsInJson(parsed.value, source));
  }
  return held;
}

function receiptsInJson(value: unknown, source: string): HeldReceipt[] {
  if (Array.isArray(value)) return value.flatMap((item) => receiptsInJson(item, source));
  if (typeof value !== "object" || value === null) return [];
  const record = value as Record<string, unknown>;
  const held: HeldReceipt[] = [];
  const change = record.change as Partial<Change> | null | undefined;
  const bulletinId = stringOf(record.bulletin_id) ?? stringOf(record.id) ?? dataId(record);
  if (isReceipt(change?.receipt)) {
    held.push(
      describe({
        receipt: change.receipt,
        source,
        ...(typeof change.seq === "number" ? { seq: change.seq } : {}),
        ...(stringOf(change.kind) === undefined ? {} : { kind: change.kind as string }),
        ...(stringOf(change.at) === undefined ? {} : { at: change.at as string }),
        ...(bulletinId === undefined ? {} : { bulletin_id: bulletinId }),
      }),
    );
  }
  if (isReceipt(record.receipt) && record.receipt !== change?.receipt) {
    // A saved receipt, or a publish receipt answered beside another change (a revocation).
    held.push(
      describe({
        receipt: record.receipt,
        source,
        ...(typeof record.seq === "number" ? { seq: record.seq } : {}),
        ...(stringOf(record.kind) === undefined ? {} : { kind: record.kind as string }),
        ...(stringOf(record.at) === undefined ? {} : { at: record.at as string }),
        ...(bulletinId === undefined ? {} : { bulletin_id: bulletinId }),
      }),
    );
  }
  return held;
}

/**
 * Completes what is known from the receipt itself: a change receipt's signed seq, kind,
 * at and id override anything said beside it; a publish receipt gives its id and when
 * the hub received it.
 */
function describe(held: HeldReceipt): HeldReceipt {
  try {
    const payload = decodeCompactJws(held.receipt, CHANGE_RECEIPT_TYP).payload as Record<
      string,
      unknown
    >;
    if (typeof payload.seq === "number" && stringOf(payload.at) !== undefined) {
      return {
        ...held,
        seq: payload.seq,
        kind: String(payload.kind),
        at: String(payload.at),
        bulletin_id: String(payload.id),
      };
    }
  } catch {
    // not a change receipt
  }
  try {
    const payload = decodeCompactJws(held.receipt, RECEIPT_TYP).payload as Record<string, unknown>;
    return {
      kind: "published",
      ...held,
      ...(held.at === undefined && stringOf(payload.received_at) !== undefined
        ? { at: payload.received_at as string }
        : {}),
      ...(stringOf(payload.id) === undefined ? {} : { bulletin_id: payload.id as string }),
    };
  } catch {
    return held;
  }
}

function dataId(record: Record<string, unknown>): string | undefined {
  const data = record.data;
  return typeof data === "object" && data !== null
    ? stringOf((data as Record<string, unknown>).id)
    : undefined;
}

function stringOf(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function isReceipt(value: unknown): value is string {
  return typeof value === "string" && COMPACT_JWS.test(value);
}

/** One entry per receipt; what one copy knows (a seq) completes another. */
export function uniqueReceipts(held: readonly HeldReceipt[]): HeldReceipt[] {
  const byReceipt = new Map<string, HeldReceipt>();
  for (const entry of held) {
    const known = byReceipt.get(entry.receipt);
    byReceipt.set(entry.receipt, known === undefined ? entry : { ...entry, ...known });
  }
  return [...byReceipt.values()];
}
