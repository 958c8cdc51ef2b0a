/**
 * The log at a small scale in `npm test` (tests/helpers/log-scale.ts; 10,000 changes in
 * `npm run test:soak`): publishes and revocations from two publishers at once, and
 * every check a member can make holds.
 */
import { afterAll, beforeAll, describe, it } from "vitest";
import { startTestHub, type TestHub, type TestOrg } from "../helpers/hub.js";
import { expectLogHolds, growLog } from "../helpers/log-scale.js";

const CHANGES = 60;

let t: TestHub;
let publishers: TestOrg[];

beforeAll(async () => {
  t = await startTestHub();
  publishers = [await t.onboard("trm"), await t.onboard("chainalysis")];
});
afterAll(async () => {
  await t?.stop();
});

describe(`the log after ${CHANGES} changes`, () => {
  it("has one leaf per change, every receipt included, every checkpoint extending every earlier one", async () => {
    // Three rounds, each signed before the next: at least three checkpoints to compare.
    const grown = await growLog(publishers, { changes: CHANGES, samples: 5, rounds: 3 });
    await expectLogHolds(grown, CHANGES);
  }, 300_000);
});
