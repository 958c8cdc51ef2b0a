/**
 * The credentials the AWS SDK clients of a Lambda use: the execution role's, which the
 * Lambda runtime puts in the environment (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
 * `AWS_SESSION_TOKEN`). The Lambda bundles use this module in place of the SDK's
 * default chain, `@aws-sdk/credential-provider-node` (lib/hub-function.ts,
 * LAMBDA_ALIASES): that chain also tries INI files, SSO, web identity, a process and
 * instance metadata, and carries its own STS, SSO and OIDC clients — about 137 KB of
 * every bundle that never runs on Lambda, and time to compile at each cold start.
 * The local runtime and the tests keep the SDK's own chain.
 */
import { type FromEnvInit, fromEnv } from "@aws-sdk/credential-provider-env";

/** Same name and signature as the default chain's, which every SDK client imports. */
export const defaultProvider = (init?: FromEnvInit) => fromEnv(init);
