/**
 * The sweeper (DESIGN §8, invariant 1): the table, not the queue, records what must
 * still happen. Every outbox item past its due time — a bulletin change not yet
 * finished, a sighting not yet fanned out, a delivery not yet settled — is driven
 * again. Every step downstream is idempotent, so a spurious re-drive costs only a
 * little work. On AWS it runs every minute; the local hub runs it on a timer, and
 * once over everything at start, since its in-memory queue was lost with the process.
 *
 * Nothing accepted is ever dropped, but an item that keeps failing (a bug, a poisoned
 * item) is not retried every minute for ever either: after a few tries it backs off
 * exponentially to an hour, and each such sweep logs an error and counts
 * `OutboxItemStuck`, which an alarm watches.
 */
import { mapConcurrent } from "../async/concurrency.js";
import type { HubDeps } from "../hub/deps.js";
import type { WorkItem } from "../store/types.js";
import { advance } from "./protocol.js";

/** How long a swept item is left alone before the next sweep may take it again. */
export const SWEEP_POSTPONE_MS = 60_000;
/** Tries after which an item counts as stuck and backs off. */
export const STUCK_AFTER_TRIES = 5;
const MAX_BACKOFF_MS = 60 * 60_000;
const SWEEP_BATCH = 500;
const SWEEP_CONCURRENCY = 8;

export interface SweepReport {
  bulletins: number;
  sightings: number;
  deliveries: number;
  /** Whether the batch was full, so more items may be due. */
  more: boolean;
}

type Deps = Pick<HubDeps, "store" | "queue" | "clock" | "logger" | "metrics" | "hubKeys">;

/** Re-drives outbox items due before `before` (default: now). */
export async function sweep(deps: Deps, before: Date = deps.clock.now()): Promise<SweepReport> {
  const items = await deps.store.work.listDueWork(before.toISOString(), SWEEP_BATCH);
  const report: SweepReport = {
    bulletins: 0,
    sightings: 0,
    deliveries: 0,
    more: items.length === SWEEP_BATCH,
  };
  // At least `before` (the index query is `due < before`), so a sweep of everything up to
  // `before` never meets its own items again; and no further, so that a start-up sweep
  // right after another (a second crash) still meets what the first one re-drove.
  const now = deps.clock.now().getTime();
  const postponeTo = new Date(Math.max(now + SWEEP_POSTPONE_MS, before.getTime())).toISOString();
  await mapConcurrent(items, SWEEP_CONCURRENCY, async (item) => {
    try {
      const tries = await deps.store.work.postpone(item, postponeTo);
      if (tries > STUCK_AFTER_TRIES) await backOff(deps, item, tries, now);
      await redrive(deps, item);
      if (item.kind === "bulletin") report.bulletins += 1;
      else if (item.kind === "sighting") report.sightings += 1;
      else report.deliveries += 1;
    } catch (error) {
      deps.logger.warn("could not re-drive an outbox item", {
        kind: item.kind,
        error: String(error),
      });
    }
  });
  const total = report.bulletins + report.sightings + report.deliveries;
  if (total > 0) {
    deps.metrics.count("OutboxItemsSwept", total);
    deps.logger.info("outbox swept", { ...report });
  }
  return report;
}

/** Sweeps in batches until nothing due before `before` is left. */
export async function sweepAll(deps: Deps, before: Date): Promise<number> {
  let total = 0;
  for (;;) {
    const report = await sweep(deps, before);
    total += report.bulletins + report.sightings + report.deliveries;
    if (!report.more) return total;
  }
}

/** The wait before the next try of an item swept `tries` times: doubling, up to an hour. */
export function backoffMs(tries: number): number {
  return Math.min(MAX_BACKOFF_MS, SWEEP_POSTPONE_MS * 2 ** Math.max(0, tries - STUCK_AFTER_TRIES));
}

async function backOff(deps: Deps, item: WorkItem, tries: number, now: number): Promise<void> {
  const wait = backoffMs(tries);
  deps.metrics.count("OutboxItemStuck");
  deps.logger.error("an outbox item keeps failing; it backs off", {
    kind: item.kind,
    item: item.handle,
    tries,
    nextTryInSeconds: Math.round(wait / 1000),
  });
  await deps.store.work.delay(item, new Date(now + wait).toISOString());
}

async function redrive(deps: Deps, item: WorkItem): Promise<void> {
  switch (item.kind) {
    case "bulletin":
      await advance(deps, item.bulletin_id);
      return;
    case "sighting":
      await deps.queue.sendFanout([
        { kind: "sighting", bulletin_id: item.bulletin_id, sighting_id: item.sighting_id },
      ]);
      return;
    case "delivery":
      // Only open deliveries are on the outbox; the deliverer skips one settled since.
      await deps.queue.sendDeliveries([item.delivery]);
      return;
  }
}
