/**
 * Go's verifier of Cordon's log (verify.go, built against Debian's golang.org/x/mod
 * sumdb/note and tlog in GOPATH mode, nothing downloaded), for the interop lane: built
 * once per test file, run against any log at the DESIGN §14 paths.
 */
import { execFile, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const GOPATH = process.env.CORDON_GOPATH ?? "/usr/share/gocode";
const X_MOD = join(GOPATH, "src/golang.org/x/mod/sumdb/tlog/tlog.go");
const INSTALL = "apt-get install -y golang-go golang-golang-x-mod-dev";

export interface GoResult {
  ok: boolean;
  lines: string[];
  proofs: { kind: string; index: number; old: number; size: number; proof: string[] }[];
}

export interface GoVerifier {
  /** A scratch folder for checkpoints and receipt files, removed by `remove`. */
  work: string;
  /** Runs the verifier against the log at `url`; never throws on its exit status. */
  verify(url: string, key: string, args?: readonly string[]): Promise<GoResult>;
  remove(): void;
}

export async function buildGoVerifier(): Promise<GoVerifier> {
  const go = spawnSync("go", ["version"], { encoding: "utf8" });
  if (go.error !== undefined || go.status !== 0) {
    throw new Error(
      `Go is missing: the log interop lane needs Debian's Go toolchain (${INSTALL}).`,
    );
  }
  if (!existsSync(X_MOD)) {
    throw new Error(
      `golang.org/x/mod is missing from ${GOPATH} (set CORDON_GOPATH, or ${INSTALL}).`,
    );
  }
  const work = mkdtempSync(join(tmpdir(), "cordon-log-interop-"));
  const cache = join(tmpdir(), "cordon-log-interop-gocache");
  mkdirSync(cache, { recursive: true });
  const binary = join(work, "verify");
  await run("go", ["build", "-o", binary, "tests/log-interop/verify.go"], {
    env: { ...process.env, GO111MODULE: "off", GOPATH, GOCACHE: cache, GOFLAGS: "" },
  });
  return {
    work,
    async verify(url, key, args = []) {
      let stdout: string;
      let ok = true;
      try {
        ({ stdout } = await run(binary, ["-url", url, "-key", key, ...args], {
          maxBuffer: 1 << 24,
        }));
      } catch (error) {
        ok = false;
        stdout = (error as { stdout?: string }).stdout ?? String(error);
      }
      const lines = stdout.trim().split("\n");
      const proofs = lines
        .filter((line) => line.startsWith("proof "))
        .map((line) => JSON.parse(line.slice("proof ".length)) as GoResult["proofs"][number]);
      return { ok, lines, proofs };
    },
    remove: () => rmSync(work, { recursive: true, force: true }),
  };
}
