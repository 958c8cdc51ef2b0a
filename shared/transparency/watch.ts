/**
 * The checkpoint must never lag behind for ever (DESIGN §14). Once a minute the
 * sweeper measures how long the oldest change not yet in a signed checkpoint has
 * waited — `LogCheckpointLag`, in seconds, 0 when the log is current, which an alarm
 * watches — and, if any change waits, asks for a checkpoint again: whatever was lost
 * (a message, a writer that died half-way), the writer runs again.
 */
import { parseMicros } from "../changes/instants.js";
import type { HubDeps } from "../hub/deps.js";

export type WatchDeps = Pick<HubDeps, "store" | "clock" | "metrics" | "logger" | "checkpoints">;

export interface LogLag {
  /** Changes committed but not yet in a signed checkpoint. */
  waiting: number;
  /** How long the oldest of them has waited, in seconds (0 when none waits). */
  seconds: number;
}

export async function watchCheckpointLag(deps: WatchDeps): Promise<LogLag> {
  const [head, last] = await Promise.all([
    deps.store.log.readHead(),
    deps.store.changes.lastChange(),
  ]);
  const size = head?.size ?? 0;
  const now = deps.clock.now();
  let lag: LogLag = { waiting: 0, seconds: 0 };
  if (last !== undefined && last.seq >= size) {
    const [oldest] = await deps.store.changes.changesAfter(size - 1, 1);
    const since = oldest === undefined ? now.getTime() : parseMicros(oldest.at) / 1000;
    lag = { waiting: last.seq + 1 - size, seconds: Math.max(0, (now.getTime() - since) / 1000) };
  }
  deps.metrics.seconds("LogCheckpointLag", lag.seconds);
  if (lag.waiting > 0) {
    deps.logger.info("changes wait for a checkpoint", { ...lag });
    await deps.checkpoints?.checkpointDue(now);
  }
  return lag;
}
