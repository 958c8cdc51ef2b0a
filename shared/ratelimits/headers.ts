/**
 * The IETF rate-limit header fields (draft-ietf-httpapi-ratelimit-headers, the
 * RateLimit-Policy / RateLimit pair of its latest drafts): Structured Field lists of
 * one item per policy, the policy named by a String.
 *
 *   RateLimit-Policy: "read";q=100;w=2      a bucket of 100, refilled in 2 s (50/s)
 *   RateLimit: "read";r=99;t=1              99 left, one more unit within 1 s
 *
 * A refusal adds `Retry-After` (delay-seconds) equal to `t`, as the draft asks (never
 * earlier than the reset).
 */
import type { BucketState } from "./gcra.js";
import type { BucketPolicy } from "./types.js";

export const RATELIMIT_POLICY_HEADER = "ratelimit-policy";
export const RATELIMIT_HEADER = "ratelimit";

/** `"name";q=<capacity>;w=<seconds to refill it>`. */
export function policyItem(policy: BucketPolicy): string {
  const windowSeconds = Math.max(1, Math.round((policy.capacity * policy.intervalMs) / 1000));
  return `${sfString(policy.name)};q=${policy.capacity};w=${windowSeconds}`;
}

/** `"name";r=<remaining>;t=<seconds>`. */
export function limitItem(policy: BucketPolicy, state: BucketState): string {
  return `${sfString(policy.name)};r=${state.remaining};t=${state.resetSeconds}`;
}

/** Both fields for one bucket; a refusal adds Retry-After. */
export function rateLimitHeaders(
  policy: BucketPolicy,
  state: BucketState,
  refused: boolean,
): Record<string, string> {
  return {
    [RATELIMIT_POLICY_HEADER]: policyItem(policy),
    [RATELIMIT_HEADER]: limitItem(policy, state),
    ...(refused ? { "retry-after": String(state.resetSeconds) } : {}),
  };
}

/**
 * Adds one bucket's fields to headers that may already name another (a ping refused
 * on its own bucket after its class admitted it): SF lists join with ", ".
 */
export function mergeRateLimitHeaders(
  headers: Record<string, string>,
  added: Record<string, string>,
): Record<string, string> {
  const merged = { ...headers };
  for (const [name, value] of Object.entries(added)) {
    const existing = merged[name];
    merged[name] =
      existing === undefined || name === "retry-after" ? value : `${existing}, ${value}`;
  }
  return merged;
}

/** An SF String: policy names are plain ASCII, but quote and escape as the grammar asks. */
function sfString(value: string): string {
  return `"${value.replace(/[\\"]/g, (char) => `\\${char}`)}"`;
}
