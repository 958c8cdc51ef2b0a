/**
 * The log writer's schedule (shared/transparency/schedule.ts) on a fake clock: while
 * changes arrive it signs within a second of each, at most one checkpoint a second,
 * none while idle; it covers the changes of its second that came after it looked (the
 * queue dropped their wake-ups as repeats), and stops when its budget runs out.
 */
import { describe, expect, it } from "vitest";
import { CountingMetrics, silentLogger } from "../../../shared/observability/types.js";
import { generateHubKeySet } from "../../../shared/signatures/hub-keys.js";
import type { Store } from "../../../shared/store/types.js";
import { keepLogCurrent, type WriterDeps } from "../../../shared/transparency/schedule.js";
import { MemoryLogStore } from "../../helpers/memory-log-store.js";

const T0 = Date.parse("2026-12-01T10:00:00Z");
const hubKeys = await generateHubKeySet();

/**
 * A fake clock whose sleeps move time on, committing the changes due meanwhile; each
 * change asks for a checkpoint of its second (the queue keeps the first ask of each
 * second), and the asks are handled one at a time, in order, as the FIFO queue hands
 * them to the one writer.
 */
function world(arrivals: number[] = []) {
  const store = new MemoryLogStore();
  const clock = { t: T0 };
  const committedAt = [...arrivals].sort((a, b) => a - b);
  const pending = [...committedAt];
  const arrive = () => {
    while (pending.length > 0 && (pending[0] as number) <= clock.t) {
      pending.shift();
      store.commit(1);
    }
  };
  const deps: WriterDeps = {
    store: { log: store } as unknown as Store,
    clock: { now: () => new Date(clock.t) },
    audience: "cordon",
    hubKeys,
    logger: silentLogger,
    metrics: new CountingMetrics(),
  };
  const sleep = async (ms: number) => {
    // Time passes in steps of 10 ms, changes arriving on the way.
    const until = clock.t + ms;
    while (clock.t < until) {
      clock.t = Math.min(until, clock.t + 10);
      arrive();
    }
  };
  /** Handles the ask for `second`, received at `at` (or now, if later). */
  const wake = async (second: number, at: number, budgetMs = 30_000) => {
    await sleep(Math.max(0, at - clock.t));
    const deadline = clock.t + budgetMs;
    return keepLogCurrent(deps, { second, remainingMs: () => deadline - clock.t, sleep });
  };
  /** Handles every ask the arrivals make, in order. */
  const run = async () => {
    const asks = new Map<number, number>();
    for (const at of committedAt) {
      const second = Math.floor(at / 1000);
      if (!asks.has(second)) asks.set(second, at);
    }
    const reports = [];
    for (const [second, at] of asks) reports.push(await wake(second, at));
    return reports;
  };
  return { store, clock, wake, run, committedAt };
}

describe("the log writer's schedule", () => {
  it("signs within a second of each change, at most once a second, while changes arrive", async () => {
    // Prepare: 60 changes over 9 seconds, some close together, some a second apart.
    const arrivals = Array.from(
      { length: 60 },
      (_, i) => T0 + 100 + i * 150 + (i % 7 === 0 ? 5 : 0) + (i > 40 ? 900 : 0),
    );
    const w = world(arrivals);
    // Act
    const reports = await w.run();
    // Assess
    expect(reports.every((report) => report.caughtUp)).toBe(true);
    expect(w.store.head?.size).toBe(60);
    const seconds = w.store.heads.map((head) => Math.floor(head.signedAt / 1000));
    expect(new Set(seconds).size).toBe(seconds.length);
    for (const [seq, at] of w.committedAt.entries()) {
      const first = w.store.heads.find((head) => head.size > seq);
      expect(first, `change ${seq}`).toBeDefined();
      expect((first?.signedAt ?? 0) - at, `change ${seq}`).toBeLessThanOrEqual(1_000);
    }
  });

  it("covers a change of its second that came after it found nothing new", async () => {
    // Prepare: a change at .100 asks; the ask of another at .600 is dropped as a repeat.
    const w = world([T0 + 100, T0 + 600]);
    // Act: only the first ask comes.
    const report = await w.wake(Math.floor(T0 / 1000), T0 + 100);
    // Assess: both are signed, the second within a second of its commit.
    expect(w.store.head?.size).toBe(2);
    expect(report.checkpoints).toBe(2);
    expect((w.store.heads[1]?.signedAt ?? 0) - (T0 + 600)).toBeLessThanOrEqual(1_000);
    // It stopped once it had looked after its second ended and found nothing new.
    expect(w.clock.t).toBeGreaterThanOrEqual(T0 + 1_000);
    expect(w.clock.t).toBeLessThan(T0 + 2_100);
  });

  it("signs nothing while idle, and an ask of a second already past costs no wait", async () => {
    const w = world([T0 + 100]);
    await w.run();
    const signed = w.store.heads.length;
    const at = w.clock.t + 5_000;
    const late = await w.wake(Math.floor(T0 / 1000), at);
    expect(late).toEqual({ checkpoints: 0, size: 1, caughtUp: true });
    expect(w.store.heads).toHaveLength(signed);
    expect(w.clock.t).toBe(at);
  });

  it("starts no step once its budget runs low, leaving the changes to the next ask", async () => {
    const w = world([T0 + 100]);
    const report = await w.wake(Math.floor(T0 / 1000), T0 + 100, 1_000);
    expect(report).toEqual({ checkpoints: 0, size: 0, caughtUp: false });
    expect(w.store.head).toBeUndefined();
  });
});
