import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_ATTEMPTS, parseRetryAfter, retryDelayMs } from "../../../shared/webhooks/schedule.js";

describe("the retry schedule", () => {
  it("retries at once, then after 5 s, 5 min, 30 min, 2 h, 5 h and 10 h: 8 attempts in all", () => {
    const middle = () => 0.5;
    const delays = Array.from({ length: MAX_ATTEMPTS }, (_, i) =>
      retryDelayMs(i + 1, undefined, middle),
    );
    expect(delays).toEqual([
      0,
      5_000,
      300_000,
      1_800_000,
      7_200_000,
      18_000_000,
      36_000_000,
      undefined,
    ]);
  });

  it("stays within ±10% (property)", () => {
    const base = [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000];
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 7 }),
        fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        (attempts, r) => {
          const delay = retryDelayMs(attempts, undefined, () => r) ?? -1;
          const expected = base[attempts - 1] ?? 0;
          expect(delay).toBeGreaterThanOrEqual(Math.floor(expected * 0.9));
          expect(delay).toBeLessThanOrEqual(Math.ceil(expected * 1.1));
        },
      ),
    );
  });

  it("waits at least as long as Retry-After, at most 12 hours", () => {
    expect(retryDelayMs(1, 30_000, () => 0.5)).toBe(30_000);
    expect(retryDelayMs(3, 1_000, () => 0.5)).toBe(300_000);
    expect(retryDelayMs(1, 10 ** 9, () => 0.5)).toBe(12 * 60 * 60 * 1000);
  });

  it("reads Retry-After as seconds or an HTTP date", () => {
    const now = new Date("2026-11-25T12:00:00Z");
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter("Wed, 25 Nov 2026 12:01:00 GMT", now)).toBe(60_000);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
