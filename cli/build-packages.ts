/**
 * Builds the two packages partners install from this repository (`npm run
 * build:packages`), into dist/packages/:
 *
 * - `@cordon/sdk`: ESM bundles of `cli/sdk/index.ts` (runs in Node and browsers) and
 *   `cli/sdk/node.ts` (`@cordon/sdk/node`: key files, webhook verification and
 *   receiver), with the `shared/` code they use bundled in and their npm
 *   dependencies left as dependencies; `.d.ts` declarations from `tsc`; an
 *   `exports` map.
 * - `@cordon/cli`: the `cordon` command as one ESM file, with the same treatment.
 *
 * Each package's dependencies are exactly the npm packages its bundle imports, at
 * the versions this repository's package.json pins, so the packages cannot drift
 * from what the tests ran. Each is then packed with `npm pack` beside its folder.
 * Prints the tarballs' paths.
 */
import { execFile } from "node:child_process";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { build, type Metafile } from "esbuild";

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "..");
const OUT = join(ROOT, "dist", "packages");

interface RootPackage {
  version: string;
  license: string;
  engines: { node: string };
  dependencies: Record<string, string>;
}

/** The npm package a bare import names (`@scope/name/sub` → `@scope/name`). */
function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? specifier);
}

/** Every npm package the bundles import, pinned as in the root package.json. */
function dependenciesOf(metafile: Metafile, root: RootPackage): Record<string, string> {
  const names = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const imported of output.imports) {
      if (imported.external && !imported.path.startsWith("node:")) {
        names.add(packageOf(imported.path));
      }
    }
  }
  return Object.fromEntries(
    [...names].sort().map((name) => {
      const version = root.dependencies[name];
      if (version === undefined) {
        throw new Error(`${name} is imported but not a dependency in package.json`);
      }
      return [name, version];
    }),
  );
}

async function buildSdk(root: RootPackage): Promise<string> {
  const dir = join(OUT, "sdk");
  const { metafile } = await build({
    entryPoints: { index: "cli/sdk/index.ts", node: "cli/sdk/node.ts" },
    absWorkingDir: ROOT,
    bundle: true,
    splitting: true,
    platform: "neutral",
    // The node entry names node: modules; the index entry must not (a test checks).
    external: ["node:*"],
    packages: "external",
    format: "esm",
    target: "es2022",
    outdir: dir,
    chunkNames: "chunks/[name]-[hash]",
    sourcemap: true,
    metafile: true,
    logLevel: "warning",
  });
  await run(
    process.execPath,
    [
      join(ROOT, "node_modules", "typescript", "bin", "tsc"),
      "--ignoreConfig",
      "cli/sdk/index.ts",
      "cli/sdk/node.ts",
      "--declaration",
      "--emitDeclarationOnly",
      "--outDir",
      join(dir, "types"),
      "--rootDir",
      ".",
      "--module",
      "nodenext",
      "--moduleResolution",
      "nodenext",
      "--target",
      "es2023",
      "--lib",
      "es2023",
      "--types",
      "node",
      "--strict",
      "--skipLibCheck",
      "--verbatimModuleSyntax",
    ],
    { cwd: ROOT },
  );
  await writePackage(dir, {
    name: "@cordon/sdk",
    version: root.version,
    description:
      "Cordon's client SDK: signed requests to a Cordon hub, bulletin and receipt verification (Node and browsers), webhook verification (Node).",
    license: root.license,
    type: "module",
    engines: root.engines,
    sideEffects: false,
    exports: {
      ".": { types: "./types/cli/sdk/index.d.ts", default: "./index.js" },
      "./node": { types: "./types/cli/sdk/node.d.ts", default: "./node.js" },
      "./package.json": "./package.json",
    },
    types: "./types/cli/sdk/index.d.ts",
    dependencies: dependenciesOf(metafile, root),
  });
  await writeFile(join(dir, "README.md"), await readFile(join(ROOT, "cli/sdk/README.md")));
  return pack(dir);
}

async function buildCli(root: RootPackage): Promise<string> {
  const dir = join(OUT, "cli");
  const { metafile } = await build({
    entryPoints: { cordon: "cli/main.ts" },
    absWorkingDir: ROOT,
    bundle: true,
    platform: "node",
    packages: "external",
    format: "esm",
    target: "node20",
    outExtension: { ".js": ".mjs" },
    outdir: dir,
    banner: { js: "#!/usr/bin/env node" },
    metafile: true,
    logLevel: "warning",
  });
  await writePackage(dir, {
    name: "@cordon/cli",
    version: root.version,
    description:
      "cordon: the command line of Cordon, a hub of signed indicator bulletins (keys, publishing, screening, webhooks).",
    license: root.license,
    type: "module",
    engines: root.engines,
    bin: { cordon: "./cordon.mjs" },
    dependencies: dependenciesOf(metafile, root),
  });
  return pack(dir);
}

async function writePackage(dir: string, manifest: Record<string, unknown>): Promise<void> {
  await writeFile(join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** `npm pack` into dist/packages; answers the tarball's path. */
async function pack(dir: string): Promise<string> {
  const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", OUT], {
    cwd: dir,
    env: { ...process.env, npm_config_loglevel: "error" },
  });
  const [packed] = JSON.parse(stdout) as { filename: string }[];
  if (packed === undefined) throw new Error(`npm pack wrote nothing for ${dir}`);
  return join(OUT, packed.filename);
}

const root = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as RootPackage;
await rm(OUT, { recursive: true, force: true });
await mkdir(OUT, { recursive: true });
const tarballs = [await buildSdk(root), await buildCli(root)];
for (const tarball of tarballs) console.log(tarball);
