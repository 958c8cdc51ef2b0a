/**
 * The log writer's schedule (DESIGN §14): a new signed checkpoint within a second of a
 * change while changes arrive, at most one per second, and none while idle. The same
 * code runs in the log Lambda (reserved concurrency 1, fed by the FIFO queue of
 * trigger.ts) and in the local hub.
 *
 * Woken for second S (a change was logged then), the writer:
 *   1. looks for committed changes the head lacks; if there are none and it looked
 *      after S ended, every change of S is in a checkpoint: it stops. If it looked
 *      before S ended, it waits for the end of S and looks again (the queue dropped
 *      the repeats of S's message, so their changes are its to cover);
 *   2. otherwise waits until the second after the last checkpoint was signed (one a
 *      second at most), extends the log (shared/log/writer.ts) and goes back to 1.
 * While changes keep coming, every second that has one sends its own wake-up, queued
 * behind the run, so runs follow one another and sign on each second boundary. A
 * wake-up of a second already covered costs two reads and no wait; a run that nears its
 * time budget stops and leaves the rest to the next wake-up (or the sweeper's).
 */
import type { HubDeps } from "../hub/deps.js";
import { extendLog, type LogHead } from "../log/writer.js";
import { logIdentity } from "./identity.js";

export type WriterDeps = Pick<
  HubDeps,
  "store" | "clock" | "audience" | "hubKeys" | "logger" | "metrics"
>;

export interface KeepCurrentOptions {
  /** The latest epoch second a change asked for a checkpoint in. */
  second: number;
  /** What is left of the run's time budget (a Lambda's remaining time). */
  remainingMs: () => number;
  /** Waits `ms` (tests pass a fake). */
  sleep?: (ms: number) => Promise<void>;
}

export interface KeepCurrentReport {
  /** Checkpoints signed by this run. */
  checkpoints: number;
  /** The log's size when the run stopped. */
  size: number;
  /** False when the budget ran out with changes still coming in. */
  caughtUp: boolean;
}

/** Stop starting steps with less than this left: a step of 1,000 changes takes well under it. */
const BUDGET_MARGIN_MS = 5_000;
/** Changes appended per step; more wait for the next second's step. */
const MAX_CHANGES_PER_STEP = 1_000;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function keepLogCurrent(
  deps: WriterDeps,
  options: KeepCurrentOptions,
): Promise<KeepCurrentReport> {
  const sleep = options.sleep ?? realSleep;
  const identity = logIdentity(deps);
  const signers = await identity.signers();
  const secondEnds = (options.second + 1) * 1000;
  const waitUntil = async (time: number) => {
    const ms = time - deps.clock.now().getTime();
    if (ms > 0) await sleep(ms);
  };
  let head: LogHead | undefined = await deps.store.log.readHead();
  let checkpoints = 0;
  for (;;) {
    if (options.remainingMs() < BUDGET_MARGIN_MS) {
      return { checkpoints, size: head?.size ?? 0, caughtUp: false };
    }
    const lookedAt = deps.clock.now().getTime();
    const [next] = await deps.store.log.readChanges(head?.size ?? 0, 1);
    if (next === undefined) {
      if (lookedAt >= secondEnds) return { checkpoints, size: head?.size ?? 0, caughtUp: true };
      await waitUntil(secondEnds);
      continue;
    }
    // At most one checkpoint a second: not before the second after the last one's.
    if (head !== undefined) await waitUntil((Math.floor(head.signedAt / 1000) + 1) * 1000);
    const result = await extendLog(deps.store.log, {
      origin: identity.origin,
      signer: signers,
      maxChanges: MAX_CHANGES_PER_STEP,
      now: () => deps.clock.now(),
    });
    if (result.outcome === "extended") {
      checkpoints += 1;
      deps.metrics.count("LogCheckpointsSigned");
      head = result.head;
    } else {
      // Another writer moved the head (there is one writer; a redeploy may briefly run two).
      head = await deps.store.log.readHead();
    }
  }
}
