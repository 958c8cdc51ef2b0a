/**
 * The HTTP sender of webhooks: one POST, no redirects followed (a 3xx is a failed
 * attempt), connecting only to addresses checked at connect time (see url-safety.ts)
 * and keeping connections alive per host so that a fan-out to many subscribers on one
 * receiver reuses them.
 *
 * Bounded so that a slow or hostile endpoint holds a delivery worker as briefly as
 * possible (issue 13): 2 s to connect (DNS, TCP and TLS), far less than the 10 s the
 * whole attempt may take, and at most 64 KiB of answer read — past it the connection is
 * dropped. What comes back is what a partner needs to diagnose the attempt (DESIGN
 * §15): the status, a stable error code, and the first 256 bytes of the answer.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";
import type { Webhooks } from "../hub/deps.js";
import {
  assertAllowedLiteral,
  connectHost,
  parseWebhookUrl,
  type Resolver,
  resolveAllowed,
  systemResolver,
  UnsafeUrlError,
  type UrlPolicy,
} from "./url-safety.js";

export interface SenderLimits {
  /** From the request's start until the connection is up (DNS, TCP, TLS). */
  connectMs: number;
  /** The whole attempt: connect, send, answer. */
  responseMs: number;
  /** Answer bytes read at most; a longer answer fails the attempt. */
  maxResponseBytes: number;
}

export const SENDER_LIMITS: Readonly<SenderLimits> = {
  connectMs: 2_000,
  responseMs: 10_000,
  maxResponseBytes: 64 * 1024,
};

/** How much of an answer's body an attempt keeps for its owner to read. */
export const RESPONSE_EXCERPT_BYTES = 256;

/**
 * Why an attempt failed, as the attempt log says it: a Node network code as is
 * (ECONNREFUSED, ECONNRESET, ENOTFOUND, EHOSTUNREACH, …) or one of these.
 */
export type AttemptError =
  | "connect_timeout"
  | "timeout"
  | "tls_error"
  | "redirect_refused"
  | "url_refused"
  | "response_too_large"
  | "network_error"
  | (string & {});

export interface SendOutcome {
  /** The HTTP status, when the endpoint answered. */
  status: number | null;
  /** Why the attempt failed; null when a whole answer came back (whatever its status). */
  error: AttemptError | null;
  /** The first 256 bytes of the answer's body as UTF-8 (invalid bytes replaced); null without one. */
  excerpt: string | null;
  retryAfter: string | undefined;
  durationMs: number;
}

export interface WebhookSender {
  post(url: string, headers: Record<string, string>, body: string): Promise<SendOutcome>;
}

/**
 * A hub's webhooks over Node's HTTP: one URL policy and resolver for both the check
 * made when a subscription is created and the one made at every attempt.
 */
export function nodeWebhooks(
  policy: UrlPolicy,
  resolver: Resolver = systemResolver,
): Webhooks & { sender: NodeWebhookSender } {
  return { policy, resolver, sender: new NodeWebhookSender(policy, resolver) };
}

