/**
 * `cordon audit`: checks the hub's transparency log (DESIGN §14) as a member must —
 * the latest checkpoint's signature with the log key pinned on first use (or given),
 * that it extends the last checkpoint this organisation accepted (from tiles), that
 * every receipt it holds is in the log at its seq, and (gossip) that checkpoints other
 * members hold agree with it. Exit 0 with a summary; 1 with what the hub did wrong,
 * the evidence kept; 2 when the audit could not run (the hub unreachable, bad input).
 */

import { base64 } from "@scure/base";
import type { Command } from "commander";
import { type AuditReport, auditLog, DEFAULT_GRACE_SECONDS, describeHeld } from "../audit.js";
import {
  auditStatePath,
  keepEvidence,
  readAuditState,
  savedReceiptsFolder,
  writeAuditState,
} from "../audit-state.js";
import type { CommandContext, Runner } from "../context.js";
import { EXIT_FINDING, EXIT_OK } from "../exit-codes.js";
import { readReceipts, uniqueReceipts } from "../receipts.js";
import { InputError } from "../sdk/errors.js";
import { collect, integer } from "./options.js";

interface AuditOptions {
  logKey?: string;
  receipts?: string[];
  savedReceipts: boolean;
  compare?: string[];
  grace: number;
}

export function registerAuditCommands(program: Command, ctx: CommandContext, run: Runner): void {
  program
    .command("audit")
    .summary("check the hub's transparency log: signature, no fork, every receipt included")
    .description(
      "Check the hub's transparency log as a member must (DESIGN §14): the latest checkpoint's " +
        "signature with the log key pinned on first use (or --log-key), that it extends the last " +
        "checkpoint you accepted (proved from the log's tiles), and that every receipt you hold is " +
        "in the log at its place — the ones this CLI saved from your publishes and revocations, " +
        "and any folder of receipts (--receipts, e.g. from `cordon listen --save-receipts`). " +
        "--compare checks another member's checkpoint for a split view. Any inconsistency exits 1 " +
        "and keeps the checkpoints that prove it.",
    )
    .option(
      "--log-key <key>",
      "the log's note verifier key as the operator published it (pins it; default: the key pinned on first use)",
    )
    .option(
      "--receipts <dir>",
      "a folder of receipts to check (saved webhook bodies, publish answers, JWS lines; repeatable)",
      collect,
    )
    .option("--no-saved-receipts", "leave out the receipts this CLI saved from your own changes")
    .option(
      "--compare <file|url>",
      "another member's checkpoint (a file or an https:// URL serving its text; repeatable)",
      collect,
    )
    .option(
      "--grace <seconds>",
      "how long a receipted change may be missing from the checkpoint before it counts as dropped",
      integer(0, 30 * 86400),
      DEFAULT_GRACE_SECONDS,
    )
    .addHelpText(
      "after",
      "\nExamples:\n  cordon audit                              # after every publish, or from cron\n" +
        "  cordon audit --log-key 'hub.example/v1/log+1a2b3c4d+AU…'   # the first time, with the published key\n" +
        "  cordon audit --receipts webhook-receipts --compare https://partner.example/cordon-checkpoint.txt\n" +
        "\nExit codes: 0 all checks passed, 1 the hub misbehaved (evidence kept), 2 error.",
    )
    .action(run(async (options: AuditOptions) => audit(ctx, options)));
}

async function audit(ctx: CommandContext, options: AuditOptions) {
  const config = await ctx.config();
  const client = await ctx.client();
  const log = client.log();
  const statePath = auditStatePath(ctx.io, config.hubUrl);
  const state = await readAuditState(statePath);
  const now = new Date();
  const c = ctx.print.out;

  let verifierKey = options.logKey?.trim() ?? state?.verifier_key;
  let pinnedAt = options.logKey === undefined ? state?.pinned_at : now.toISOString();
  if (verifierKey === undefined) {
    verifierKey = await log.fetchVerifierKey();
    pinnedAt = now.toISOString();
    ctx.print.note(
      `Pinned the log key ${c.bold(verifierKey)} on first use, as the hub states it. Compare it ` +
        "with the key the operator publishes out of band; every later audit requires it.",
    );
  } else if (state !== undefined && verifierKey !== state.verifier_key) {
    ctx.print.warn(`pinning ${verifierKey} in place of ${state.verifier_key}.`);
  }

  const folders = [
    ...(options.savedReceipts ? [savedReceiptsFolder(ctx.io, config.hubUrl)] : []),
    ...(options.receipts ?? []).map((dir) => ctx.path(dir)),
  ];
  const held = uniqueReceipts((await Promise.all(folders.map(readReceipts))).flat());
  const compare = await Promise.all(
    (options.compare ?? []).map(async (source) => ({
      label: source,
      note: await readCheckpoint(ctx, source),
    })),
  );

  const report = await auditLog({
    log,
    verifierKey,
    ...(state?.checkpoint === undefined ? {} : { previous: state.checkpoint }),
    receipts: held,
    compare,
    now,
    graceSeconds: options.grace,
  });

  let evidence: string | undefined;
  if (report.findings.length === 0 && report.checkpoint !== undefined) {
    await writeAuditState(statePath, {
      hub: config.hubUrl,
      verifier_key: verifierKey,
      pinned_at: pinnedAt ?? now.toISOString(),
      checkpoint: report.checkpoint.note,
      seen_at: now.toISOString(),
    });
  } else {
    evidence = await keepEvidence(statePath, now, {
      "latest-checkpoint.txt": report.servedNote,
      ...(state?.checkpoint === undefined ? {} : { "previous-checkpoint.txt": state.checkpoint }),
      ...Object.fromEntries(compare.map((other, i) => [`compared-${i + 1}.txt`, other.note])),
      "findings.json": `${JSON.stringify(report.findings, null, 2)}\n`,
    });
    if (state === undefined) {
      // The key is pinned even so: the next audit must not take a new one from the hub.
      await writeAuditState(statePath, {
        hub: config.hubUrl,
        verifier_key: verifierKey,
        pinned_at: pinnedAt ?? now.toISOString(),
      });
    }
  }

  if (ctx.json) ctx.print.json(jsonReport(report, verifierKey, evidence));
  else printReport(ctx, report, verifierKey, held.length, options.grace, statePath, evidence);
  return report.findings.length === 0 ? EXIT_OK : EXIT_FINDING;
}

