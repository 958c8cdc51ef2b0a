/**
 * Signed HTTP requests to a Cordon hub: every request carries a fresh token signed
 * with the organisation's key over the method, path, query and body (DESIGN §3).
 * Idempotent calls are retried on 429 and 5xx with backoff that honours Retry-After;
 * each try is signed afresh, since a token's `jti` is spent once the hub has read it.
 */
import { signRequestToken } from "../../shared/signatures/request-token.js";
import type { Signer } from "../../shared/signatures/types.js";
import { CordonApiError, type ProblemBody } from "./errors.js";

export interface TransportOptions {
  /** The hub's base URL, e.g. http://127.0.0.1:8080. */
  baseUrl: string;
  /** The organisation id: the token's `iss`. */
  orgId: string;
  /** A key file's JWK, or a key held non-extractable in WebCrypto (the console's). */
  key: Signer;
  /** The hub's audience string (`cordon` for a local hub, the origin URL for a deployed one). */
  audience?: string;
  /** Tries for idempotent calls on 429/5xx and network errors (default 3). */
  retries?: number;
  fetch?: typeof fetch;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined for an empty body. */
  body: unknown;
  text: string;
}

export interface RequestOptions {
  /** Sent byte for byte; an object is JSON-encoded. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Use this Authorization value instead of a fresh token (tests of refusals). */
  authorization?: string | null;
  /** Retry on 429/5xx (only for idempotent calls). */
  idempotent?: boolean;
  /** Aborts the request and any wait between tries. */
  signal?: AbortSignal;
}

const IDEMPOTENT = new Set(["GET", "HEAD", "DELETE"]);

export class Transport {
  readonly baseUrl: string;
  readonly orgId: string;
  readonly audience: string;
  private readonly key: Signer;
  private readonly retries: number;
  private readonly fetchFn: typeof fetch;

  constructor(options: TransportOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.orgId = options.orgId;
    this.key = options.key;
    this.audience = options.audience ?? "cordon";
    this.retries = options.retries ?? 3;
    // Called as a plain function: a browser's fetch refuses any `this` but the window.
    this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
  }

  /** Sends one request and answers whatever the hub said, errors included. */
  async raw(
    method: string,
    pathAndQuery: string,
    options: RequestOptions = {},
  ): Promise<RawResponse> {
    const bytes = encodeBody(options.body);
    const tries = (options.idempotent ?? IDEMPOTENT.has(method)) ? this.retries : 1;
    for (let attempt = 1; ; attempt += 1) {
      try {
        const response = await this.send(method, pathAndQuery, bytes, options);
        if (attempt < tries && (response.status === 429 || response.status >= 500)) {
          await sleep(retryDelay(attempt, response.headers.get("retry-after")), options.signal);
          continue;
        }
        return response;
      } catch (error) {
        if (attempt >= tries || options.signal?.aborted) throw error;
        await sleep(retryDelay(attempt, null), options.signal);
      }
    }
  }

  /** Sends one request; a problem answer becomes a CordonApiError. */
  async call<T>(method: string, pathAndQuery: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.raw(method, pathAndQuery, options);
    if (response.status >= 400) throw apiErrorOf(response);
    return response.body as T;
  }

  /**
   * A `fetch` that signs each GET it sends, for readers that fetch for themselves —
   * the transparency log's {@link TransparencyLog}, which needs the bytes of tiles as
   * served. Only GETs of this hub are signed; anything else is refused.
   */
  signingFetch(): typeof fetch {
    return async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const method = (init?.method ?? "GET").toUpperCase();
      if (method !== "GET" || !`${url.origin}${url.pathname}`.startsWith(`${this.baseUrl}/`)) {
        throw new TypeError(`signingFetch signs GETs of ${this.baseUrl} only.`);
      }
      const headers = new Headers(init?.headers);
      headers.set("authorization", `Bearer ${await this.token("GET", url.pathname + url.search)}`);
      return this.fetchFn(url, { ...init, method, headers, redirect: "manual" });
    };
  }

  /** A token for one request, for callers that send it themselves. */
  token(
    method: string,
    pathAndQuery: string,
    body: Uint8Array = new Uint8Array(0),
  ): Promise<string> {
    return signRequestToken({
      iss: this.orgId,
      aud: this.audience,
      method,
      pathAndQuery,
      body,
      key: this.key,
    });
  }

  private async send(
    method: string,
    pathAndQuery: string,
    bytes: Uint8Array | undefined,
    options: RequestOptions,
  ): Promise<RawResponse> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (bytes !== undefined) headers["content-type"] = "application/json";
    if (options.authorization !== null) {
      headers.authorization =
        options.authorization ?? `Bearer ${await this.token(method, pathAndQuery, bytes)}`;
    }
    Object.assign(headers, options.headers);
    const response = await this.fetchFn(this.baseUrl + pathAndQuery, {
      method,
      headers,
      body: bytes as Uint8Array<ArrayBuffer> | undefined,
      redirect: "manual",
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: parseJson(text), text };
  }
}

function encodeBody(body: unknown): Uint8Array | undefined {
  if (body === undefined) return undefined;
  if (body instanceof Uint8Array) return body;
  if (typeof body === "string") return new TextEncoder().encode(body);
  return new TextEncoder().encode(JSON.stringify(body));
}

function parseJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * The error for an answer the hub refused, with its problem+json body when it sent
 * one, and the hub's clock from `Date` (what a partner needs when a token is refused
 * as expired or not yet valid).
 */
export function apiErrorOf(
  response: Pick<RawResponse, "status" | "body"> & { headers?: Headers },
  localTime: Date = new Date(),
): CordonApiError {
  const date = response.headers?.get("date");
  const hubTime = date === null || date === undefined ? undefined : new Date(date);
  return new CordonApiError(response.status, asProblem(response.body), `HTTP ${response.status}`, {
    ...(hubTime === undefined || Number.isNaN(hubTime.getTime()) ? {} : { hubTime }),
    localTime,
  });
}

/** The problem+json body of an error answer, when it is one. */
export function asProblem(body: unknown): ProblemBody | undefined {
  if (typeof body === "object" && body !== null && "status" in body && "title" in body)
    return body as ProblemBody;
  return undefined;
}

/** Longest wait between tries, whatever Retry-After asks: a CLI user is waiting. */
const MAX_RETRY_DELAY_MS = 30_000;

/**
 * How long to wait before try `attempt + 1`: Retry-After in seconds or as an HTTP
 * date when the hub sent one, else exponential backoff with jitter.
 */
export function retryDelay(
  attempt: number,
  retryAfter: string | null,
  now: number = Date.now(),
): number {
  if (retryAfter !== null && retryAfter.trim() !== "") {
    const text = retryAfter.trim();
    const ms = /^\d+$/.test(text) ? Number(text) * 1000 : Date.parse(text) - now;
    if (Number.isFinite(ms)) return Math.min(Math.max(ms, 0), MAX_RETRY_DELAY_MS);
  }
  return Math.min(8000, 250 * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
}

/** Resolves after `ms`, or rejects at once with the signal's reason when aborted. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
