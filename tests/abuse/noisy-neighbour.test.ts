/**
 * Issue 13's attacks 1 and 3, the quick version (`npm test`; the long one is
 * noisy-neighbour.soak.ts): a victim's webhook p99 and `GET /v1/me` p99, quiet and
 * while a neighbour floods, measured in the same run. Generous ratios: the machine is
 * shared, and both phases pay for whatever else it is doing. What they catch is a
 * victim made to wait behind the flood — a hanging endpoint's 10 s, or a queue of
 * requests — which is many times its quiet latency.
 */
import { describe, expect, it } from "vitest";
import { quantile } from "./harness.js";
import { apiFlood, describePhases, webhookStarvation } from "./noisy-neighbour.js";

/** How much slower the victim's p99 may be during the flood. */
const FACTOR = 5;

describe("a noisy neighbour", () => {
  it("with endpoints that hang and 200 pings does not hold up another's webhooks", {
    timeout: 240_000,
  }, async () => {
    const phases = await webhookStarvation({ publishes: 10, floodMs: 2_000, noisyPublishRate: 1 });
    console.info(`[abuse] ${describePhases("victim webhook latency", phases)}`);
    // One ping per subscription a minute, at most, and never more than its class allows at once.
    expect(phases.pings["202"] ?? 0).toBeGreaterThan(0);
    expect(phases.pings["202"] ?? 0).toBeLessThanOrEqual(25);
    expect((phases.pings["202"] ?? 0) + (phases.pings["429"] ?? 0)).toBe(200);
    expect(quantile(phases.flooded, 0.99)).toBeLessThanOrEqual(
      FACTOR * quantile(phases.quiet, 0.99),
    );
  });

  it("flooding requests past its rate does not hold up another's GET /v1/me", {
    timeout: 120_000,
  }, async () => {
    const phases = await apiFlood({
      kind: "read",
      concurrency: 8,
      ratePerSecond: 20,
      sampleMs: 9_000,
      noisyRates: { read: 2 },
    });
    console.info(`[abuse] ${describePhases("victim GET /v1/me latency", phases)}`);
    expect(phases.flood["429"] ?? 0).toBeGreaterThan(0);
    expect(quantile(phases.flooded, 0.99)).toBeLessThanOrEqual(
      FACTOR * quantile(phases.quiet, 0.99),
    );
  });
});
