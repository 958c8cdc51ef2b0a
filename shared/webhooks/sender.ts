/**
 * The HTTP sender of webhooks: one POST, 15 s at most, no redirects followed (a 3xx
 * is a failed attempt), the answer's body drained and dropped. It connects only to
 * addresses checked at connect time (see url-safety.ts), keeping connections alive
 * per host so that a fan-out to many subscribers on one receiver reuses them.
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
  type UrlPolicy,
} from "./url-safety.js";

export const DELIVERY_TIMEOUT_MS = 15_000;

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

export type SendOutcome =
  | { kind: "answered"; status: number; retryAfter: string | undefined }
  | { kind: "failed"; error: string };

export interface WebhookSender {
  post(url: string, headers: Record<string, string>, body: string): Promise<SendOutcome>;
}

export class NodeWebhookSender implements WebhookSender {
  private readonly httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 64 });
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 64 });

  constructor(
    private readonly policy: UrlPolicy,
    private readonly resolver: Resolver = systemResolver,
    private readonly timeoutMs = DELIVERY_TIMEOUT_MS,
  ) {}

  async post(rawUrl: string, headers: Record<string, string>, body: string): Promise<SendOutcome> {
    // Checked again at every attempt: the URL was checked when subscribed, DNS may have changed since.
    let url: URL;
    try {
      url = parseWebhookUrl(rawUrl, this.policy);
      assertAllowedLiteral(connectHost(url), this.policy);
    } catch (error) {
      return { kind: "failed", error: error instanceof Error ? error.message : String(error) };
    }
    const payload = Buffer.from(body, "utf8");
    const secure = url.protocol === "https:";
    return new Promise<SendOutcome>((resolve) => {
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
          timeout: this.timeoutMs,
        },
        (response: IncomingMessage) => {
          response.resume();
          response.on("end", () =>
            resolve({
              kind: "answered",
              status: response.statusCode ?? 0,
              retryAfter: header(response, "retry-after"),
            }),
          );
          response.on("error", (error) => resolve({ kind: "failed", error: error.message }));
        },
      );
      const deadline = setTimeout(() => request.destroy(new Error("timed out")), this.timeoutMs);
      request.on("close", () => clearTimeout(deadline));
      request.on("timeout", () => request.destroy(new Error("timed out")));
      request.on("error", (error) => resolve({ kind: "failed", error: error.message }));
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

function header(response: IncomingMessage, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
