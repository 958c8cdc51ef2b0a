/**
 * Builds the analyst console (`npm run build:console`, also run by `npm start`) into
 * console/dist/: one minified ES module and one stylesheet with content-hashed names,
 * the page that loads them, and an icon. It prints the bundle's size, gzipped — the
 * console's budget is 250 KB of gzipped JavaScript — and writes it to
 * console/dist/build-report.json for the tests and the closing figures.
 *
 * csv-parse is taken in its browser build (its own `browser/esm/sync` export), so the
 * screening page reads CSV with the very code `cordon screen` uses.
 */
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { basename, join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const HERE = import.meta.dirname;
const DIST = join(HERE, "dist");
export const JS_BUDGET_GZIP_BYTES = 250 * 1024;

export interface BuildReport {
  js: string;
  css: string;
  js_bytes: number;
  js_gzip_bytes: number;
  css_gzip_bytes: number;
  budget_gzip_bytes: number;
}

export async function buildConsole(): Promise<BuildReport> {
  await rm(DIST, { recursive: true, force: true });
  await mkdir(join(DIST, "assets"), { recursive: true });
  const result = await build({
    entryPoints: { app: join(HERE, "src", "main.tsx") },
    bundle: true,
    platform: "browser",
    format: "esm",
    target: ["chrome120", "firefox128", "safari17"],
    minify: true,
    sourcemap: false,
    legalComments: "none",
    jsx: "automatic",
    jsxImportSource: "preact",
    alias: { "csv-parse/sync": "csv-parse/browser/esm/sync" },
    entryNames: "[name]-[hash]",
    assetNames: "[name]-[hash]",
    outdir: join(DIST, "assets"),
    metafile: true,
    logLevel: "warning",
    tsconfig: join(HERE, "tsconfig.json"),
  });
  const outputs = Object.keys(result.metafile.outputs);
  const js = outputs.find((file) => file.endsWith(".js"));
  const css = outputs.find((file) => file.endsWith(".css"));
  if (js === undefined || css === undefined) throw new Error("the console build made no JS or CSS");
  const jsBytes = await readFile(js);
  const cssBytes = await readFile(css);
  const asset = (file: string) => relative(DIST, file).split("\\").join("/");
  const template = await readFile(join(HERE, "index.html"), "utf8");
  await writeFile(
    join(DIST, "index.html"),
    template.replace("{{script}}", asset(js)).replace("{{stylesheet}}", asset(css)),
  );
  await writeFile(join(DIST, "icon.svg"), await readFile(join(HERE, "public", "icon.svg")));
  const report: BuildReport = {
    js: basename(js),
    css: basename(css),
    js_bytes: jsBytes.length,
    js_gzip_bytes: gzipSync(jsBytes, { level: 9 }).length,
    css_gzip_bytes: gzipSync(cssBytes, { level: 9 }).length,
    budget_gzip_bytes: JS_BUDGET_GZIP_BYTES,
  };
  await writeFile(join(DIST, "build-report.json"), `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

if (process.argv[1] !== undefined && import.meta.filename === process.argv[1]) {
  const report = await buildConsole();
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  const verdict = report.js_gzip_bytes <= JS_BUDGET_GZIP_BYTES ? "within" : "OVER";
  console.log(
    `console/dist: ${report.js} ${kb(report.js_bytes)} (${kb(report.js_gzip_bytes)} gzipped, ` +
      `${verdict} the ${kb(JS_BUDGET_GZIP_BYTES)} budget), ${report.css} ${kb(report.css_gzip_bytes)} gzipped`,
  );
}
