/** The demo (`npm run demo`) is also the end-to-end test of the case Cordon exists for. */
import { describe, expect, it } from "vitest";
import { runDemo } from "../../cli/demo.js";

describe("the demo", () => {
  it("replays the terrorist-financing case end to end, every step checked", async () => {
    // Act
    const lines: string[] = [];
    const result = await runDemo({ log: (line) => lines.push(line) });
    // Assess
    expect(result.checks).toBeGreaterThanOrEqual(25);
    expect(lines.join("\n")).toContain(`All ${result.checks} checks passed.`);
    expect(lines.some((line) => line.includes("exactly one hit"))).toBe(true);
  }, 120_000);
});
