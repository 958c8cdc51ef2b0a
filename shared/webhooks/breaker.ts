/**
 * The circuit breaker of a subscription (issue 13): an endpoint whose attempts keep
 * timing out holds delivery workers for the whole timeout each time, so after
 * TRIP_AFTER timeouts in a row its deliveries wait — 30 s, then twice as long after
 * each further timeout, up to 10 minutes — and then go one at a time until an attempt
 * does not time out. Waiting is not an attempt: the retry schedule and the 5-day rule
 * that disables a failing subscription (deliver.ts) go on as before, so a breaker slows
 * a subscription long before anything disables it. Pure; the state lives in the
 * subscription item.
 */
import type { BreakerState } from "../subscriptions/types.js";
import type { AttemptError } from "./sender.js";

/** Timeouts in a row that open the breaker. */
export const TRIP_AFTER = 3;
export const FIRST_OPEN_MS = 30_000;
export const MAX_OPEN_MS = 10 * 60_000;

/** Deliveries of one subscription in flight at once, in one process; one while a breaker is tripped. */
export const MAX_IN_FLIGHT_PER_SUBSCRIPTION = 4;

export function isTimeout(error: AttemptError | null): boolean {
  return error === "timeout" || error === "connect_timeout";
}

/** The breaker after an attempt that ended with `error` at `at`: undefined when it is closed. */
export function breakerAfter(
  current: BreakerState | undefined,
  error: AttemptError | null,
  at: Date,
): BreakerState | undefined {
  if (!isTimeout(error)) return undefined;
  const timeouts = (current?.timeouts ?? 0) + 1;
  const openMs =
    timeouts < TRIP_AFTER ? 0 : Math.min(MAX_OPEN_MS, FIRST_OPEN_MS * 2 ** (timeouts - TRIP_AFTER));
  return { timeouts, open_until: new Date(at.getTime() + openMs).toISOString() };
}

/** Until when attempts must wait, if the breaker is open now. */
export function openUntil(breaker: BreakerState | undefined, now: Date): Date | undefined {
  if (breaker === undefined || breaker.timeouts < TRIP_AFTER) return undefined;
  const until = Date.parse(breaker.open_until);
  return until > now.getTime() ? new Date(until) : undefined;
}

/** How many of the subscription's deliveries may be in flight: one while its breaker is tripped. */
export function inFlightCap(breaker: BreakerState | undefined): number {
  return breaker !== undefined && breaker.timeouts >= TRIP_AFTER
    ? 1
    : MAX_IN_FLIGHT_PER_SUBSCRIPTION;
}
