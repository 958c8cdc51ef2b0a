/** The parent's side of bench/receiver-process.ts: start it, collect arrivals, wait for them. */
import { spawn } from "node:child_process";
import { sleep } from "./stats.js";

export interface Arrival {
  tag: string;
  path: string;
  webhookId: string;
  at: number;
  bytes: number;
}

export interface ReceiverProcess {
  /** Base URL; every path under it answers 200. */
  url: string;
  /** Arrivals under `tag`, de-duplicated by webhook-id (first arrival kept). */
  arrivals(tag: string): Arrival[];
  /** Waits until `count` distinct webhook-ids arrived under `tag`, or throws after `timeoutMs`. */
  waitFor(tag: string, count: number, timeoutMs: number): Promise<Arrival[]>;
  stop(): Promise<void>;
}

export async function startReceiverProcess(): Promise<ReceiverProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "bench/receiver-process.ts"], {
    cwd: process.cwd(),
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const byTag = new Map<string, Map<string, Arrival>>();
  const port = await new Promise<number>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the receiver process exited with ${code}`)));
    child.on("message", (message: { type: string; port?: number; items?: Arrival[] }) => {
      if (message.type === "ready" && message.port !== undefined) resolve(message.port);
      if (message.type === "arrivals") {
        for (const arrival of message.items ?? []) {
          let tagged = byTag.get(arrival.tag);
          if (tagged === undefined) {
            tagged = new Map();
            byTag.set(arrival.tag, tagged);
          }
          if (!tagged.has(arrival.webhookId)) tagged.set(arrival.webhookId, arrival);
        }
      }
    });
  });
  const arrivals = (tag: string) => [...(byTag.get(tag)?.values() ?? [])];
  return {
    url: `http://127.0.0.1:${port}`,
    arrivals,
    waitFor: async (tag, count, timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      while ((byTag.get(tag)?.size ?? 0) < count) {
        if (Date.now() > deadline) {
          throw new Error(
            `timed out waiting for ${count} webhooks tagged ${tag} (got ${byTag.get(tag)?.size ?? 0})`,
          );
        }
        await sleep(10);
      }
      return arrivals(tag);
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.send({ type: "stop" });
      await exited;
    },
  };
}
