/**
 * The long runs (`npm run test:soak`, also in CI): the fault soaks (tests/soak/*.soak.ts:
 * SIGKILLs during 500 publishes to 20 subscribers) and the hostile-input properties of
 * tests/hostile with five times the cases `npm test` tries, and the abuse suite's long
 * noisy-neighbour runs (tests/abuse/*.soak.ts). One file at a time: the
 * soak kills and restarts a hub process, and the hostile suite times every answer.
 */
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/soak/**/*.soak.ts", "tests/abuse/**/*.soak.ts", "tests/hostile/**/*.test.ts"],
    environment: "node",
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      CORDON_HOSTILE_SCALE: "5",
    },
    pool: "forks",
    fileParallelism: false,
    testTimeout: 900_000,
    hookTimeout: 120_000,
    reporters: process.env.CI_JSON
      ? ["default", ["json", { outputFile: ".vitest-soak-results.json" }]]
      : ["default"],
  },
});
