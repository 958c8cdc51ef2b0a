/** Percentiles, medians and timers for the benchmark figures. */

/** The q-quantile (0..1) of `values`, interpolated between the nearest ranks. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const low = sorted[lower] as number;
  const high = sorted[upper] as number;
  return low + (high - low) * (position - lower);
}

export const median = (values: readonly number[]): number => quantile(values, 0.5);

export interface Summary {
  n: number;
  p50: number;
  p99: number;
  min: number;
  max: number;
  mean: number;
}

export function summarise(values: readonly number[]): Summary {
  return {
    n: values.length,
    p50: quantile(values, 0.5),
    p99: quantile(values, 0.99),
    min: values.length === 0 ? Number.NaN : Math.min(...values),
    max: values.length === 0 ? Number.NaN : Math.max(...values),
    mean: values.length === 0 ? Number.NaN : values.reduce((sum, v) => sum + v, 0) / values.length,
  };
}

/** Milliseconds on a monotonic clock. */
export function now(): number {
  return performance.now();
}

/** Milliseconds since the epoch with sub-millisecond resolution, comparable across processes. */
export function wallClock(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Runs `fn` over `count` indexes with `concurrency` in flight; answers each call's
 * latency (ms). A failure stops new calls and is thrown once those in flight have
 * settled, so nothing is left running against a server the caller then stops.
 */
export async function timedPool(
  count: number,
  concurrency: number,
  fn: (index: number) => Promise<void>,
): Promise<{ latencies: number[]; elapsedMs: number }> {
  const latencies = new Array<number>(count);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const started = now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count && failure === undefined) {
        const index = next;
        next += 1;
        const t = now();
        try {
          await fn(index);
        } catch (error) {
          failure ??= { error };
          return;
        }
        latencies[index] = now() - t;
      }
    }),
  );
  if (failure !== undefined) throw failure.error;
  return { latencies, elapsedMs: now() - started };
}

export function round(value: number, digits = 1): number {
  if (!Number.isFinite(value)) return value;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
