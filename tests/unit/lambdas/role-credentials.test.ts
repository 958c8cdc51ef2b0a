/**
 * The credentials the Lambda bundles use in place of the SDK's default chain: the
 * execution role's, from the environment the Lambda runtime sets.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { defaultProvider } from "../../../lambdas/role-credentials.js";

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("defaultProvider", () => {
  it("answers the role's credentials from the environment", async () => {
    // Prepare: what Lambda sets for the execution role.
    vi.stubEnv("AWS_ACCESS_KEY_ID", "ASIAEXAMPLE");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "secret");
    vi.stubEnv("AWS_SESSION_TOKEN", "session");
    // Act
    const credentials = await defaultProvider()();
    // Assess
    expect(credentials).toMatchObject({
      accessKeyId: "ASIAEXAMPLE",
      secretAccessKey: "secret",
      sessionToken: "session",
    });
  });

  it("fails without them, rather than looking anywhere else", async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", "");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "");
    await expect(defaultProvider()()).rejects.toThrow(/environment/i);
  });
});
