/**
 * The sweeper (DESIGN §8, invariant 1): the table, not the queue, records what must
 * still happen. Every outbox item past its due time — a bulletin change not yet fanned
 * out, a sighting not yet fanned out, a delivery not yet settled — is handed to the
 * queues again. Every step downstream is idempotent, so a spurious re-drive costs
 * only a little work. On AWS it runs every minute; the local hub runs it on a timer,
 * and once over everything at start, since its in-memory queue was lost with the process.
 */
import { mapConcurrent } from "../async/concurrency.js";
import { advanceBulletin } from "../bulletins/outbox.js";
import type { HubDeps } from "../hub/deps.js";
import type { WorkItem } from "../store/types.js";

/** How long a swept item is left alone before the next sweep may take it again. */
export const SWEEP_POSTPONE_MS = 60_000;
const SWEEP_BATCH = 500;
const SWEEP_CONCURRENCY = 8;

export interface SweepReport {
  bulletins: number;
  sightings: number;
  deliveries: number;
  /** Whether the batch was full, so more items may be due. */
  more: boolean;
}

type Deps = Pick<HubDeps, "store" | "queue" | "clock" | "logger" | "metrics">;

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
  const postponeTo = new Date(
    Math.max(deps.clock.now().getTime() + SWEEP_POSTPONE_MS, before.getTime()),
  ).toISOString();
  await mapConcurrent(items, SWEEP_CONCURRENCY, async (item) => {
    try {
      await deps.store.work.postpone(item, postponeTo);
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

async function redrive(deps: Deps, item: WorkItem): Promise<void> {
  switch (item.kind) {
    case "bulletin":
      await advanceBulletin(deps, item.bulletin_id);
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
