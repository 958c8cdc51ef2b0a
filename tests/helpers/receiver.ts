/** A webhook receiver on loopback that records what it gets and answers as told. */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  json: { type: string; timestamp: string; subscription_id: string; data: Record<string, unknown> };
  at: number;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  /** Hold the answer back this long (a slow receiver, or one a crash interrupts). */
  delayMs?: number;
  /** The answer's body (none by default). */
  body?: string;
}

export interface Receiver {
  url: string;
  received: ReceivedWebhook[];
  /** Answers to give, in order; after they run out, 200. */
  answers: Answer[];
  waitFor(
    predicate: (hooks: ReceivedWebhook[]) => boolean,
    timeoutMs?: number,
  ): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: ReceivedWebhook[] = [];
  const answers: Answer[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      received.push({
        headers: req.headers,
        body,
        json: JSON.parse(body) as ReceivedWebhook["json"],
        at: Date.now(),
      });
      const answer = answers.shift() ?? { status: 200 };
      setTimeout(() => {
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
      }, answer.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    answers,
    waitFor: async (predicate, timeoutMs = 10_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > deadline)
          throw new Error(`timed out waiting for webhooks (got ${received.length})`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return received;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
