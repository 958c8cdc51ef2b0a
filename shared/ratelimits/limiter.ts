/**
 * Taking from a bucket and telling the caller (DESIGN §15): an organisation's request
 * takes one unit of its class's bucket; a subscription's ping one unit of the ping
 * bucket. A refusal is a 429 whose headers say when to come back; the request it
 * refuses has changed nothing.
 */
import { RateLimitedError } from "../errors/errors.js";
import type { Organisation } from "../orgs/types.js";
import type { RateLimitStore } from "../store/rate-limits.js";
import { type BucketState, stateOf, toleranceMs } from "./gcra.js";
import { rateLimitHeaders } from "./headers.js";
import {
  type BucketPolicy,
  classPolicy,
  PING_POLICY,
  type RateClass,
  type RateLimits,
  rateFor,
} from "./types.js";

/** One bucket's answer: what the caller is told in the RateLimit fields. */
export interface Throttle {
  policy: BucketPolicy;
  state: BucketState;
}

export interface LimiterDeps {
  store: { rateLimits: RateLimitStore };
  /** The hub's rates by class; an organisation's own (`rate_limits`) take precedence. */
  rateLimits: Readonly<RateLimits>;
}

/** Takes one unit of the caller's bucket for `rateClass`; throws a 429 when it is empty. */
export async function admitRequest(
  deps: LimiterDeps,
  caller: Pick<Organisation, "id" | "rate_limits">,
  rateClass: RateClass,
  now: Date,
): Promise<Throttle> {
  const policy = classPolicy(rateClass, rateFor(deps.rateLimits, caller.rate_limits, rateClass));
  return take(deps, `org#${caller.id}#${rateClass}`, policy, now, () => {
    return `More than ${policy.capacity / 2} ${rateClass} requests a second; wait and try again.`;
  });
}

/** At most one ping a minute per subscription (issue 13). */
export async function admitPing(
  deps: Pick<LimiterDeps, "store">,
  subscriptionId: string,
  now: Date,
): Promise<Throttle> {
  return take(
    deps,
    `ping#${subscriptionId}`,
    PING_POLICY,
    now,
    () => "A subscription is pinged at most once a minute.",
  );
}

async function take(
  deps: Pick<LimiterDeps, "store">,
  scope: string,
  policy: BucketPolicy,
  now: Date,
  refusal: () => string,
): Promise<Throttle> {
  const nowMs = now.getTime();
  const admission = await deps.store.rateLimits.take(
    scope,
    { intervalMs: policy.intervalMs, toleranceMs: toleranceMs(policy) },
    nowMs,
  );
  const state = stateOf(admission, nowMs, policy);
  if (!admission.admitted)
    throw new RateLimitedError(refusal(), rateLimitHeaders(policy, state, true));
  return { policy, state };
}