/** A checkpoint another member shared: a file, or an http(s) URL serving its text. */
async function readCheckpoint(ctx: CommandContext, source: string): Promise<string> {
  if (!/^https?:\/\//i.test(source)) return (await ctx.readInput(source)).toString("utf8");
  const response = await ctx.io.fetch(source, { headers: { accept: "text/plain" } });
  if (!response.ok) throw new InputError(`${source} answered HTTP ${response.status}.`);
  return response.text();
}

function printReport(
  ctx: CommandContext,
  report: AuditReport,
  key: string,
  receipts: number,
  grace: number,
  statePath: string,
  evidence: string | undefined,
): void {
  const c = ctx.print.out;
  const ok = (text: string) => ctx.print.line(`${c.green("✔")} ${text}`);
  const checkpoint = report.checkpoint;
  if (checkpoint !== undefined) {
    ctx.print.line(
      `Log ${checkpoint.origin}: checkpoint of ${checkpoint.size} changes, root ${base64.encode(checkpoint.rootHash)}`,
    );
    ok(`signed by the pinned key ${key}`);
  }
  const previous = report.previous;
  if (previous !== undefined && !report.findings.some((f) => f.kind === "fork")) {
    ok(
      `extends the checkpoint of ${previous.size} changes you accepted before` +
        (report.consistencyProof === undefined
          ? ""
          : ` (consistency proof of ${report.consistencyProof} hashes, from tiles)`),
    );
  } else if (previous === undefined && checkpoint !== undefined && report.findings.length === 0) {
    ctx.print.line(
      c.dim("  no earlier checkpoint to compare with: this one is kept for the next audit"),
    );
  }
  if (checkpoint !== undefined && receipts === 0) {
    ctx.print.line(
      c.dim("  no receipts to check (your publishes and revocations, or --receipts DIR)"),
    );
  } else if (checkpoint !== undefined) {
    ok(
      `${report.included.length} of ${receipts} receipts you hold are in the log at their place` +
        (report.pending.length === 0
          ? ""
          : `; ${report.pending.length} receipted under ${grace} s ago, not in this checkpoint yet`),
    );
  }
  for (const held of report.pending) {
    ctx.print.line(c.dim(`  pending: ${describeHeld(held)} (${held.source})`));
  }
  if (report.compared > 0 && !report.findings.some((f) => f.kind === "gossip")) {
    ok(`consistent with ${report.compared} checkpoint(s) of other members`);
  }
  for (const finding of report.findings) {
    ctx.print.line(
      `${c.red("✘")} ${finding.message}${finding.code === undefined ? "" : c.dim(` [${finding.code}]`)}`,
    );
  }
  if (evidence !== undefined) {
    ctx.print.line(`Evidence kept in ${evidence}`);
  } else {
    ctx.print.note(`Kept as the last checkpoint seen: ${statePath}`);
  }
}

function jsonReport(report: AuditReport, key: string, evidence: string | undefined) {
  return {
    ok: report.findings.length === 0,
    verifier_key: key,
    checkpoint:
      report.checkpoint === undefined
        ? null
        : {
            origin: report.checkpoint.origin,
            size: report.checkpoint.size,
            root: base64.encode(report.checkpoint.rootHash),
          },
    previous_size: report.previous?.size ?? null,
    receipts: {
      included: report.included.length,
      pending: report.pending.map((held) => ({
        seq: held.seq ?? null,
        kind: held.kind ?? null,
        source: held.source,
      })),
    },
    compared: report.compared,
    findings: report.findings,
    evidence: evidence ?? null,
  };
}
