/**
 * Issue 13's attacks, the long run (`npm run test:soak`): longer phases, more of the
 * neighbour's traffic, screening and sightings too. Same measure as the quick version:
 * the victim's p99, quiet and flooded, in one run, within a generous factor.
 */
import { describe, expect, it } from "vitest";
import { quantile } from "./harness.js";
import { apiFlood, describePhases, webhookStarvation } from "./noisy-neighbour.js";

const FACTOR = 5;

describe("a noisy neighbour, at length", () => {
  it("hanging endpoints, pings and a steady stream of its own bulletins", async () => {
    const phases = await webhookStarvation({ publishes: 40, floodMs: 15_000, noisyPublishRate: 2 });
    console.info(`[abuse, soak] ${describePhases("victim webhook latency", phases)}`);
    expect(quantile(phases.flooded, 0.99)).toBeLessThanOrEqual(
      FACTOR * quantile(phases.quiet, 0.99),
    );
  }, 900_000);

  it.each([
    ["requests past its rate", { kind: "read", concurrency: 32, ratePerSecond: 180 }],
    [
      "1,000-address screens",
      { kind: "screen", concurrency: 8, ratePerSecond: 20, noisyRates: { screen: 1 } },
    ],
    ["sightings with 1 KiB notes", { kind: "sighting", concurrency: 8, ratePerSecond: 60 }],
  ] as const)(
    "%s",
    async (_name, attack) => {
      const phases = await apiFlood({ ...attack, sampleMs: 15_000 });
      console.info(
        `[abuse, soak] ${describePhases(`victim GET /v1/me, ${attack.kind} flood`, phases)}`,
      );
      expect(phases.flood["429"] ?? 0).toBeGreaterThan(0);
      expect(quantile(phases.flooded, 0.99)).toBeLessThanOrEqual(
        FACTOR * quantile(phases.quiet, 0.99),
      );
    },
    900_000,
  );
});
