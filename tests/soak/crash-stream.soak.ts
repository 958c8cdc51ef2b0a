/**
 * Issue 8, faults (a), the long run (`npm run test:soak`, also in CI): 500 publishes
 * to 20 subscribers — entitled or not by TLP, audience and filters, four of them
 * flapping as well — with the hub killed by SIGKILL four times during the stream and
 * twice while deliveries drain, restarted each time from its data folder.
 */
import { describe, expect, it } from "vitest";
import { runSeed } from "../helpers/seeded-random.js";
import { describeReport, expectNothingLostOrLeaked, runKillStream } from "./kill-stream.js";

describe("SIGKILL during a stream of 500 publishes to 20 subscribers", () => {
  it("every accepted bulletin reaches every entitled subscriber, and only them", async () => {
    const report = await runKillStream({
      seed: runSeed(),
      publishes: 500,
      subscribers: 20,
      killsDuringStream: 4,
      killsDuringDrain: 2,
      concurrency: 8,
      // Generous: the drain after the last two kills, flappers' retries included, is timed in the report.
      drainTimeoutMs: 240_000,
      flappers: 4,
      hubLogLevel: process.env.CORDON_SOAK_HUB_LOG ?? "warn",
      progress: (line) => console.info(`[faults a, soak] ${line}`),
    });
    console.info(`[faults a, soak] ${describeReport(report)}`);
    for (const line of report.hubWarnings) console.info(`[faults a, soak] hub log: ${line}`);
    console.info(
      `[faults a, soak] still missing every 5 s of the drain: ${report.drainCurve.join(" ")}`,
    );
    expect(report.kills).toBe(6);
    expectNothingLostOrLeaked(report, 500);
  }, 900_000);
});
