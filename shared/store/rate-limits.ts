/**
 * The storage port of rate limits (DESIGN §15): one bucket per scope (an organisation
 * and class, or a subscription's pings), kept as its GCRA theoretical arrival time
 * (shared/ratelimits/gcra.ts). The DynamoDB adapter is shared/store/dynamo/rate-limits.ts.
 */
import type { Admission } from "../ratelimits/gcra.js";

export interface BucketSpec {
  intervalMs: number;
  /** How far ahead of now the TAT may run and still admit: (capacity − 1) intervals. */
  toleranceMs: number;
}

export interface RateLimitStore {
  /**
   * Takes one unit of the bucket `scope` at `nowMs`, atomically across every process:
   * admitted when its TAT ≤ now + tolerance, the TAT then moving to max(TAT, now) +
   * interval. Answers the TAT after an admission, or a lower bound of it after a refusal.
   */
  take(scope: string, bucket: BucketSpec, nowMs: number): Promise<Admission>;
}
