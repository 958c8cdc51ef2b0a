/**
 * The outbox of bulletin changes (DESIGN §8, invariant 1). A committed change
 * (published, superseded, revoked) is driven through its steps — mirror the status
 * into the indicator index (entries are written `pending` ahead of the commit), take
 * its place in the change feed, hand it to fan-out —
 * by the request that made it and, if that request dies half-way, by the sweeper.
 * Every step is idempotent, so running it twice is harmless.
 */
import type { HubDeps } from "../hub/deps.js";
import { summariseIndicators } from "./indicators-of.js";
import type { BulletinRecord, ChangeKind } from "./types.js";
import { CHANGE_KINDS } from "./types.js";
import { payloadOf } from "./view.js";

/** How long a change may take to finish before the sweeper drives it. */
export const OUTBOX_GRACE_MS = 30_000;

export function outboxDue(now: Date): string {
  return new Date(now.getTime() + OUTBOX_GRACE_MS).toISOString();
}

type Deps = Pick<HubDeps, "store" | "queue" | "clock" | "logger">;

/** Drives every unfinished change of a bulletin as far as it can go now. */
export async function advanceBulletin(deps: Deps, id: string): Promise<void> {
  const record = await deps.store.bulletins.getBulletin(id);
  if (record === undefined) return;
  const pending = pendingChanges(record);
  if (pending.length === 0) {
    await deps.store.bulletins.clearBulletinWork(id, record.version);
    return;
  }
  for (const change of pending) {
    const state = record.changes[change];
    if (state === undefined) continue;
    if (change === "published" && record.supersedes !== null && state.fanned_out !== true) {
      await applySupersession(deps, record);
    }
    if (state.indexed !== true) {
      await deps.store.bulletins.setIndexedStatus(
        summariseIndicators(payloadOf(record)).normalised,
        record,
        record.status,
      );
      await deps.store.bulletins.markIndexed(id, change);
    }
    if (state.seq === undefined) {
      const seq = await deps.store.feed.appendChange(id, change);
      await deps.store.bulletins.claimChangeSeq(id, change, seq);
    }
    if (state.fanned_out !== true) {
      await deps.queue.sendFanout([{ kind: "bulletin", bulletin_id: id, change }]);
    }
  }
}

/** Called by fan-out once a change's deliveries are written: the change is done. */
export async function finishFanout(deps: Deps, id: string, change: ChangeKind): Promise<void> {
  const record = await deps.store.bulletins.markFannedOut(id, change);
  if (record !== undefined && pendingChanges(record).length === 0) {
    await deps.store.bulletins.clearBulletinWork(id, record.version);
  }
}

function pendingChanges(record: BulletinRecord): ChangeKind[] {
  return CHANGE_KINDS.filter((change) => {
    const state = record.changes[change];
    if (state === undefined) return false;
    return !(state.indexed === true && state.seq !== undefined && state.fanned_out === true);
  }).sort((a, b) => (record.changes[a]?.at ?? "").localeCompare(record.changes[b]?.at ?? ""));
}

/** Marks the predecessor superseded, then drives that change too. */
async function applySupersession(deps: Deps, record: BulletinRecord): Promise<void> {
  if (record.supersedes === null) return;
  const superseded = await deps.store.bulletins.supersedeBulletin(
    record.supersedes,
    record.issuer,
    record.id,
    record.received_at,
    outboxDue(deps.clock.now()),
  );
  if (superseded) await advanceBulletin(deps, record.supersedes);
}
