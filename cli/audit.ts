/**
 * The auditor behind `cordon audit` (DESIGN §14): given the log's pinned verifier key,
 * the last checkpoint this organisation accepted and the receipts it holds, it checks
 * the hub's latest checkpoint — its signature, that it extends the last one (proved
 * from tiles, each checked against the checkpoint before use), that every receipt is
 * the leaf at its seq (or, when its seq is not known, some leaf), and that checkpoints
 * other members hold (gossip) are consistent with it. Every failure is a finding with
 * a sentence a person can act on; nothing here decides exit codes or prints.
 */
import { base64 } from "@scure/base";
import { LogError } from "../shared/log/errors.js";
import { hashesEqual, leafHash } from "../shared/log/hashing.js";
import { proveInclusion, verifyInclusion } from "../shared/log/inclusion.js";
import { receiptLeafData } from "../shared/log/leaves.js";
import { hashesAtLevel, hashInTile, TILE_WIDTH, tileWidth } from "../shared/log/tiles.js";
import type { VerifiedTileReader } from "../shared/log/verified-tiles.js";
import type { HeldReceipt } from "./receipts.js";
import {
  LogVerificationError,
  proveCheckpointExtends,
  type TileSource,
  type VerifiedCheckpoint,
  verifiedTiles,
  verifyCheckpoint,
} from "./sdk/log.js";

/** What the audit reads the log through: the hub's routes ({@link TransparencyLog}). */
export interface AuditedLog extends TileSource {
  fetchCheckpoint(): Promise<string>;
}

export interface AuditInput {
  log: AuditedLog;
  /** The note verifier key pinned for this hub. */
  verifierKey: string;
  /** The checkpoint accepted at the last audit, if any. */
  previous?: string;
  receipts: readonly HeldReceipt[];
  /** Checkpoints other members hold, to compare (gossip). */
  compare?: readonly { label: string; note: string }[];
  now: Date;
  /**
   * How long a receipted change may be missing from the checkpoint before it counts as
   * dropped (a checkpoint follows a change within a second; the default is generous).
   */
  graceSeconds?: number;
}

export type FindingKind = "signature" | "previous" | "fork" | "tiles" | "receipt" | "gossip";

export interface Finding {
  kind: FindingKind;
  /** The verifier's code (`ERR_LOG_…`), when one failed. */
  code?: string;
  message: string;
}

export interface AuditReport {
  /** The latest checkpoint, verified (undefined when its signature failed). */
  checkpoint?: VerifiedCheckpoint;
  /** The note as the hub served it: evidence, whether it verified or not. */
  servedNote: string;
  previous?: VerifiedCheckpoint;
  /** Hashes of the consistency proof from the previous checkpoint, when there was one. */
  consistencyProof?: number;
  included: HeldReceipt[];
  /** Receipted too recently to be expected in this checkpoint yet. */
  pending: HeldReceipt[];
  compared: number;
  findings: Finding[];
}

export const DEFAULT_GRACE_SECONDS = 600;

export async function auditLog(input: AuditInput): Promise<AuditReport> {
  const servedNote = await input.log.fetchCheckpoint();
  const report: AuditReport = {
    servedNote,
    included: [],
    pending: [],
    compared: 0,
    findings: [],
  };
  const checkpoint = await verified(
    servedNote,
    input.verifierKey,
    report,
    "signature",
    "The hub's latest checkpoint",
  );
  if (checkpoint === undefined) return report;
  report.checkpoint = checkpoint;

  if (input.previous !== undefined) {
    const previous = await verified(
      input.previous,
      input.verifierKey,
      report,
      "previous",
      "The checkpoint kept from the last audit",
    );
    if (previous !== undefined) {
      report.previous = previous;
      await checkExtends(
        input.log,
        previous,
        checkpoint,
        report,
        "fork",
        "the last one you accepted",
      );
    }
  }
  await checkReceipts(input, checkpoint, report);
  for (const other of input.compare ?? []) {
    const theirs = await verified(
      other.note,
      input.verifierKey,
      report,
      "gossip",
      `The checkpoint of ${other.label}`,
    );
    if (theirs === undefined) continue;
    report.compared += 1;
    if (theirs.size > checkpoint.size) {
      report.findings.push({
        kind: "gossip",
        code: "ERR_LOG_INCONSISTENT",
        message:
          `${other.label} holds a checkpoint of ${theirs.size} changes, signed by the hub, but the ` +
          `hub shows you a log of only ${checkpoint.size}: it serves members different logs, or ` +
          "rolled its log back. Keep both checkpoints: together they prove it.",
      });
      continue;
    }
    await checkExtends(
      input.log,
      theirs,
      checkpoint,
      report,
      "gossip",
      `the checkpoint of ${other.label}`,
    );
  }
  return report;
}

