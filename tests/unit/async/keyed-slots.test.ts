import { describe, expect, it } from "vitest";
import { KeyedSlots } from "../../../shared/async/keyed-slots.js";

describe("keyed slots", () => {
  it("hold at most `cap` per key, and keys apart", async () => {
    const slots = new KeyedSlots();
    const a1 = await slots.take("a", 2, 0);
    const a2 = await slots.take("a", 2, 0);
    expect(await slots.take("a", 2, 0)).toBeUndefined();
    expect(await slots.take("b", 2, 0)).toBeDefined();
    expect(slots.held("a")).toBe(2);
    a1?.();
    a1?.(); // a second release changes nothing
    expect(slots.held("a")).toBe(1);
    a2?.();
    expect(slots.held("a")).toBe(0);
  });

  it("hand a released slot to the first waiter, and tell a waiter past its wait no", async () => {
    const slots = new KeyedSlots();
    const held = await slots.take("a", 1, 0);
    const patient = slots.take("a", 1, 1_000);
    const hasty = slots.take("a", 1, 10);
    expect(await hasty).toBeUndefined();
    held?.();
    const granted = await patient;
    expect(granted).toBeDefined();
    expect(slots.held("a")).toBe(1);
    granted?.();
    expect(slots.held("a")).toBe(0);
  });
});
