import { describe, expect, it } from "vitest";
import { parseRateLimits } from "../../../shared/ratelimits/config.js";
import { DEFAULT_RATE_LIMITS } from "../../../shared/ratelimits/types.js";

describe("the rate-limit setting", () => {
  it("keeps the defaults for classes it does not name", () => {
    expect(parseRateLimits(undefined)).toEqual(DEFAULT_RATE_LIMITS);
    expect(parseRateLimits(" publish=25 , read=200")).toEqual({
      ...DEFAULT_RATE_LIMITS,
      publish: 25,
      read: 200,
    });
  });

  it.each([
    "publish",
    "publish=0",
    "publish=1.5",
    "publish=abc",
    "writes=10",
    "publish=10=2",
    "read=10001",
  ])("refuses %j, naming the problem", (text) => {
    expect(() => parseRateLimits(text)).toThrow(/rate/);
  });
});