export class NodeWebhookSender implements WebhookSender {
  private readonly httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 64 });
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 64 });
  private readonly limits: SenderLimits;

  constructor(
    private readonly policy: UrlPolicy,
    private readonly resolver: Resolver = systemResolver,
    limits: Partial<SenderLimits> = {},
  ) {
    this.limits = { ...SENDER_LIMITS, ...limits };
  }

  async post(rawUrl: string, headers: Record<string, string>, body: string): Promise<SendOutcome> {
    const started = performance.now();
    const done = (outcome: Omit<SendOutcome, "durationMs">): SendOutcome => ({
      ...outcome,
      durationMs: Math.round(performance.now() - started),
    });
    // Checked again at every attempt: the URL was checked when subscribed, DNS may have changed since.
    let url: URL;
    try {
      url = parseWebhookUrl(rawUrl, this.policy);
      assertAllowedLiteral(connectHost(url), this.policy);
    } catch {
      return done(failed("url_refused"));
    }
    const payload = Buffer.from(body, "utf8");
    const secure = url.protocol === "https:";
    const { connectMs, responseMs, maxResponseBytes } = this.limits;
    return new Promise<SendOutcome>((resolve) => {
      let settled = false;
      const settle = (outcome: Omit<SendOutcome, "durationMs">) => {
        if (settled) return;
        settled = true;
        clearTimeout(connectDeadline);
        clearTimeout(deadline);
        resolve(done(outcome));
      };
      const request = (secure ? httpsRequest : httpRequest)(
        url,
        {
          method: "POST",
          agent: secure ? this.httpsAgent : this.httpAgent,
          lookup: this.checkedLookup(),
          headers: {
            ...headers,
            "content-type": "application/json",
            "content-length": String(payload.length),
            "user-agent": "Cordon-Webhooks/1",
          },
        },
        (response: IncomingMessage) => readAnswer(response, maxResponseBytes, settle, request),
      );
      // Abandon the socket on a timeout: a keep-alive socket a slow endpoint holds is no use.
      const abandon = (error: AttemptError) => {
        settle(failed(error));
        request.destroy();
      };
      let connected = false;
      const connectDeadline = setTimeout(() => {
        if (!connected) abandon("connect_timeout");
      }, connectMs);
      const deadline = setTimeout(() => abandon("timeout"), responseMs);
      request.on("socket", (socket) => {
        const up = () => {
          connected = true;
          clearTimeout(connectDeadline);
        };
        // A reused keep-alive socket is connected already.
        if (!socket.connecting) up();
        else socket.once(secure ? "secureConnect" : "connect", up);
      });
      request.on("error", (error) => settle(failed(errorCodeOf(error))));
      request.end(payload);
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  /** Resolve, check every address, and hand the connection only a checked one. */
  private checkedLookup(): LookupFunction {
    return (hostname, options, callback) => {
      resolveAllowed(hostname, this.policy, this.resolver).then(
        (addresses) => {
          const wantsAll =
            typeof options === "object" &&
            options !== null &&
            "all" in options &&
            options.all === true;
          const first = addresses[0];
          if (wantsAll) (callback as (e: null, a: typeof addresses) => void)(null, addresses);
          else if (first !== undefined) callback(null, first.address, first.family);
        },
        (error: unknown) =>
          callback(error instanceof Error ? error : new Error(String(error)), "", 0),
      );
    };
  }
}

/** Reads at most `maxBytes` of the answer, keeping its first bytes; a longer one fails the attempt. */
function readAnswer(
  response: IncomingMessage,
  maxBytes: number,
  settle: (outcome: Omit<SendOutcome, "durationMs">) => void,
  request: { destroy(): void },
): void {
  const status = response.statusCode ?? 0;
  const retryAfter = header(response, "retry-after");
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let total = 0;
  const excerpt = () =>
    keptBytes === 0 ? null : decodeExcerpt(Buffer.concat(kept).subarray(0, RESPONSE_EXCERPT_BYTES));
  response.on("data", (chunk: Buffer) => {
    total += chunk.length;
    if (keptBytes < RESPONSE_EXCERPT_BYTES) {
      kept.push(chunk.subarray(0, RESPONSE_EXCERPT_BYTES - keptBytes));
      keptBytes = Math.min(RESPONSE_EXCERPT_BYTES, keptBytes + chunk.length);
    }
    if (total > maxBytes) {
      settle({ status, error: "response_too_large", excerpt: excerpt(), retryAfter });
      request.destroy();
    }
  });
  response.on("end", () => {
    const redirect = status >= 300 && status < 400;
    settle({
      status,
      error: redirect ? "redirect_refused" : null,
      excerpt: excerpt(),
      retryAfter,
    });
  });
  response.on("error", (error) =>
    settle({ status, error: errorCodeOf(error), excerpt: excerpt(), retryAfter }),
  );
}

function failed(error: AttemptError): Omit<SendOutcome, "durationMs"> {
  return { status: null, error, excerpt: null, retryAfter: undefined };
}

/** UTF-8 with invalid bytes (a multi-byte character cut at the end included) replaced. */
function decodeExcerpt(bytes: Buffer): string {
  return new TextDecoder("utf-8", { fatal: false }).decode(bytes);
}

const TLS_CODES =
  /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH)/;

/** The attempt-log code of a request error: never its message, which may name addresses. */
export function errorCodeOf(error: unknown): AttemptError {
  if (error instanceof UnsafeUrlError) return "url_refused";
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return "network_error";
  if (TLS_CODES.test(code)) return "tls_error";
  if (code === "ETIMEDOUT") return "connect_timeout";
  return /^E[A-Z0-9_]{2,31}$/.test(code) ? code : "network_error";
}

function header(response: IncomingMessage, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
