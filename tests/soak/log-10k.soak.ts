/**
 * 10,000 changes (DESIGN §14, issue 15's "done when"): publishes and revocations from
 * three publishers at once through a local hub; then the tree's size is the number of
 * changes, every receipt verifies as included with the SDK, and consistency verifies
 * between every pair of checkpoints taken along the way. Go's tlog checks the same in
 * the log interop lane (tests/log-interop/hub.interop.ts). CORDON_LOG_SOAK_CHANGES sets
 * the size.
 */
import { afterAll, beforeAll, describe, it } from "vitest";
import { startTestHub, type TestHub, type TestOrg } from "../helpers/hub.js";
import { expectLogHolds, growLog } from "../helpers/log-scale.js";

const CHANGES = Number(process.env.CORDON_LOG_SOAK_CHANGES ?? "10000");

let t: TestHub;
let publishers: TestOrg[];

beforeAll(async () => {
  t = await startTestHub();
  publishers = [
    await t.onboard("trm"),
    await t.onboard("chainalysis"),
    await t.onboard("elliptic"),
  ];
});
afterAll(async () => {
  await t?.stop();
});

describe(`the log after ${CHANGES} changes`, () => {
  it("has one leaf per change, every receipt included, every checkpoint extending every earlier one", async () => {
    const began = Date.now();
    const grown = await growLog(publishers, {
      changes: CHANGES,
      concurrency: 12,
      samples: 30,
      progress: (line) =>
        process.stderr.write(`[log soak ${((Date.now() - began) / 1000).toFixed(0)} s] ${line}\n`),
    });
    await expectLogHolds(grown, CHANGES);
    process.stderr.write(
      `[log soak] ${CHANGES} changes, ${grown.checkpoints.length} checkpoints kept, ${((Date.now() - began) / 1000).toFixed(0)} s\n`,
    );
  }, 3_600_000);
});
