/**
 * Webhook receivers for the fan-out stage, in a process of their own so that
 * receiving costs the hub nothing: one loopback server answering 200 on every path
 * (one path per subscription), reporting each arrival's time to its parent over IPC.
 * Run by bench/receiver.ts; not a script to start by hand.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

interface Arrival {
  /** `x-bench-tag` when the sender set one (the floor), else the event's bulletin id. */
  tag: string;
  path: string;
  webhookId: string;
  /** Epoch milliseconds, sub-millisecond resolution. */
  at: number;
  bytes: number;
}

const send = process.send?.bind(process);
if (send === undefined) {
  console.error("bench/receiver-process.ts runs under bench/receiver.ts (it needs an IPC channel)");
  process.exit(2);
}

let pending: Arrival[] = [];

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const at = performance.timeOrigin + performance.now();
    res.writeHead(200);
    res.end();
    const body = Buffer.concat(chunks);
    pending.push({
      tag: tagOf(req.headers["x-bench-tag"], body),
      path: req.url ?? "",
      webhookId: String(req.headers["webhook-id"] ?? ""),
      at,
      bytes: body.length,
    });
  });
});
server.keepAliveTimeout = 30_000;

function tagOf(header: string | string[] | undefined, body: Buffer): string {
  if (typeof header === "string") return header;
  try {
    const parsed = JSON.parse(body.toString("utf8")) as { data?: { id?: unknown } };
    return typeof parsed.data?.id === "string" ? parsed.data.id : "unknown";
  } catch {
    return "unparseable";
  }
}

setInterval(() => {
  if (pending.length === 0) return;
  const batch = pending;
  pending = [];
  send({ type: "arrivals", items: batch });
}, 20);

process.on("message", (message: { type?: string }) => {
  if (message.type === "stop") {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  }
});
process.on("disconnect", () => process.exit(0));

server.listen(0, "127.0.0.1", () => {
  send({ type: "ready", port: (server.address() as AddressInfo).port });
});
