import { describe, expect, it } from "vitest";
import { coalesce, coalesceReads } from "../../../shared/async/coalesce.js";

describe("coalesce", () => {
  it("runs the calls of one turn as one call over all their inputs, and answers each caller", async () => {
    // Prepare
    const runs: number[][] = [];
    const double = coalesce(async (inputs: number[]) => {
      runs.push([...inputs]);
      return inputs.map((n) => n * 2);
    });
    // Act
    const answers = await Promise.all([double([1]), double([2, 3]), double([4])]);
    // Assess
    expect(runs).toEqual([[1, 2, 3, 4]]);
    expect(answers).toEqual([
      [2, 4, 6, 8],
      [2, 4, 6, 8],
      [2, 4, 6, 8],
    ]);
  });

  it("runs calls made in later turns separately", async () => {
    const runs: string[][] = [];
    const record = coalesce(async (inputs: string[]) => {
      runs.push([...inputs]);
    });
    await record(["a"]);
    await record(["b"]);
    expect(runs).toEqual([["a"], ["b"]]);
  });

  it("fails every caller of a failed run, and the next turn runs afresh", async () => {
    let fail = true;
    const flaky = coalesce(async (inputs: string[]) => {
      if (fail) throw new Error("the batch failed");
      return inputs.length;
    });
    const outcomes = await Promise.allSettled([flaky(["a"]), flaky(["b"])]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["rejected", "rejected"]);
    fail = false;
    await expect(flaky(["c"])).resolves.toBe(1);
  });

  it("answers each keyed reader with its own keys' values only, in its order", async () => {
    const reads: string[][] = [];
    const read = coalesceReads(
      async (keys: string[]) => {
        reads.push([...keys]);
        return keys.filter((k) => k !== "missing").map((k) => ({ id: k, value: k.toUpperCase() }));
      },
      (k) => k,
      (v) => v.id,
    );
    const [first, second] = await Promise.all([read(["b", "a"]), read(["missing", "c"])]);
    expect(reads).toEqual([["b", "a", "missing", "c"]]);
    expect(first.map((v) => v.value)).toEqual(["B", "A"]);
    expect(second.map((v) => v.value)).toEqual(["C"]);
  });
});