async function verified(
  note: string,
  key: string,
  report: AuditReport,
  kind: FindingKind,
  what: string,
): Promise<VerifiedCheckpoint | undefined> {
  try {
    return await verifyCheckpoint(note, key);
  } catch (error) {
    if (!(error instanceof LogVerificationError)) throw error;
    report.findings.push({
      kind,
      code: error.code,
      message: `${what} ${signatureProblem(error, key)}`,
    });
    return undefined;
  }
}

function signatureProblem(error: LogVerificationError, key: string): string {
  switch (error.code) {
    case "ERR_LOG_SIGNATURE_INVALID":
      return `carries a signature by the pinned log key that does not verify: it was altered after signing (${error.message})`;
    case "ERR_LOG_NOTE_UNVERIFIED":
      return `is not signed by the pinned log key ${key}: it was signed by another key. If the operator announced a new key, re-pin it with --log-key.`;
    case "ERR_LOG_ORIGIN_MISMATCH":
      return `is another log's: ${error.message}`;
    default:
      return `is not a valid checkpoint: ${error.message}`;
  }
}

/** Proves `newer` extends `older` from the tiles of `newer`; a failure is a fork. */
async function checkExtends(
  log: AuditedLog,
  older: VerifiedCheckpoint,
  newer: VerifiedCheckpoint,
  report: AuditReport,
  kind: FindingKind,
  what: string,
): Promise<void> {
  try {
    if (older.size === newer.size && !hashesEqual(older.rootHash, newer.rootHash)) {
      throw new LogVerificationError(
        "ERR_LOG_INCONSISTENT",
        `two checkpoints of ${older.size} changes have different roots`,
      );
    }
    const { proof } = await proveCheckpointExtends(log, older, newer);
    if (kind === "fork") report.consistencyProof = proof.length;
  } catch (error) {
    if (!isVerificationFailure(error)) throw error;
    report.findings.push({
      kind: error.code === "ERR_LOG_TILE_INVALID" ? "tiles" : kind,
      code: error.code,
      message:
        error.code === "ERR_LOG_TILE_INVALID"
          ? tileProblem(error)
          : `FORK: the hub's log of ${newer.size} changes (root ${base64.encode(newer.rootHash)}) does not extend ` +
            `${what}, of ${older.size} changes (root ${base64.encode(older.rootHash)}): the hub rewrote ` +
            `or forked its history (${error.message}). Keep both checkpoints: together they prove it.`,
    });
  }
}

async function checkReceipts(
  input: AuditInput,
  checkpoint: VerifiedCheckpoint,
  report: AuditReport,
): Promise<void> {
  const grace = (input.graceSeconds ?? DEFAULT_GRACE_SECONDS) * 1000;
  const isRecent = (held: HeldReceipt) =>
    held.at !== undefined && input.now.getTime() - Date.parse(held.at) < grace;
  // One reader for every receipt, in seq order: each tile is fetched and checked once.
  const tiles = verifiedTiles(input.log, checkpoint);
  const unplaced: HeldReceipt[] = [];
  const placed = [...input.receipts].sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  for (const held of placed) {
    if (held.seq === undefined) {
      unplaced.push(held);
      continue;
    }
    if (held.seq >= checkpoint.size) {
      if (isRecent(held)) report.pending.push(held);
      else
        report.findings.push(
          dropped(held, `is not in the hub's log of ${checkpoint.size} changes`),
        );
      continue;
    }
    await proveHeld(tiles, held, held.seq, report);
  }
  if (unplaced.length === 0) return;
  let found: Map<string, number>;
  try {
    found = await findLeaves(tiles, unplaced);
  } catch (error) {
    if (!isVerificationFailure(error)) throw error;
    report.findings.push({ kind: "tiles", code: error.code, message: tileProblem(error) });
    return;
  }
  for (const held of unplaced) {
    const index = found.get(held.receipt);
    if (index !== undefined) await proveHeld(tiles, held, index, report);
    else if (isRecent(held)) report.pending.push(held);
    else
      report.findings.push(
        dropped(held, `is in no leaf of the hub's log of ${checkpoint.size} changes`),
      );
  }
}

