import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    environment: "node",
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    pool: "forks",
    // Most suites wait on sockets, timers and child processes, not the CPU: three
    // forks on a 2-core machine take npm test from about 7.5 to 4.5 minutes.
    maxWorkers: 3,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: process.env.CI_JSON
      ? ["default", ["json", { outputFile: ".vitest-results.json" }]]
      : ["default"],
  },
});
