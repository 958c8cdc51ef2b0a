/**
 * The abuse suite's stage (issue 13): the hub in a process of its own, as `npm start`
 * runs it; hostile partners in processes of their own (attacker.ts); the victim — a
 * partner minding its own business — measured from here, quiet and then during the
 * flood, in the same run, so that the suite asserts ratios, never wall-clock times.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Transport } from "../../cli/sdk/transport.js";
import type { Role } from "../../shared/orgs/types.js";
import { generateSigningKey } from "../../shared/signatures/keys.js";
import type { SigningKey } from "../../shared/signatures/types.js";
import { type HubProcess, startHubProcess } from "../helpers/hub-process.js";
import type { Attack } from "./attacker.js";

export interface AbuseOrg {
  id: string;
  key: SigningKey;
  client: Transport;
}

export interface AbuseHub {
  url: string;
  process: HubProcess;
  admin: Transport;
  onboard(id: string, roles: Role[]): Promise<AbuseOrg>;
  stop(): Promise<void>;
}

export async function startAbuseHub(env: Record<string, string> = {}): Promise<AbuseHub> {
  const dataDir = await mkdtemp(join(tmpdir(), "cordon-abuse-"));
  const hub = await startHubProcess(dataDir, env);
  const admin = await hub.admin();
  return {
    url: hub.url,
    process: hub,
    admin,
    onboard: async (id, roles) => {
      const { signingKey, publicJwk } = await generateSigningKey("Ed25519");
      const response = await admin.raw("POST", "/v1/admin/orgs", {
        body: { id, name: id, type: "exchange", roles, groups: [], jwks: { keys: [publicJwk] } },
      });
      if (response.status !== 201) throw new Error(`onboarding ${id}: ${response.status}`);
      const client = new Transport({ baseUrl: hub.url, orgId: id, key: signingKey, retries: 1 });
      return { id, key: signingKey, client };
    },
    stop: async () => {
      await hub.kill("SIGTERM");
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Flood {
  /** Holds the flood back (requests in flight finish), and lets it go again. */
  pause(): void;
  resume(): void;
  /** Stops the flood; answers the hub's answers to it, by status. */
  stop(): Promise<Record<string, number>>;
}

/** Starts a hostile partner flooding the hub from its own process. */
export async function flood(
  hub: AbuseHub,
  org: AbuseOrg,
  attack: Pick<Attack, "kind" | "concurrency" | "targets" | "ratePerSecond">,
): Promise<Flood> {
  const config: Attack = { ...attack, hubUrl: hub.url, orgId: org.id, key: org.key.privateJwk };
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", join("tests", "abuse", "attacker.ts")],
    {
      cwd: process.cwd(),
      env: { ...process.env, ABUSE_ATTACK: JSON.stringify(config) },
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const started = () => {
      if (output.includes("attacking")) resolve();
    };
    child.stdout?.on("data", started);
    child.once("exit", (code) => reject(new Error(`the attacker exited with ${code}`)));
  });
  return {
    pause: () => child.stdin?.write("pause\n"),
    resume: () => child.stdin?.write("resume\n"),
    stop: async () => {
      child.stdin?.end();
      await exited;
      const last = output.trim().split("\n").at(-1) ?? "{}";
      return JSON.parse(last) as Record<string, number>;
    },
  };
}

/** The `q` quantile of samples (nearest rank). */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) throw new Error("no samples");
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;
}

/** Times `act` back to back for `ms`, one after another with a short pause: latency samples. */
export async function sample(ms: number, act: () => Promise<void>): Promise<number[]> {
  const samples: number[] = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const started = performance.now();
    await act();
    samples.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return samples;
}
