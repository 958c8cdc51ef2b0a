import { describe, expect, it } from "vitest";
import {
  breakerAfter,
  FIRST_OPEN_MS,
  inFlightCap,
  MAX_IN_FLIGHT_PER_SUBSCRIPTION,
  MAX_OPEN_MS,
  openUntil,
  TRIP_AFTER,
} from "../../../shared/webhooks/breaker.js";

const at = new Date("2026-11-25T12:00:00Z");

describe("the circuit breaker of a subscription", () => {
  it("counts timeouts in a row and opens at the third, for 30 s, doubling to 10 minutes", () => {
    let breaker = breakerAfter(undefined, "timeout", at);
    breaker = breakerAfter(breaker, "connect_timeout", at);
    expect(openUntil(breaker, at)).toBeUndefined();
    expect(inFlightCap(breaker)).toBe(MAX_IN_FLIGHT_PER_SUBSCRIPTION);
    const opened: number[] = [];
    for (let i = 0; i < 8; i += 1) {
      breaker = breakerAfter(breaker, "timeout", at);
      opened.push((openUntil(breaker, at)?.getTime() ?? at.getTime()) - at.getTime());
    }
    expect(breaker?.timeouts).toBe(TRIP_AFTER + 7);
    expect(opened).toEqual([
      FIRST_OPEN_MS,
      2 * FIRST_OPEN_MS,
      4 * FIRST_OPEN_MS,
      8 * FIRST_OPEN_MS,
      16 * FIRST_OPEN_MS,
      MAX_OPEN_MS,
      MAX_OPEN_MS,
      MAX_OPEN_MS,
    ]);
    // Once the period is over, one attempt at a time.
    expect(openUntil(breaker, new Date(at.getTime() + MAX_OPEN_MS + 1))).toBeUndefined();
    expect(inFlightCap(breaker)).toBe(1);
  });

  it("closes on any attempt that does not time out, a refusal or an error status included", () => {
    const tripped = { timeouts: TRIP_AFTER, open_until: at.toISOString() };
    expect(breakerAfter(tripped, null, at)).toBeUndefined();
    expect(breakerAfter(tripped, "ECONNREFUSED", at)).toBeUndefined();
    expect(inFlightCap(undefined)).toBe(MAX_IN_FLIGHT_PER_SUBSCRIPTION);
  });
});
