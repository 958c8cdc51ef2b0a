/**
 * A webhook subscriber on loopback that misbehaves on purpose: for each attempt a
 * policy chooses to answer (at once or slowly), to fail with a status (500, 429 with
 * Retry-After, 410, …), to reset the connection, or to hold the request and then drop
 * it. It records every attempt and de-duplicates by `webhook-id` the way Standard
 * Webhooks asks subscribers to, so a test can tell "received", "accepted" (answered
 * 2xx) and "duplicates dropped" apart. Signatures are checked when asked, with the
 * secret the hub returned when the subscription was made.
 */

import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export type Behaviour =
  | { kind: "answer"; status: number; headers?: Record<string, string>; delayMs?: number }
  /** Destroy the connection as soon as the request's headers arrive. */
  | { kind: "reset" }
  /** Read the whole request, keep the hub waiting, then destroy the connection unanswered. */
  | { kind: "hang"; holdMs: number }
  /** Take the delivery (it counts as received) but drop the connection before answering: a lost 200. */
  | { kind: "accept-then-drop" };

export const OK: Behaviour = { kind: "answer", status: 200 };

export interface AttemptContext {
  webhookId: string;
  /** 1 for the first request this endpoint got with this webhook-id. */
  attempt: number;
}

export type Policy = (context: AttemptContext) => Behaviour;

export interface Attempt {
  webhookId: string;
  attempt: number;
  behaviour: Behaviour;
  /** When the request's headers arrived, and when its answer (or reset) went out. */
  arrivedAt: number;
  settledAt?: number;
  headers: IncomingHttpHeaders;
  /** Empty for a reset, which does not wait for the body. */
  body: string;
}

export interface Delivered {
  webhookId: string;
  type: string;
  subscriptionId: string;
  /** `data.id`: the bulletin's id for bulletin events. */
  dataId: string | undefined;
  data: Record<string, unknown>;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

export interface WebhookEndpoint {
  name: string;
  url: string;
  attempts: Attempt[];
  /** The first accepted delivery of each webhook-id (answered 2xx, or taken and its answer lost). */
  delivered: Map<string, Delivered>;
  /** Requests for a webhook-id this endpoint had already accepted: dropped as duplicates. */
  duplicates(): number;
  policy: Policy;
  /** The subscription's signing secret, for {@link WebhookEndpoint.badSignatures}. */
  secret: string | undefined;
  /** Accepted deliveries whose v1 signature does not verify with `secret`. */
  badSignatures(): string[];
  close(): Promise<void>;
}

export async function startWebhookEndpoint(
  name: string,
  policy: Policy = () => OK,
): Promise<WebhookEndpoint> {
  const attempts: Attempt[] = [];
  const delivered = new Map<string, Delivered>();
  const tries = new Map<string, number>();
  let duplicates = 0;
  const endpoint: WebhookEndpoint = {
    name,
    url: "",
    attempts,
    delivered,
    duplicates: () => duplicates,
    policy,
    secret: undefined,
    badSignatures: () => {
      const secret = endpoint.secret;
      if (secret === undefined) return [];
      return [...delivered.values()]
        .filter((hook) => !signedWith(secret, hook))
        .map((hook) => hook.webhookId);
    },
    close: async () => {},
  };

  const accept = (webhookId: string, headers: IncomingHttpHeaders, body: string) => {
    if (delivered.has(webhookId)) duplicates += 1;
    else delivered.set(webhookId, deliveredOf(webhookId, headers, body));
  };

  const server: Server = createServer((req, res) => {
    const webhookId = String(req.headers["webhook-id"] ?? "");
    const attempt = (tries.get(webhookId) ?? 0) + 1;
    tries.set(webhookId, attempt);
    const behaviour = endpoint.policy({ webhookId, attempt });
    const record: Attempt = {
      webhookId,
      attempt,
      behaviour,
      arrivedAt: Date.now(),
      headers: req.headers,
      body: "",
    };
    attempts.push(record);
    if (behaviour.kind === "reset") {
      record.settledAt = Date.now();
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      record.body = Buffer.concat(chunks).toString("utf8");
      if (behaviour.kind === "accept-then-drop") {
        accept(webhookId, req.headers, record.body);
        record.settledAt = Date.now();
        req.socket.destroy();
        return;
      }
      if (behaviour.kind === "hang") {
        setTimeout(() => {
          record.settledAt = Date.now();
          req.socket.destroy();
        }, behaviour.holdMs);
        return;
      }
      setTimeout(() => {
        if (behaviour.status >= 200 && behaviour.status < 300)
          accept(webhookId, req.headers, record.body);
        record.settledAt = Date.now();
        res.writeHead(behaviour.status, behaviour.headers);
        res.end();
      }, behaviour.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  endpoint.url = `http://127.0.0.1:${port}/hooks/${name}`;
  endpoint.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return endpoint;
}

/**
 * Whether one of the `v1` signatures is the HMAC-SHA256 of `{id}.{timestamp}.{body}`
 * with the subscription secret (Standard Webhooks), checked by hand and without the
 * libraries' five-minute timestamp window, so that a long run can check its first
 * deliveries at the end.
 */
function signedWith(secret: string, hook: Delivered): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const expected = createHmac("sha256", key)
    .update(`${hook.headers["webhook-id"]}.${hook.headers["webhook-timestamp"]}.${hook.body}`)
    .digest();
  return String(hook.headers["webhook-signature"] ?? "")
    .split(" ")
    .filter((entry) => entry.startsWith("v1,"))
    .some((entry) => {
      const given = Buffer.from(entry.slice(3), "base64");
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
}

function deliveredOf(webhookId: string, headers: IncomingHttpHeaders, body: string): Delivered {
  let json: { type?: unknown; subscription_id?: unknown; data?: unknown } = {};
  try {
    json = JSON.parse(body) as typeof json;
  } catch {
    // recorded as is: a test finds the empty type and says so
  }
  const data = (typeof json.data === "object" && json.data !== null ? json.data : {}) as Record<
    string,
    unknown
  >;
  return {
    webhookId,
    type: String(json.type ?? ""),
    subscriptionId: String(json.subscription_id ?? ""),
    dataId: typeof data.id === "string" ? data.id : undefined,
    data,
    headers,
    body,
    at: Date.now(),
  };
}

/** Polls until `done()` holds, or throws after `timeoutMs` with `describe()`'s account. */
export async function waitUntil(
  done: () => boolean | Promise<boolean>,
  timeoutMs: number,
  describe: () => string = () => "",
): Promise<number> {
  const started = Date.now();
  while (!(await done())) {
    if (Date.now() - started > timeoutMs)
      throw new Error(`still waiting after ${timeoutMs} ms. ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Date.now() - started;
}
