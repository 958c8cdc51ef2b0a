/**
 * The log interop lane (`npm run test:log-interop`, also in CI): Go's own
 * golang.org/x/mod/sumdb/note and tlog, from Debian's packages in GOPATH mode, verify
 * Cordon's checkpoints, tiles, entry bundles and proofs over HTTP.
 */
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/log-interop/**/*.interop.ts"],
    environment: "node",
    pool: "forks",
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 300_000,
    reporters: process.env.CI_JSON
      ? ["default", ["json", { outputFile: ".vitest-log-interop-results.json" }]]
      : ["default"],
  },
});
