import { afterEach, describe, expect, it, vi } from "vitest";
import { TtlCache } from "../../../shared/async/ttl-cache.js";

describe("TtlCache", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("shares a load in flight and keeps its answer until it expires", async () => {
    vi.useFakeTimers();
    const cache = new TtlCache<number>(1000, 10);
    const load = vi.fn(async () => 42);
    const [a, b] = await Promise.all([cache.get("k", load), cache.get("k", load)]);
    expect([a, b]).toEqual([42, 42]);
    expect(load).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1001);
    await cache.get("k", load);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it("forgets a failed load, so the next ask loads again", async () => {
    const cache = new TtlCache<number>(60_000, 10);
    await expect(cache.get("k", async () => Promise.reject(new Error("down")))).rejects.toThrow();
    await expect(cache.get("k", async () => 7)).resolves.toBe(7);
  });
});
