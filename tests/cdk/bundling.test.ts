/**
 * The one test that bundles for real (the others skip bundling): every Lambda entry
 * builds offline with the local esbuild into one ESM file with the createRequire
 * banner and a source map, holds the AWS SDK that package.json pins (importing nothing
 * from the runtime but Node's built-ins), takes credentials from the environment
 * instead of the SDK's default chain, stays under its size target, and loads in Node.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { isBuiltin } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { App, type CfnResource, Duration, Stack } from "aws-cdk-lib";
import { RetentionDays } from "aws-cdk-lib/aws-logs";
import { afterAll, describe, expect, it } from "vitest";
import { HUB_BUNDLING, HubFunction, REPOSITORY_ROOT } from "../../lib/hub-function.js";

const ENTRIES = {
  api: "lambdas/api.ts",
  fanout: "lambdas/fanout.ts",
  deliver: "lambdas/deliver.ts",
  sweeper: "lambdas/sweeper.ts",
  log: "lambdas/log.ts",
  "init-hub-secret": "lambdas/init-hub-secret.ts",
};

/** The target of every bundle, SDK included (docs/deploy.md; bench/stages/cold-start.ts). */
const TARGET_BYTES = 1_000_000;

const pinned = (
  JSON.parse(readFileSync(join(REPOSITORY_ROOT, "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
  }
).dependencies;

// Outside node_modules' packages, so that nothing the bundles import could resolve
// from this repository: whatever they need, they carry.
const cacheDir = join(REPOSITORY_ROOT, "node_modules/.cache");
mkdirSync(cacheDir, { recursive: true });
const outdir = mkdtempSync(join(cacheDir, "cordon-bundles-"));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const app = new App({
  outdir,
  context: { "aws:cdk:enable-asset-metadata": true },
  builtinCloudFormationValidation: false,
  analyticsReporting: false,
});
const stack = new Stack(app, "Bundles");
const functions = Object.entries(ENTRIES).map(([name, entry]) => {
  const handler = new HubFunction(stack, name, {
    entry,
    description: name,
    memorySize: 128,
    timeout: Duration.seconds(3),
    environment: {},
    logRetention: RetentionDays.ONE_DAY,
    tracing: false,
  });
  return [name, handler] as const;
});
app.synth();

function bundleDirOf(handler: HubFunction): string {
  const assetPath: unknown = (handler.function.node.defaultChild as CfnResource).getMetadata(
    "aws:asset:path",
  );
  if (typeof assetPath !== "string") throw new Error("no asset path");
  return join(outdir, assetPath);
}

describe.each(functions)("the %s bundle", (_name, handler) => {
  const dir = bundleDirOf(handler);
  const code = readFileSync(join(dir, "index.mjs"), "utf8");

  it("is one minified ESM file with the createRequire banner and a source map", () => {
    expect(code.startsWith(HUB_BUNDLING.banner ?? "")).toBe(true);
    expect(code).toMatch(/export\s*\{[^}]*\bas handler\b[^}]*\}/);
    expect(code).toContain("//# sourceMappingURL=index.mjs.map");
    expect(statSync(join(dir, "index.mjs.map")).size).toBeGreaterThan(0);
  });

  it("imports nothing but Node's built-ins: the AWS SDK is in the bundle", () => {
    // `from` after `}` or a space, as in `import{a}from"x"`, not in a string like ":from".
    const imported = [
      ...code.matchAll(/(?:(?<=[}\s*])from|\bimport\s*\(|\brequire\s*\()\s*"([^"]+)"/g),
    ].map((match) => match[1] ?? "");
    expect(imported.length).toBeGreaterThan(0);
    expect(imported.filter((name) => !isBuiltin(name))).toEqual([]);
    // Present in every bundled SDK client (its user-agent middleware).
    expect(code).toContain("x-amz-user-agent");
  });

  it("holds the SDK clients at the versions package.json pins", () => {
    // Each client carries its package.json (its user agent names the version).
    const clients = Object.entries(pinned).filter(([name]) => name.startsWith("@aws-sdk/client-"));
    const bundled = clients.filter(([name]) => code.includes(`name:"${name}"`));
    expect(bundled.length).toBeGreaterThan(0);
    for (const [name, version] of bundled) {
      expect(version, `${name} is pinned exactly`).toMatch(/^\d+\.\d+\.\d+$/);
      expect(code).toContain(`name:"${name}",version:"${version}"`);
    }
  });

  it("takes credentials from the environment, without the SDK's default chain", () => {
    expect(code).toContain("AWS_SECRET_ACCESS_KEY");
    // The chain's INI, SSO, web identity and container providers, and its STS client.
    for (const marker of [
      "credential_process",
      "sso_start_url",
      "AWS_WEB_IDENTITY_TOKEN_FILE",
      "AWS_CONTAINER_CREDENTIALS_FULL_URI",
      "AssumeRoleWithWebIdentity",
    ])
      expect(code).not.toContain(marker);
  });

  it("stays under the size target", () => {
    expect(Buffer.byteLength(code)).toBeLessThan(TARGET_BYTES);
  });

  it("loads and exports a handler function", async () => {
    const module = (await import(pathToFileURL(join(dir, "index.mjs")).href)) as {
      handler?: unknown;
    };
    expect(typeof module.handler).toBe("function");
  });
});
