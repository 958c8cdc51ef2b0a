/**
 * The packages as partners get them: `npm run build:packages` packs `@cordon/sdk` and
 * `@cordon/cli`; each is installed with npm into an empty folder outside the
 * repository and used there against a real local hub — the SDK from an ES module,
 * from CommonJS (`require`, Node ≥ 20.19) and from TypeScript (`node16` and `bundler`
 * resolution, and a browser project without Node's types); the CLI as a global
 * install (`npm install -g`) whose `cordon` runs.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestHub, type TestHub, type TestOrg } from "../helpers/hub.js";

const execFileAsync = promisify(execFile);
const REPO = resolve(import.meta.dirname, "../..");
const TSC = join(REPO, "node_modules", "typescript", "bin", "tsc");

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end, answering its exit code and output (never throwing on a non-zero exit). */
async function sh(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<Ran> {
  try {
    const { stdout, stderr } = await execFileAsync(command, [...args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof failed.code === "number" ? failed.code : 1,
      stdout: failed.stdout ?? "",
      stderr: failed.stderr ?? String(error),
    };
  }
}

/** npm as a partner runs it, with the cache first (the registry is the fallback). */
function npm(args: readonly string[], cwd: string): Promise<Ran> {
  return sh("npm", [...args, "--prefer-offline", "--no-audit", "--no-fund"], { cwd });
}

describe("the packed SDK and CLI, installed outside the repository", () => {
  let work: string;
  let sdkTarball: string;
  let cliTarball: string;
  let t: TestHub;
  let org: TestOrg;
  let keyFile: string;
  let project: string;

  beforeAll(async () => {
    const built = await sh(process.execPath, ["--import", "tsx", "cli/build-packages.ts"], {
      cwd: REPO,
    });
    expect(built.code, built.stderr).toBe(0);
    [sdkTarball = "", cliTarball = ""] = built.stdout.trim().split("\n");
    work = await mkdtemp(join(tmpdir(), "cordon-packages-"));
    t = await startTestHub();
    org = await t.onboard("binance", { roles: ["screen"] });
    keyFile = join(work, "binance.jwk");
    await writeFile(keyFile, JSON.stringify(org.key.privateJwk), { mode: 0o600 });

    // One empty ES module project; the SDK installed into it as `npm install ./tarball`.
    project = join(work, "esm-project");
    await mkdir(project);
    await writeFile(
      join(project, "package.json"),
      JSON.stringify({ name: "partner-app", private: true, type: "module" }),
    );
    const installed = await npm(["install", sdkTarball], project);
    expect(installed.code, installed.stderr).toBe(0);
  });
  afterAll(async () => {
    await t?.stop();
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  const env = () => ({ HUB: t.hub.url, KEY_FILE: keyFile });

  it("packs both packages with only the files they need", async () => {
    expect(sdkTarball).toMatch(/cordon-sdk-\d+\.\d+\.\d+\.tgz$/);
    expect(cliTarball).toMatch(/cordon-cli-\d+\.\d+\.\d+\.tgz$/);
    const files = await readdir(join(project, "node_modules", "@cordon", "sdk"));
    expect(files.sort()).toEqual(
      expect.arrayContaining(["README.md", "index.js", "node.js", "package.json", "types"]),
    );
  });

  it("works from an ES module: calls the hub, and a refusal carries title, detail and code", async () => {
    // Prepare
    await writeFile(
      join(project, "app.mjs"),
      `import { CordonApiError, CordonClient } from "@cordon/sdk";
import { loadSigningKey } from "@cordon/sdk/node";
const key = await loadSigningKey(process.env.KEY_FILE);
const client = new CordonClient({ baseUrl: process.env.HUB, orgId: "binance", key, audience: "cordon" });
const me = await client.me();
const wrong = new CordonClient({ baseUrl: process.env.HUB, orgId: "binance", key, audience: "staging" });
const refusal = await wrong.me().catch((error) => error);
console.log(JSON.stringify({
  me: me.id,
  isApiError: refusal instanceof CordonApiError,
  status: refusal.status,
  title: refusal.title,
  code: refusal.code,
  detail: typeof refusal.detail,
}));
`,
    );
    // Act
    const ran = await sh(process.execPath, ["app.mjs"], { cwd: project, env: env() });
    // Assess
    expect(ran.code, ran.stderr).toBe(0);
    expect(JSON.parse(ran.stdout)).toEqual({
      me: "binance",
      isApiError: true,
      status: 401,
      title: "Unauthenticated",
      code: "audience_mismatch",
      detail: "string",
    });
  });

  it("works from CommonJS with require()", async () => {
    // Prepare: a CommonJS package inside the project, resolving the SDK from its node_modules.
    const cjs = join(project, "legacy");
    await mkdir(cjs, { recursive: true });
    await writeFile(join(cjs, "package.json"), JSON.stringify({ type: "commonjs" }));
    await writeFile(
      join(cjs, "app.js"),
      `const { CordonClient } = require("@cordon/sdk");
const { loadSigningKey } = require("@cordon/sdk/node");
loadSigningKey(process.env.KEY_FILE)
  .then((key) => new CordonClient({ baseUrl: process.env.HUB, orgId: "binance", key }).me())
  .then((me) => console.log(me.id));
`,
    );
    // Act
    const ran = await sh(process.execPath, ["app.js"], { cwd: cjs, env: env() });
    // Assess
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout.trim()).toBe("binance");
  });

  it.each([
    ["node16", "node16", ["node"], "node.ts"],
    ["bundler", "esnext", ["node"], "node.ts"],
    ["bundler, in a browser project without Node's types", "esnext", [], "browser.ts"],
  ])("type-checks with moduleResolution %s", async (label, module, types, file) => {
    // Prepare
    const dir = join(project, `ts-${label.split(",")[0]}-${types.length}`);
    await mkdir(dir, { recursive: true });
    await writeFile(
      join(dir, "node.ts"),
      `import { CordonApiError, CordonClient, type FeedPage } from "@cordon/sdk";
import { loadSigningKey, verifyWebhook } from "@cordon/sdk/node";
const client = new CordonClient({ baseUrl: "http://127.0.0.1:8080", orgId: "binance", key: await loadSigningKey("k.jwk") });
const page: FeedPage = await client.feedPage({ limit: 5 }).catch((error: unknown) => {
  if (error instanceof CordonApiError) console.log(error.title, error.detail, error.code, error.errors.length);
  throw error;
});
const checked: typeof verifyWebhook = verifyWebhook;
console.log(page.next_cursor, checked.name);
`,
    );
    await writeFile(
      join(dir, "browser.ts"),
      `import { CordonClient, generateSigningKey, verifyBulletin } from "@cordon/sdk";
const { signingKey } = await generateSigningKey("Ed25519");
const client = new CordonClient({ baseUrl: location.origin, orgId: "analyst", key: signingKey });
console.log(client.orgId, typeof verifyBulletin);
`,
    );
    await writeFile(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          module,
          moduleResolution: label.split(",")[0],
          target: "es2022",
          lib: types.length === 0 ? ["es2022", "dom"] : ["es2022"],
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types,
          typeRoots: [join(REPO, "node_modules", "@types")],
        },
        files: [file],
      }),
    );
    // Act
    const checked = await sh(process.execPath, [TSC, "-p", "tsconfig.json"], { cwd: dir });
    // Assess
    expect(checked.code, checked.stdout + checked.stderr).toBe(0);
  });

  /** Set CORDON_NODE22 to a Node 22 binary to run the two programs with it too. */
  const node22 = process.env.CORDON_NODE22;
  it.skipIf(node22 === undefined)("works the same on Node 22 (CORDON_NODE22)", async () => {
    const esm = await sh(node22 ?? "", ["app.mjs"], { cwd: project, env: env() });
    const cjs = await sh(node22 ?? "", ["app.js"], { cwd: join(project, "legacy"), env: env() });
    expect(esm.code, esm.stderr).toBe(0);
    expect(cjs.stdout.trim()).toBe("binance");
  });

  it("installs the CLI with npm install -g, and its cordon runs against the hub", async () => {
    // Prepare
    const prefix = join(work, "global");
    const installed = await npm(["install", "-g", "--prefix", prefix, cliTarball], work);
    expect(installed.code, installed.stderr).toBe(0);
    const cordon = join(prefix, "bin", "cordon");
    const elsewhere = join(work, "elsewhere");
    await mkdir(elsewhere);
    // Act
    const version = await sh(cordon, ["--version"], { cwd: elsewhere });
    const me = await sh(cordon, ["--json", "me"], {
      cwd: elsewhere,
      env: {
        CORDON_HUB_URL: t.hub.url,
        CORDON_ORG: "binance",
        CORDON_KEY_FILE: keyFile,
        CORDON_CONFIG: join(work, "profiles.json"),
      },
    });
    const keygen = await sh(cordon, ["keygen", "--out", "new.jwk"], { cwd: elsewhere });
    // Assess
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(me.code, me.stderr).toBe(0);
    expect(JSON.parse(me.stdout)).toMatchObject({ id: "binance" });
    expect(keygen.code, keygen.stderr).toBe(0);
    expect(JSON.parse(keygen.stdout)).toMatchObject({ kty: "OKP", crv: "Ed25519" });
  });
});
