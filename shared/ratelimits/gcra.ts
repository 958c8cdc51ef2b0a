/**
 * The token bucket as the Generic Cell Rate Algorithm: one number per bucket, its
 * theoretical arrival time (TAT). A request at `now` conforms when TAT ≤ now + τ
 * (τ = (capacity − 1) × interval); it then moves TAT to max(TAT, now) + interval. So a
 * full bucket admits `capacity` requests at once and then one per interval, exactly as
 * a token bucket of that rate and capacity would — with one conditional write, no read.
 *
 * Pure: the store applies the rule (shared/store/dynamo/rate-limits.ts), and this module
 * turns its answer into what the caller is told.
 */
import type { BucketPolicy } from "./types.js";

/** What a bucket answered: admitted, and the TAT after it (a lower bound of it when refused). */
export interface Admission {
  admitted: boolean;
  tatMs: number;
}

/** How far ahead of now a bucket's TAT may run and still admit: (capacity − 1) intervals. */
export function toleranceMs(policy: Pick<BucketPolicy, "intervalMs" | "capacity">): number {
  return (policy.capacity - 1) * policy.intervalMs;
}

/** The rule itself, for in-memory buckets: the TAT before (undefined: a full bucket) → the outcome. */
export function admit(tatMs: number | undefined, nowMs: number, policy: BucketPolicy): Admission {
  const tat = tatMs ?? nowMs;
  if (tat > nowMs + toleranceMs(policy)) return { admitted: false, tatMs: tat };
  return { admitted: true, tatMs: Math.max(tat, nowMs) + policy.intervalMs };
}

/** What the caller is told: units left, and seconds until another one (RateLimit's `r` and `t`). */
export interface BucketState {
  remaining: number;
  /** Whole seconds until the bucket holds one more unit; also the Retry-After of a refusal. */
  resetSeconds: number;
}

/** Rounding slack: TATs are stored in whole microseconds. */
const EPSILON_MS = 0.001;

export function stateOf(admission: Admission, nowMs: number, policy: BucketPolicy): BucketState {
  const { intervalMs, capacity } = policy;
  const intervalSeconds = Math.ceil(intervalMs / 1000 - EPSILON_MS / 1000);
  if (!admission.admitted) {
    // The next unit comes when TAT − τ is reached; a refusal knows TAT only as a lower
    // bound, and TAT − τ − now can never exceed one interval (the last admission left it
    // within τ + interval of its own now).
    const wait = admission.tatMs - toleranceMs(policy) - nowMs;
    const seconds = Math.ceil(wait / 1000 - EPSILON_MS / 1000);
    return { remaining: 0, resetSeconds: Math.min(intervalSeconds, Math.max(1, seconds)) };
  }
  const room = (nowMs + capacity * intervalMs - admission.tatMs) / intervalMs;
  const remaining = Math.max(0, Math.min(capacity, Math.floor(room + EPSILON_MS / intervalMs)));
  // Units come back one interval apart; the next arrives when TAT − (capacity − remaining − 1) intervals is reached.
  const nextUnitMs = admission.tatMs - (capacity - remaining - 1) * intervalMs - nowMs;
  const seconds = Math.ceil(nextUnitMs / 1000 - EPSILON_MS / 1000);
  return { remaining, resetSeconds: Math.min(intervalSeconds, Math.max(1, seconds)) };
}
