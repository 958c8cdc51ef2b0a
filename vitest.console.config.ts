/**
 * The console lane (`npm run test:console`, also in CI): the analyst console in a real
 * browser — Debian's Chromium driven by playwright-core — against a local hub. A
 * vitest project rather than Playwright's own runner, so the lane writes the same JSON
 * results as every other lane of .ci/run and uses the repository's hub helpers as is.
 */
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/console/**/*.console.ts"],
    environment: "node",
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    pool: "forks",
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 120_000,
    reporters: process.env.CI_JSON
      ? ["default", ["json", { outputFile: ".vitest-console-results.json" }]]
      : ["default"],
  },
});
