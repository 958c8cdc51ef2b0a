/**
 * Cold start: each Lambda entry bundled as the CDK stack bundles it (esbuild, with the
 * options lib/hub-function.ts exports: the AWS SDK bundled, the credential chain
 * aliased), its size, and the time to import it in a fresh `node` process with no AWS
 * environment (the handlers build their clients on first invocation, so importing is
 * safe). Beside it, measured in the same run:
 * - the floor: a bundle of only the AWS SDK clients the entry uses, built the same
 *   way — what any function that talks to those services pays;
 * - the other side of the trade: the entry with `@aws-sdk/*` left to the runtime
 *   (resolved from this repository's node_modules, as Lambda resolves its own).
 *
 * Runs in `npm run bench`, or alone: `npx tsx bench/cold-start.ts`.
 */
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { BundlingOptions } from "aws-cdk-lib/aws-lambda-nodejs";
import { type BuildOptions, build, type Metafile } from "esbuild";
import { HUB_BUNDLING, REPOSITORY_ROOT } from "../../lib/hub-function.js";
import { type Row, row } from "../report.js";
import { median } from "../stats.js";

export const LAMBDA_ENTRIES = ["api", "fanout", "deliver", "sweeper", "log"] as const;

/** Targets (issue 12): every bundle, SDK included. */
export const BUNDLE_TARGET_BYTES = 1_000_000;
export const IMPORT_TARGET_MS = 100;

/** The client class each SDK package exports, for the floor's bundle. */
const SDK_CLIENTS: Readonly<Record<string, string>> = {
  "@aws-sdk/client-dynamodb": "DynamoDBClient",
  "@aws-sdk/client-kms": "KMSClient",
  "@aws-sdk/client-secrets-manager": "SecretsManagerClient",
  "@aws-sdk/client-sqs": "SQSClient",
  "@aws-sdk/lib-dynamodb": "DynamoDBDocumentClient",
};

export interface BundleResult {
  entry: string;
  bytes: number;
  map_bytes: number;
  /** Modules the bundle imports at run time other than Node built-ins: none expected. */
  external_imports: string[];
  /** Median of `runs` fresh-process imports. */
  import_ms: number;
  import_ms_runs: number[];
  /**
   * CPU time (user + system) of the same imports, median: on a busy host the wall
   * time also counts waiting for a core, this does not.
   */
  import_cpu_ms: number;
  /** The largest inputs in the bundle, by package, for a bundle over its budget. */
  largest_inputs: { path: string; bytes: number }[];
  /** The floor: only the SDK clients this entry uses, bundled the same way. */
  sdk_clients: { packages: string[]; bytes: number; import_ms: number };
  /** The same entry with `@aws-sdk/*` left to the runtime. */
  runtime_sdk: { bytes: number; import_ms: number };
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
    alias: aliasesOf(bundling),
    // Where NodejsFunction runs esbuild, so that aliased paths resolve alike.
    absWorkingDir: REPOSITORY_ROOT,
    banner: bundling.banner === undefined ? undefined : { js: bundling.banner },
    logLevel: "warning",
  };
}

/** aws-cdk-lib's rule: `@aws-sdk/*` is external on a Node 18+ runtime unless bundled. */
function externalModulesOf(bundling: BundlingOptions): readonly string[] {
  return bundling.externalModules ?? (bundling.bundleAwsSDK === true ? [] : ["@aws-sdk/*"]);
}

/** `--alias` entries of `esbuildArgs` (`module=path`), as esbuild's `alias` option. */
function aliasesOf(bundling: BundlingOptions): Record<string, string> {
  const given = bundling.esbuildArgs?.["--alias"];
  const entries = typeof given === "string" ? [given] : Array.isArray(given) ? given : [];
  return Object.fromEntries(
    entries.map((entry) => [
      entry.slice(0, entry.indexOf("=")),
      entry.slice(entry.indexOf("=") + 1),
    ]),
  );
}

