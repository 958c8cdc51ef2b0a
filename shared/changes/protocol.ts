/**
 * The change protocol (DESIGN §8 invariant 1, §10): how a committed change of a
 * bulletin reaches the log, the indicator index and the subscribers. Each change is
 * committed by one conditional write (see the `commit…` methods of the store port),
 * then driven through its steps, in this order, by the request that made it — and,
 * if that request dies half-way, by the sweeper. Every step records that it is done
 * on the bulletin item and is idempotent, so a re-drive resumes where it stopped.
 *
 *   kind        commit (one conditional write)     steps after it
 *   ----------  ---------------------------------  -------------------------------------------------------
 *   published   put the bulletin, id not taken     sequence · predecessor · index · fan-out · finish
 *               (index entries written ahead)
 *   superseded  update: the issuer's, still active sequence · index · fan-out (no event) · finish
 *   revoked     update: the issuer's, not revoked  sequence · index · fan-out · finish
 *
 *   sequence     the change takes its place in the log: the next seq, an `at` after its
 *                predecessor's, its receipt (the publish receipt, or a change receipt);
 *                then the transparency log's writer is woken (shared/transparency)
 *   predecessor  a publication naming `supersedes` commits the predecessor's supersession
 *   index        the bulletin's status is mirrored into the entries of its indicators
 *   fan-out      the event the change raises (events/registry.ts) goes to the fan-out
 *                queue, whose worker writes the deliveries and marks the step done; a
 *                change that raises none is marked done at once
 *   finish       once every change is done, the bulletin leaves the outbox
 *
 * A bulletin's changes are driven in the order they were committed, so a revocation
 * never takes a place in the log before the publication it revokes.
 */

import { summariseIndicators } from "../bulletins/indicators-of.js";
import type { BulletinRecord } from "../bulletins/types.js";
import { payloadOf } from "../bulletins/view.js";
import { eventRaisedBy } from "../events/registry.js";
import type { HubDeps } from "../hub/deps.js";
import { signChangeReceipt } from "../signatures/receipt.js";
import type { ReceiptSigner } from "./port.js";
import { CHANGE_KINDS, type ChangeKind, type ChangeState } from "./types.js";

/** How long a change may take to finish before the sweeper drives it. */
export const OUTBOX_GRACE_MS = 30_000;

export function outboxDue(now: Date): string {
  return new Date(now.getTime() + OUTBOX_GRACE_MS).toISOString();
}

export type ProtocolDeps = Pick<
  HubDeps,
  "store" | "queue" | "clock" | "logger" | "hubKeys" | "checkpoints"
>;

type StepName = "sequence" | "predecessor" | "index" | "fanout";

interface Step {
  done(state: ChangeState, record: BulletinRecord): boolean;
  /** Runs the step; answers the bulletin as it stands after it. */
  run(deps: ProtocolDeps, record: BulletinRecord, kind: ChangeKind): Promise<BulletinRecord>;
}

/** The steps of each kind of change after its commit, in order (the table above). */
export const CHANGE_PROTOCOL: Record<ChangeKind, readonly StepName[]> = {
  published: ["sequence", "predecessor", "index", "fanout"],
  superseded: ["sequence", "index", "fanout"],
  revoked: ["sequence", "index", "fanout"],
};

const STEPS: Record<StepName, Step> = {
  sequence: {
    done: (state) => state.logged === true,
    async run(deps, record, kind) {
      const change = await deps.store.changes.sequence(
        record,
        kind,
        deps.clock.now(),
        receiptSigner(deps, record, kind),
      );
      await askForCheckpoint(deps, record.id);
      return withState(record, kind, { ...change, logged: true });
    },
  },
  predecessor: {
    done: (state, record) => record.supersedes === null || state.predecessor_done === true,
    async run(deps, record, kind) {
      if (record.supersedes !== null) {
        const committed = await deps.store.changes.commitSupersession(
          record.supersedes,
          record.issuer,
          record.id,
          deps.clock.now().toISOString(),
          outboxDue(deps.clock.now()),
        );
        // Refused when it is revoked or superseded already: then there is nothing to change.
        if (committed) await advance(deps, record.supersedes);
      }
      return marked(deps, record, kind, "predecessor_done");
    },
  },
  index: {
    done: (state) => state.indexed === true,
    async run(deps, record, kind) {
      await deps.store.changes.mirrorStatus(
        record,
        summariseIndicators(payloadOf(record)).normalised,
      );
      return marked(deps, record, kind, "indexed");
    },
  },
  fanout: {
    done: (state) => state.fanned_out === true,
    async run(deps, record, kind) {
      if (eventRaisedBy(kind) === undefined) return marked(deps, record, kind, "fanned_out");
      // The fan-out worker marks the step done once the deliveries are written.
      await deps.queue.sendFanout([{ kind: "bulletin", bulletin_id: record.id, change: kind }]);
      return record;
    },
  },
};

