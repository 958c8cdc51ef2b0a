/**
 * The token bucket as GCRA (DESIGN §15): capacity 2r at once, then r a second, and
 * what the caller is told — exact RateLimit fields, Retry-After never before the reset.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { admit, stateOf, toleranceMs } from "../../../shared/ratelimits/gcra.js";
import { limitItem, policyItem, rateLimitHeaders } from "../../../shared/ratelimits/headers.js";
import { classPolicy, PING_POLICY } from "../../../shared/ratelimits/types.js";

describe("the GCRA bucket", () => {
  it("admits a full bucket's capacity at once, then nothing until a unit comes back", () => {
    const policy = classPolicy("publish", 10);
    let tat: number | undefined;
    const now = 1_000_000;
    const admitted: boolean[] = [];
    for (let i = 0; i < 25; i += 1) {
      const outcome = admit(tat, now, policy);
      admitted.push(outcome.admitted);
      if (outcome.admitted) tat = outcome.tatMs;
    }
    expect(admitted.filter(Boolean)).toHaveLength(20);
    expect(admitted.slice(20).every((a) => !a)).toBe(true);
    // One interval (100 ms) later, exactly one more.
    expect(admit(tat, now + 100, policy).admitted).toBe(true);
    expect(admit(tat, now + 99, policy).admitted).toBe(false);
  });

  it("never admits more than capacity + rate × elapsed, whatever the arrivals (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 300 }),
        (rate, gaps) => {
          const policy = classPolicy("read", rate);
          let tat: number | undefined;
          let now = 0;
          let count = 0;
          for (const gap of gaps) {
            now += gap;
            const outcome = admit(tat, now, policy);
            if (outcome.admitted) {
              count += 1;
              tat = outcome.tatMs;
            }
          }
          return count <= policy.capacity + Math.floor((now * rate) / 1000);
        },
      ),
    );
  });

  it("tells a fresh caller capacity − 1 left and one second to the next unit", () => {
    const policy = classPolicy("read", 50);
    const outcome = admit(undefined, 5_000, policy);
    expect(stateOf(outcome, 5_000, policy)).toEqual({ remaining: 99, resetSeconds: 1 });
  });

  it("answers a refusal with nothing left and a wait of one interval at most", () => {
    const policy = classPolicy("publish", 10);
    const now = 10_000;
    const refused = { admitted: false, tatMs: now + toleranceMs(policy) + 40 };
    expect(stateOf(refused, now, policy)).toEqual({ remaining: 0, resetSeconds: 1 });
  });

  it("waits out a ping's minute from its last admission", () => {
    const first = admit(undefined, 0, PING_POLICY);
    expect(stateOf(first, 0, PING_POLICY)).toEqual({ remaining: 0, resetSeconds: 60 });
    const second = admit(first.tatMs, 15_000, PING_POLICY);
    expect(second.admitted).toBe(false);
    expect(stateOf(second, 15_000, PING_POLICY)).toEqual({ remaining: 0, resetSeconds: 45 });
    expect(admit(first.tatMs, 60_000, PING_POLICY).admitted).toBe(true);
  });
});

describe("the RateLimit fields (draft-ietf-httpapi-ratelimit-headers)", () => {
  it("name the policy as an SF String with its quota and window", () => {
    expect(policyItem(classPolicy("read", 50))).toBe('"read";q=100;w=2');
    expect(policyItem(classPolicy("feed-token", 10))).toBe('"feed-token";q=20;w=2');
    expect(policyItem(PING_POLICY)).toBe('"ping";q=1;w=60');
    expect(limitItem(classPolicy("screen", 20), { remaining: 7, resetSeconds: 1 })).toBe(
      '"screen";r=7;t=1',
    );
  });

  it("add Retry-After equal to the reset on a refusal only", () => {
    const policy = classPolicy("publish", 10);
    expect(rateLimitHeaders(policy, { remaining: 0, resetSeconds: 1 }, true)).toEqual({
      "ratelimit-policy": '"publish";q=20;w=2',
      ratelimit: '"publish";r=0;t=1',
      "retry-after": "1",
    });
    expect(rateLimitHeaders(policy, { remaining: 3, resetSeconds: 1 }, false)).not.toHaveProperty(
      "retry-after",
    );
  });
});
