/**
 * `npm run test:lagging-index` (also in CI): the visibility, fan-out and admin suites
 * with every index query answering from a state $CORDON_TEST_GSI_LAG_MS old (default
 * 1 s: a GSI on AWS usually trails by less, but a longer lag catches a stale read more
 * surely than a test's own pace does), as on AWS (local/lagging-index.ts). DESIGN §10:
 * no decision that governs visibility, recipients, fan-out targets or the last admin
 * reads an index, so these pass unchanged. tests/lanes/lagging-index.lane.ts proves the
 * double is really in place, in-process and in a hub process alike.
 */
import { defineConfig } from "vitest/config";

const LAGGING_INDEX_SUITES = [
  "tests/lanes/lagging-index.lane.ts",
  "tests/integration/consistent-decisions.test.ts",
  "tests/integration/tlp-matrix.test.ts",
  "tests/integration/bulletins.test.ts",
  "tests/integration/feed.test.ts",
  "tests/integration/sightings.test.ts",
  "tests/integration/onboarding.test.ts",
  "tests/hostile/tlp-surfaces.test.ts",
  "tests/e2e/webhooks.test.ts",
  "tests/e2e/crash-recovery.test.ts",
];

export default defineConfig({
  test: {
    include: LAGGING_INDEX_SUITES,
    environment: "node",
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      CORDON_TEST_GSI_LAG_MS: process.env.CORDON_TEST_GSI_LAG_MS ?? "1000",
    },
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: process.env.CI_JSON
      ? ["default", ["json", { outputFile: ".vitest-lagging-index-results.json" }]]
      : ["default"],
  },
});