/** Drives every unfinished change of a bulletin as far as it can go now; answers it as it then is. */
export async function advance(deps: ProtocolDeps, id: string): Promise<BulletinRecord | undefined> {
  let record = await deps.store.changes.bulletin(id);
  if (record === undefined) return undefined;
  for (const kind of unfinishedChanges(record)) {
    for (const name of CHANGE_PROTOCOL[kind]) {
      const state = record.changes[kind];
      if (state === undefined || STEPS[name].done(state, record)) continue;
      record = await STEPS[name].run(deps, record, kind);
    }
  }
  if (unfinishedChanges(record).length === 0) await deps.store.changes.finish(id, record.version);
  return record;
}

/** Called by the fan-out worker once a change's deliveries are written and queued. */
export async function finishFanout(
  deps: ProtocolDeps,
  id: string,
  kind: ChangeKind,
): Promise<void> {
  const record = await deps.store.changes.markDone(id, kind, "fanned_out");
  if (record !== undefined && unfinishedChanges(record).length === 0) {
    await deps.store.changes.finish(id, record.version);
  }
}

/** Whether every step of the change is done. */
export function isFinished(kind: ChangeKind, state: ChangeState, record: BulletinRecord): boolean {
  return CHANGE_PROTOCOL[kind].every((name) => STEPS[name].done(state, record));
}

/** The bulletin's changes with steps left, in the order they were committed. */
export function unfinishedChanges(record: BulletinRecord): ChangeKind[] {
  return CHANGE_KINDS.filter((kind) => {
    const state = record.changes[kind];
    return state !== undefined && !isFinished(kind, state, record);
  }).sort(
    (a, b) =>
      (record.changes[a]?.committed_at ?? "").localeCompare(
        record.changes[b]?.committed_at ?? "",
      ) || CHANGE_KINDS.indexOf(a) - CHANGE_KINDS.indexOf(b),
  );
}

/**
 * Wakes the log writer: the change is in the log, so a checkpoint is due within a
 * second (DESIGN §14). A failure never fails the change: the sweeper asks again.
 */
async function askForCheckpoint(deps: ProtocolDeps, bulletinId: string): Promise<void> {
  try {
    await deps.checkpoints?.checkpointDue(deps.clock.now());
  } catch (error) {
    deps.logger.warn("could not ask for a checkpoint; the sweeper will", {
      bulletinId,
      error: String(error),
    });
  }
}

function receiptSigner(
  deps: ProtocolDeps,
  record: BulletinRecord,
  kind: ChangeKind,
): ReceiptSigner {
  if (kind === "published") return async () => record.receipt;
  return (seq, at) =>
    signChangeReceipt(
      { id: record.id, issuer: record.issuer, kind, seq, at },
      deps.hubKeys.current,
    );
}

async function marked(
  deps: ProtocolDeps,
  record: BulletinRecord,
  kind: ChangeKind,
  step: "indexed" | "predecessor_done" | "fanned_out",
): Promise<BulletinRecord> {
  return (await deps.store.changes.markDone(record.id, kind, step)) ?? record;
}

function withState(
  record: BulletinRecord,
  kind: ChangeKind,
  update: Partial<ChangeState> & { kind?: ChangeKind },
): BulletinRecord {
  const state = record.changes[kind];
  if (state === undefined) return record;
  const { kind: _kind, ...fields } = update;
  return { ...record, changes: { ...record.changes, [kind]: { ...state, ...fields } } };
}
