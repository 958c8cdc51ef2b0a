/**
 * Cold start: each Lambda entry bundled as the CDK stack bundles it (esbuild, with the
 * options lib/hub-function.ts exports), its size, and the time to import it in a fresh
 * `node` process with no AWS environment (the handlers build their clients on first
 * invocation, so importing is safe). A bundle that leaves `@aws-sdk/*` external
 * resolves it from this repository's node_modules, as the Lambda runtime provides it.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm, stat, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { BundlingOptions } from "aws-cdk-lib/aws-lambda-nodejs";
import { type BuildOptions, build, type Metafile } from "esbuild";
import { HUB_BUNDLING } from "../../lib/hub-function.js";
import { median } from "../stats.js";

export const LAMBDA_ENTRIES = ["api", "fanout", "deliver", "sweeper", "log"] as const;

export interface BundleResult {
  entry: string;
  bytes: number;
  map_bytes: number;
  aws_sdk_external: boolean;
  /** Median of `runs` fresh-process imports. */
  import_ms: number;
  import_ms_runs: number[];
  /** The external modules the bundle imports (the SDK the Lambda runtime provides). */
  external_imports: string[];
  /** Median time to import just those external modules in a fresh process: the floor. */
  external_import_ms: number;
  /** The largest inputs in the bundle, for a bundle over its budget. */
  largest_inputs: { path: string; bytes: number }[];
  /** The same entry with `@aws-sdk/*` bundled too: the other side of the trade. */
  sdk_bundled: { bytes: number; import_ms: number };
}

export interface ColdStartResult {
  esbuild_options: BuildOptions;
  bundles: BundleResult[];
}

/**
 * The esbuild options aws-cdk-lib's NodejsFunction passes for these bundling props
 * (with its defaults for the ones left unset).
 */
export function esbuildOptionsOf(bundling: BundlingOptions): BuildOptions {
  return {
    bundle: true,
    platform: "node",
    format: "esm",
    target: bundling.target,
    mainFields: bundling.mainFields,
    minify: bundling.minify ?? false,
    sourcemap: bundling.sourceMap ?? false,
    sourcesContent: bundling.sourcesContent ?? true,
    external: [...externalModulesOf(bundling)],
    banner: bundling.banner === undefined ? undefined : { js: bundling.banner },
    logLevel: "warning",
  };
}

/** The modules left out of the bundle: aws-cdk-lib's default for a Node 18+ runtime is `@aws-sdk/*`. */
function externalModulesOf(bundling: BundlingOptions): readonly string[] {
  return bundling.externalModules ?? ["@aws-sdk/*"];
}

export async function coldStartStage(
  runs: number,
  progress: (line: string) => void,
): Promise<ColdStartResult> {
  const esbuildOptions = esbuildOptionsOf(HUB_BUNDLING);
  const dir = await mkdtemp(join(tmpdir(), "cordon-bench-bundles-"));
  // Bare `@aws-sdk/*` imports of an external-SDK bundle resolve here.
  await symlink(resolve("node_modules"), join(dir, "node_modules"), "dir");
  const bundles: BundleResult[] = [];
  try {
    for (const entry of LAMBDA_ENTRIES) {
      const outfile = join(dir, entry, "index.mjs");
      const built = await build({
        ...esbuildOptions,
        entryPoints: [resolve(`lambdas/${entry}.ts`)],
        outfile,
        metafile: true,
      });
      const bytes = (await stat(outfile)).size;
      const mapBytes = await stat(`${outfile}.map`).then(
        (s) => s.size,
        () => 0,
      );
      const externals = externalImports(built.metafile);
      const whole = join(dir, `${entry}-sdk-bundled`, "index.mjs");
      await build({
        ...esbuildOptions,
        external: (esbuildOptions.external ?? []).filter((m) => !m.startsWith("@aws-sdk")),
        entryPoints: [resolve(`lambdas/${entry}.ts`)],
        outfile: whole,
      });
      const importRuns: number[] = [];
      const externalRuns: number[] = [];
      const wholeRuns: number[] = [];
      // Interleaved, so the three meet the same moments of a noisy host.
      for (let run = 0; run < runs; run += 1) {
        importRuns.push(await importInFreshProcess([pathToFileURL(outfile).href], dir));
        externalRuns.push(await importInFreshProcess(externals, dir));
        wholeRuns.push(await importInFreshProcess([pathToFileURL(whole).href], dir));
      }
      const result: BundleResult = {
        entry: `lambdas/${entry}.ts`,
        bytes,
        map_bytes: mapBytes,
        aws_sdk_external: externalModulesOf(HUB_BUNDLING).some((m) => m.startsWith("@aws-sdk")),
        import_ms: median(importRuns),
        import_ms_runs: importRuns,
        external_imports: externals,
        external_import_ms: median(externalRuns),
        largest_inputs: largestInputs(built.metafile, outfile, dir),
        sdk_bundled: { bytes: (await stat(whole)).size, import_ms: median(wholeRuns) },
      };
      progress(
        `cold start: ${entry} ${(bytes / 1000).toFixed(0)} KB, import ${result.import_ms.toFixed(0)} ms (its external SDK modules alone ${result.external_import_ms.toFixed(0)} ms; with the SDK bundled ${(result.sdk_bundled.bytes / 1000).toFixed(0)} KB, ${result.sdk_bundled.import_ms.toFixed(0)} ms)`,
      );
      bundles.push(result);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return { esbuild_options: esbuildOptions, bundles };
}

function largestInputs(
  metafile: Metafile | undefined,
  outfile: string,
  dir: string,
): { path: string; bytes: number }[] {
  const output = Object.entries(metafile?.outputs ?? {}).find(
    ([path]) =>
      resolve(path) === outfile || resolve(dir, path) === outfile || path.endsWith(".mjs"),
  )?.[1];
  const byPackage = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
    const name = match?.[1] ?? "(cordon)";
    byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
  }
  return [...byPackage.entries()]
    .map(([path, bytes]) => ({ path, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 8);
}

function externalImports(metafile: Metafile | undefined): string[] {
  const names = new Set<string>();
  for (const output of Object.values(metafile?.outputs ?? {})) {
    for (const imported of output.imports) {
      if (imported.external && !imported.path.startsWith("node:")) names.add(imported.path);
    }
  }
  return [...names].sort();
}

/**
 * Milliseconds to `import()` the given modules (all at once), measured inside a fresh
 * node with no AWS variables; bare names resolve from `cwd`.
 */
async function importInFreshProcess(specifiers: readonly string[], cwd: string): Promise<number> {
  if (specifiers.length === 0) return 0;
  const script = `const t = performance.now(); await Promise.all(${JSON.stringify(specifiers)}.map((s) => import(s))); process.stdout.write(String(performance.now() - t));`;
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" };
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
    cwd,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString("utf8");
  });
  child.stderr.on("data", (chunk: Buffer) => {
    err += chunk.toString("utf8");
  });
  const code = await new Promise<number | null>((done) => child.once("exit", done));
  const ms = Number(out);
  if (code !== 0 || !Number.isFinite(ms)) {
    throw new Error(
      `importing ${specifiers.join(", ")} failed (exit ${code}): ${err.slice(0, 2000)}`,
    );
  }
  return ms;
}