export async function coldStartStage(
  runs: number,
  progress: (line: string) => void,
): Promise<ColdStartResult> {
  const esbuildOptions = esbuildOptionsOf(HUB_BUNDLING);
  const dir = await mkdtemp(join(tmpdir(), "cordon-bench-bundles-"));
  // Bare `@aws-sdk/*` imports of the runtime-SDK bundles resolve here.
  await symlink(resolve(REPOSITORY_ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  const bundles: BundleResult[] = [];
  try {
    for (const entry of LAMBDA_ENTRIES) {
      const entryPoint = resolve(REPOSITORY_ROOT, `lambdas/${entry}.ts`);
      const outfile = join(dir, entry, "index.mjs");
      const built = await build({
        ...esbuildOptions,
        entryPoints: [entryPoint],
        outfile,
        metafile: true,
      });
      const bytes = (await stat(outfile)).size;
      const mapBytes = await stat(`${outfile}.map`).then(
        (s) => s.size,
        () => 0,
      );

      const packages = sdkClientsIn(built.metafile);
      const clientsEntry = join(dir, `${entry}-sdk-clients`, "entry.mjs");
      await mkdir(join(dir, `${entry}-sdk-clients`), { recursive: true });
      await writeFile(
        clientsEntry,
        packages.map((name) => `export { ${SDK_CLIENTS[name]} } from "${name}";`).join("\n"),
      );
      const clients = join(dir, `${entry}-sdk-clients`, "index.mjs");
      await build({ ...esbuildOptions, entryPoints: [clientsEntry], outfile: clients });

      const runtime = join(dir, `${entry}-runtime-sdk`, "index.mjs");
      await build({
        ...esbuildOptions,
        external: ["@aws-sdk/*"],
        entryPoints: [entryPoint],
        outfile: runtime,
      });

      const importRuns: number[] = [];
      const importCpu: number[] = [];
      const clientRuns: number[] = [];
      const runtimeRuns: number[] = [];
      // Interleaved, so the three meet the same moments of a noisy host.
      for (let run = 0; run < runs; run += 1) {
        const own = await importInFreshProcess(outfile, dir);
        importRuns.push(own.ms);
        importCpu.push(own.cpuMs);
        clientRuns.push((await importInFreshProcess(clients, dir)).ms);
        runtimeRuns.push((await importInFreshProcess(runtime, dir)).ms);
      }
      const result: BundleResult = {
        entry: `lambdas/${entry}.ts`,
        bytes,
        map_bytes: mapBytes,
        external_imports: externalImports(built.metafile),
        import_ms: median(importRuns),
        import_ms_runs: importRuns,
        import_cpu_ms: median(importCpu),
        largest_inputs: largestInputs(built.metafile, outfile, dir),
        sdk_clients: { packages, bytes: (await stat(clients)).size, import_ms: median(clientRuns) },
        runtime_sdk: { bytes: (await stat(runtime)).size, import_ms: median(runtimeRuns) },
      };
      progress(
        `cold start: ${entry} ${(bytes / 1000).toFixed(0)} KB, import ${result.import_ms.toFixed(0)} ms, ${result.import_cpu_ms.toFixed(0)} ms of CPU (its SDK clients alone ${(result.sdk_clients.bytes / 1000).toFixed(0)} KB, ${result.sdk_clients.import_ms.toFixed(0)} ms; with the runtime's SDK ${(result.runtime_sdk.bytes / 1000).toFixed(0)} KB, ${result.runtime_sdk.import_ms.toFixed(0)} ms)`,
      );
      bundles.push(result);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return { esbuild_options: esbuildOptions, bundles };
}

/** The table rows of the stage, with its targets. */
export function coldStartRows(result: ColdStartResult): Row[] {
  return result.bundles.flatMap((bundle) => {
    const name = bundle.entry.replace(/^lambdas\/|\.ts$/g, "");
    return [
      row({
        stage: "cold start",
        metric: `${name} bundle size (AWS SDK bundled)`,
        unit: "KB",
        value: bundle.bytes / 1000,
        target: `≤ ${BUNDLE_TARGET_BYTES / 1000} KB`,
        holds: (value) => value <= BUNDLE_TARGET_BYTES / 1000,
      }),
      row({
        stage: "cold start",
        metric: `${name} import (floor: its SDK clients alone)`,
        unit: "ms",
        value: bundle.import_ms,
        floor: bundle.sdk_clients.import_ms,
        target: `≤ ${IMPORT_TARGET_MS} ms`,
        holds: (value) => value <= IMPORT_TARGET_MS,
      }),
      row({
        stage: "cold start",
        metric: `${name} import: CPU time`,
        unit: "ms",
        value: bundle.import_cpu_ms,
      }),
      row({
        stage: "cold start",
        metric: `${name} imports besides Node built-ins`,
        unit: "",
        value: bundle.external_imports.length,
        target: "0",
        holds: (value) => value === 0,
      }),
      row({
        stage: "cold start",
        metric: `${name} with the runtime's SDK: size`,
        unit: "KB",
        value: bundle.runtime_sdk.bytes / 1000,
      }),
      row({
        stage: "cold start",
        metric: `${name} with the runtime's SDK: import`,
        unit: "ms",
        value: bundle.runtime_sdk.import_ms,
      }),
    ];
  });
}

/** The SDK client packages a bundle holds, from its metafile. */
function sdkClientsIn(metafile: Metafile | undefined): string[] {
  const found = new Set<string>();
  for (const path of Object.keys(metafile?.inputs ?? {})) {
    const name = /node_modules\/(@aws-sdk\/(?:client|lib)-[a-z0-9-]+)\//.exec(path)?.[1];
    if (name === undefined) continue;
    if (SDK_CLIENTS[name] === undefined)
      throw new Error(`${name} is bundled: add its client class to SDK_CLIENTS`);
    found.add(name);
  }
  return [...found].sort();
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
 * Milliseconds to `import()` the module at `path`, and the CPU time that took,
 * measured inside a fresh node with no AWS variables; bare names resolve from `cwd`.
 */
async function importInFreshProcess(
  path: string,
  cwd: string,
): Promise<{ ms: number; cpuMs: number }> {
  const script = `const c = process.cpuUsage(); const t = performance.now(); await import(${JSON.stringify(pathToFileURL(path).href)}); const ms = performance.now() - t; const u = process.cpuUsage(c); process.stdout.write(JSON.stringify([ms, (u.user + u.system) / 1000]));`;
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
  const [ms, cpuMs] = code === 0 ? (JSON.parse(out) as [number, number]) : [Number.NaN, Number.NaN];
  if (!Number.isFinite(ms) || !Number.isFinite(cpuMs)) {
    throw new Error(`importing ${path} failed (exit ${code}): ${err.slice(0, 2000)}`);
  }
  return { ms, cpuMs };
}
