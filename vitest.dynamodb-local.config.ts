/**
 * The suites `npm run test:dynamodb-local` runs against AWS's DynamoDB Local
 * (tests/lanes/dynamodb-local.sh starts it and sets $CORDON_DYNAMODB_ENDPOINT): the
 * integration, e2e and hostile suites, each test hub with a table of its own there
 * (tests/helpers/test-tables.ts). tests/lanes/dynamodb-local.lane.ts proves the hubs
 * really use that server.
 */
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "tests/lanes/dynamodb-local.lane.ts",
      "tests/integration/**/*.test.ts",
      "tests/e2e/**/*.test.ts",
      "tests/hostile/**/*.test.ts",
    ],
    environment: "node",
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: process.env.CI_JSON
      ? ["default", ["json", { outputFile: ".vitest-dynamodb-local-results.json" }]]
      : ["default"],
  },
});
