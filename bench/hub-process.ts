/**
 * The hub under test: what `npm start` runs (the bundle of `local/main.ts`, built
 * first) in a child process, on an on-disk data folder, so that its memory can be read
 * from /proc and its CPU profiled with --cpu-prof without the benchmark's own work in
 * the way.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { Transport } from "../cli/sdk/transport.js";
import { parsePrivateJwk } from "../shared/signatures/keys.js";
import { BENCH_RATE_LIMITS, startScriptCommand } from "./config.js";

export interface HubProcess {
  url: string;
  pid: number;
  admin: Transport;
  /** Resident set now and its high-water mark (VmHWM), in bytes, from /proc. */
  memory(): Promise<{ rss: number; hwm: number }>;
  output(): string;
  /** SIGTERM and wait: the hub stops cleanly, and --cpu-prof writes its profile. */
  stop(): Promise<void>;
}

export interface HubProcessOptions {
  dataDir: string;
  /** Write a .cpuprofile into this folder when the hub exits. */
  cpuProfileDir?: string;
  /** The hub's `node` flags (the bench passes the start script's, or BENCH_HUB_NODE_FLAGS). */
  nodeFlags?: readonly string[];
  /** More environment for the hub (`CORDON_LOG_WRITER=off`). */
  env?: Readonly<Record<string, string>>;
}

export async function startHubProcess(options: HubProcessOptions): Promise<HubProcess> {
  execFileSync("npm", ["run", "--silent", "build:local"], { stdio: "inherit" });
  const { entry } = startScriptCommand();
  // Node writes one profile per thread; the main thread's is the largest. See mainThreadProfile().
  const nodeFlags = [
    ...(options.nodeFlags ?? []),
    ...(options.cpuProfileDir ? ["--cpu-prof", `--cpu-prof-dir=${options.cpuProfileDir}`] : []),
  ];
  const child = spawn(process.execPath, [...nodeFlags, entry], {
    cwd: process.cwd(),
    env: {
      ...process.env,
      PORT: "0",
      CORDON_DATA_DIR: options.dataDir,
      CORDON_LOG_LEVEL: "warn",
      CORDON_RATE_LIMITS: Object.entries(BENCH_RATE_LIMITS)
        .map(([rateClass, rate]) => `${rateClass}=${rate}`)
        .join(","),
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-20_000);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const url = await waitForUrl(child, () => output);
  const pid = child.pid;
  if (pid === undefined) throw new Error("the hub process has no pid");
  const key = parsePrivateJwk(
    JSON.parse(await readFile(join(options.dataDir, "admin.jwk"), "utf8")),
  );
  return {
    url,
    pid,
    admin: new Transport({ baseUrl: url, orgId: "hub-admin", key, retries: 1 }),
    memory: () => readMemory(pid),
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function waitForUrl(child: ChildProcess, output: () => string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the hub did not start:\n${output()}`)),
      60_000,
    );
    const onData = () => {
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output());
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        child.stdout?.off("data", onData);
        resolve(match[1]);
      }
    };
    child.stdout?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the hub exited with ${code}:\n${output()}`));
    });
  });
}

/** The main thread's profile among those a run wrote into `dir` (the largest). */
export async function mainThreadProfile(dir: string): Promise<string> {
  const files = (await readdir(dir)).filter((name) => name.endsWith(".cpuprofile"));
  const sized = await Promise.all(
    files.map(async (name) => ({
      path: join(dir, name),
      size: (await stat(join(dir, name))).size,
    })),
  );
  const largest = sized.sort((a, b) => b.size - a.size)[0];
  if (largest === undefined) throw new Error(`no CPU profile was written into ${dir}`);
  return largest.path;
}

async function readMemory(pid: number): Promise<{ rss: number; hwm: number }> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kib = (field: string) => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
    return match?.[1] === undefined ? Number.NaN : Number(match[1]) * 1024;
  };
  return { rss: kib("VmRSS"), hwm: kib("VmHWM") };
}

/** Samples a process's RSS every `intervalMs` and keeps the highest, per stage. */
export class MemoryWatch {
  private timer: NodeJS.Timeout | undefined;
  private stagePeak = 0;
  readonly peaks: Record<string, number> = {};

  constructor(
    private readonly hub: HubProcess,
    private readonly intervalMs = 100,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.hub.memory().then(
        ({ rss }) => {
          this.stagePeak = Math.max(this.stagePeak, rss);
        },
        () => undefined,
      );
    }, this.intervalMs);
    this.timer.unref();
  }

  /** Closes the current stage under `name` and starts the next. */
  mark(name: string): void {
    this.peaks[name] = this.stagePeak;
    this.stagePeak = 0;
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
  }
}
