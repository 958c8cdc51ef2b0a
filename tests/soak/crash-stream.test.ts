/**
 * Issue 8, faults (a), the quick run in `npm test`: a stream of publishes to a handful
 * of subscribers, the hub killed with SIGKILL once mid-stream and once while the
 * deliveries drain. Every bulletin ends accepted and reaches every subscriber owed it,
 * once after de-duplication by webhook-id, and no one else. The long run with 500
 * publishes and 20 subscribers is `crash-stream.soak.ts` (`npm run test:soak`).
 */
import { describe, expect, it } from "vitest";
import { runSeed } from "../helpers/seeded-random.js";
import { describeReport, expectNothingLostOrLeaked, runKillStream } from "./kill-stream.js";

describe("SIGKILL during a publish stream", () => {
  it("loses nothing, leaks nothing and delivers nothing twice past de-duplication", async () => {
    const report = await runKillStream({
      seed: runSeed(),
      publishes: 60,
      subscribers: 8,
      killsDuringStream: 1,
      killsDuringDrain: 1,
      concurrency: 4,
      drainTimeoutMs: 45_000,
      minUptimeMs: 6_000,
    });
    console.info(`[faults a, quick] ${describeReport(report)}`);
    for (const line of report.hubWarnings) console.info(`[faults a, quick] hub log: ${line}`);
    expect(report.kills).toBe(2);
    expectNothingLostOrLeaked(report, report.publishes);
  }, 120_000);
});