/** Proves from checked tiles that the receipt is leaf `index`. */
async function proveHeld(
  tiles: VerifiedTileReader,
  held: HeldReceipt,
  index: number,
  report: AuditReport,
): Promise<void> {
  const checkpoint = tiles.head;
  try {
    const wanted = leafHash(receiptLeafData(held.receipt));
    if (!hashesEqual(await tiles.leafHash(index), wanted)) {
      report.findings.push(
        dropped(
          held,
          `is not leaf ${index} of the hub's log of ${checkpoint.size} changes: another change holds its place`,
          "ERR_LOG_ENTRY_MISMATCH",
        ),
      );
      return;
    }
    verifyInclusion(
      wanted,
      index,
      checkpoint,
      await proveInclusion(index, checkpoint.size, tiles.hashSource()),
    );
    report.included.push({ ...held, seq: index });
  } catch (error) {
    if (!isVerificationFailure(error)) throw error;
    report.findings.push({
      kind: error.code === "ERR_LOG_TILE_INVALID" ? "tiles" : "receipt",
      code: error.code,
      message:
        error.code === "ERR_LOG_TILE_INVALID"
          ? tileProblem(error)
          : `The receipt of ${describeHeld(held)} could not be proved included: ${error.message}`,
    });
  }
}

/** A check that failed (not a fetch that did): the log's fault, a finding. */
function isVerificationFailure(error: unknown): error is LogError | LogVerificationError {
  return (
    (error instanceof LogError || error instanceof LogVerificationError) &&
    error.code !== "ERR_LOG_FETCH"
  );
}

function tileProblem(error: { message: string }): string {
  return `The hub served a tile that does not match its own checkpoint (${error.message}).`;
}

function dropped(
  held: HeldReceipt,
  how: string,
  code: "ERR_LOG_ENTRY_MISMATCH" | "ERR_LOG_ENTRY_NOT_FOUND" = "ERR_LOG_ENTRY_NOT_FOUND",
): Finding {
  return {
    kind: "receipt",
    code,
    message:
      `DROPPED: your receipt for ${describeHeld(held)} ${how}, though the hub signed it` +
      `${held.at === undefined ? "" : ` (${held.at})`}: the hub dropped or replaced that change. ` +
      `The receipt (${held.source}) and this checkpoint prove it.`,
  };
}

const CHANGE_NAMES: Record<string, string> = {
  published: "the publication",
  revoked: "the revocation",
  superseded: "the supersession",
};

/** `the revocation of 01J… (seq 2)`. */
export function describeHeld(held: HeldReceipt): string {
  const what = CHANGE_NAMES[held.kind ?? ""] ?? "a change";
  const of = held.bulletin_id === undefined ? "" : ` of ${held.bulletin_id}`;
  const at = held.seq === undefined ? "" : ` (seq ${held.seq})`;
  return `${what}${of}${at}`;
}

/** Searches the checked level-0 tiles once for every receipt whose seq is not known. */
async function findLeaves(
  tiles: VerifiedTileReader,
  receipts: readonly HeldReceipt[],
): Promise<Map<string, number>> {
  const checkpoint = tiles.head;
  const wanted = new Map<string, string>();
  for (const held of receipts) {
    try {
      wanted.set(
        Buffer.from(leafHash(receiptLeafData(held.receipt))).toString("hex"),
        held.receipt,
      );
    } catch {
      // not a compact JWS: it is in no leaf
    }
  }
  const found = new Map<string, number>();
  const count = Math.ceil(hashesAtLevel(0, checkpoint.size) / TILE_WIDTH);
  for (let n = count - 1; n >= 0 && found.size < wanted.size; n -= 1) {
    const width = tileWidth(0, n, checkpoint.size);
    const tile = await tiles.readTile({ level: 0, index: n, width });
    for (let i = 0; i < width; i += 1) {
      const receipt = wanted.get(Buffer.from(hashInTile(tile, i)).toString("hex"));
      if (receipt !== undefined && !found.has(receipt)) found.set(receipt, n * TILE_WIDTH + i);
    }
  }
  return found;
}
