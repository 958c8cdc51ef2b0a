/**
 * The install checks (`npm run test:packages`, also in CI): the packed `@cordon/sdk`
 * and `@cordon/cli` installed into empty folders with npm, as a partner would, then
 * run against a real local hub. Kept out of `npm test`: they build, pack and install
 * from the npm registry (its cache first), which takes a minute.
 */
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/packages/**/*.install.ts"],
    environment: "node",
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    pool: "forks",
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 600_000,
    reporters: process.env.CI_JSON
      ? ["default", ["json", { outputFile: ".vitest-packages-results.json" }]]
      : ["default"],
  },
});
