/**
 * A webhook receiver on loopback, as a subscriber should write one: verify every
 * delivery before acting on it (`v1` with the subscription secret, `v1a` with the
 * hub's keys), answer 2xx only then and 401 otherwise, and drop duplicates by
 * `webhook-id` (delivery is at least once). `cordon listen` and the demo run it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readBodyUpTo } from "../shared/http/read-body.js";
import type { Jwks } from "../shared/signatures/types.js";
import { WebhookVerificationError } from "./sdk/errors.js";
import type { WebhookEvent } from "./sdk/types.js";
import { readWebhookHeaders, verifyWebhook } from "./sdk/webhooks.js";

/** Standard Webhooks' advice, and the hub's (DESIGN §6): keep ids at least a day. */
const DEDUPE_TTL_MS = 24 * 60 * 60 * 1000;
/** Hub keys are fetched again on a `v1a` failure at most this often (a key rotation). */
const JWKS_REFRESH_MS = 60_000;
/** While the hub's keys could not be fetched at all, a delivery asks again at most this often. */
const JWKS_MISSING_RETRY_MS = 2_000;
const MAX_BODY_BYTES = 1024 * 1024;

export interface ReceivedWebhook {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  webhookId: string | undefined;
  /** True when every check passed. */
  verified: boolean;
  /** Verified, but this webhook-id was already received (answered 200, not acted on). */
  duplicate: boolean;
  /** Which signatures were checked (and so passed, when `verified`). */
  checked: { v1: boolean; v1a: boolean };
  event?: WebhookEvent;
  error?: WebhookVerificationError;
  status: number;
}

export interface WebhookReceiverOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  secret?: string | readonly string[];
  jwks?: Jwks;
  /**
   * Fetches the hub's keys: again when no `v1a` verifies (a hub key rotation), and
   * first when `jwks` is not given (a receiver started while the hub was down). When
   * either is given, `v1a` must verify; without keys, deliveries are refused.
   */
  refreshJwks?: () => Promise<Jwks>;
  subscriptionId?: string;
  toleranceSeconds?: number;
  /** Called for every request, verified or not, after the answer is chosen. */
  onWebhook?: (webhook: ReceivedWebhook) => void | Promise<void>;
}

export interface WebhookReceiver {
  url: string;
  port: number;
  /** Sets the secret(s) `v1` is checked with (a receiver may start before it subscribes). */
  setSecret(secret: string | readonly string[] | undefined): void;
  stop(): Promise<void>;
}

export async function startWebhookReceiver(
  options: WebhookReceiverOptions,
): Promise<WebhookReceiver> {
  const checksV1a = options.jwks !== undefined || options.refreshJwks !== undefined;
  if (options.secret === undefined && !checksV1a) {
    throw new Error("A webhook receiver needs the subscription secret, the hub's keys, or both.");
  }
  const seen = new Map<string, number>();
  let secret = options.secret;
  let jwks = options.jwks;
  let refreshedAt = 0;

  /** The hub's keys, fetched now if they never were (at most every couple of seconds). */
  const currentJwks = async (): Promise<Jwks | undefined> => {
    if (jwks !== undefined || options.refreshJwks === undefined) return jwks;
    if (Date.now() - refreshedAt < JWKS_MISSING_RETRY_MS) return undefined;
    refreshedAt = Date.now();
    jwks = await options.refreshJwks().catch(() => undefined);
    return jwks;
  };

  const verifyOnce = (request: Pick<ReceivedWebhook, "headers" | "body">) =>
    verifyWebhook(request.headers, request.body, {
      ...(secret === undefined ? {} : { secret }),
      ...(jwks === undefined ? {} : { jwks }),
      ...(options.subscriptionId === undefined ? {} : { subscriptionId: options.subscriptionId }),
      ...(options.toleranceSeconds === undefined
        ? {}
        : { toleranceSeconds: options.toleranceSeconds }),
    });

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (request.method !== "POST") {
      response.writeHead(405, { allow: "POST" }).end();
      return;
    }
    const body = await readBodyUpTo(request, MAX_BODY_BYTES);
    if (body === undefined) {
      response.writeHead(413).end();
      return;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(" ") : value;
    }
    const webhookId = readWebhookHeaders(headers).id;
    const received: ReceivedWebhook = {
      method: request.method,
      path: request.url ?? "/",
      headers,
      body,
      webhookId,
      verified: false,
      duplicate: false,
      checked: { v1: secret !== undefined, v1a: checksV1a },
      status: 401,
    };
    try {
      if (checksV1a && (await currentJwks()) === undefined) {
        throw new WebhookVerificationError(
          "ERR_WEBHOOK_KEYS",
          "The hub's keys could not be fetched, so v1a cannot be checked yet; refused.",
        );
      }
      try {
        received.event = verifyOnce(received);
      } catch (error) {
        const rotated =
          error instanceof WebhookVerificationError &&
          error.code === "ERR_WEBHOOK_V1A" &&
          options.refreshJwks !== undefined &&
          Date.now() - refreshedAt > JWKS_REFRESH_MS;
        if (!rotated || options.refreshJwks === undefined) throw error;
        refreshedAt = Date.now();
        jwks = await options.refreshJwks();
        received.event = verifyOnce(received);
      }
      received.verified = true;
      const now = Date.now();
      forgetExpired(seen, now);
      // Only a verified delivery may claim its id: a forged request must never make
      // the genuine one look like a duplicate.
      const id = webhookId ?? "";
      received.duplicate = seen.has(id);
      if (!received.duplicate) seen.set(id, now + DEDUPE_TTL_MS);
      received.status = received.duplicate ? 200 : 204;
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      received.error = error;
      received.status = 401;
    }
    response.writeHead(received.status).end();
    await options.onWebhook?.(received);
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    setSecret: (next) => {
      secret = next;
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function forgetExpired(seen: Map<string, number>, now: number): void {
  for (const [id, expiresAt] of seen) {
    if (expiresAt > now) break; // insertion order is expiry order
    seen.delete(id);
  }
}
