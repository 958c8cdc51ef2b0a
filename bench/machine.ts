/** What the figures were measured on: they mean little without it. */
import { readFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";

export interface Machine {
  cpu: string;
  cores: number;
  memory_gb: number;
  node: string;
  platform: string;
  /** One-minute load average when the run started: a hint of how noisy the host was. */
  load_at_start: number;
  started_at: string;
}

export function describeMachine(): Machine {
  const cpu = cpus()[0]?.model.trim() || modelFromProc() || "unknown";
  return {
    cpu,
    cores: cpus().length,
    memory_gb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    load_at_start: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    started_at: new Date().toISOString(),
  };
}

function modelFromProc(): string | undefined {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    return match?.[1]?.trim();
  } catch {
    return undefined;
  }
}
