/**
 * Verifying a webhook the hub delivered (DESIGN §6): the `v1` HMAC with the
 * subscription's secret, computed by the official `standardwebhooks` library, and the
 * `v1a` Ed25519 signature with the hub's published keys, checked with node:crypto —
 * both over `{webhook-id}.{webhook-timestamp}.{body}`. Then the timestamp window and,
 * when asked, that the body names the expected subscription.
 */
import { createPublicKey, type KeyObject, timingSafeEqual, verify } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { parseStrictJsonBytes } from "../../shared/json/strict-json.js";
import type { Jwks, PublicJwk } from "../../shared/signatures/types.js";
import { WebhookVerificationError } from "./errors.js";
import type { WebhookEvent } from "./types.js";

/** Standard Webhooks' default window, and the hub's: five minutes either way. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** Header values as Node's `IncomingHttpHeaders`, a plain record, or a fetch `Headers`. */
export type WebhookHeaders =
  | Headers
  | { readonly [name: string]: string | readonly string[] | undefined };

export interface VerifyWebhookOptions {
  /**
   * The subscription's `whsec_…` secret; several during a rotation (any may match).
   * When given, a `v1` signature must match.
   */
  secret?: string | readonly string[];
  /** The hub's JWKS (`/.well-known/jwks.json`). When given, a `v1a` signature must verify. */
  jwks?: Jwks;
  /** Seconds a timestamp may be off, either way (default 300). */
  toleranceSeconds?: number;
  /**
   * The subscription this receiver serves. Checked against the body: the `v1a`
   * signature proves the hub sent it, this proves it was meant for you.
   */
  subscriptionId?: string;
  /** The clock (tests). */
  now?: Date;
}

/** The three Standard Webhooks headers, read from any header container. */
export interface WebhookHeaderValues {
  id: string;
  timestamp: string;
  signature: string;
}

export function readWebhookHeaders(headers: WebhookHeaders): Partial<WebhookHeaderValues> {
  const read = (name: string): string | undefined => {
    if (isFetchHeaders(headers)) return headers.get(name) ?? undefined;
    for (const [key, value] of Object.entries(headers)) {
      if (key.toLowerCase() !== name || value === undefined) continue;
      return typeof value === "string" ? value : value.join(" ");
    }
    return undefined;
  };
  const result: Partial<WebhookHeaderValues> = {};
  const id = read("webhook-id");
  const timestamp = read("webhook-timestamp");
  const signature = read("webhook-signature");
  if (id !== undefined) result.id = id;
  if (timestamp !== undefined) result.timestamp = timestamp;
  if (signature !== undefined) result.signature = signature;
  return result;
}

function isFetchHeaders(headers: WebhookHeaders): headers is Headers {
  return typeof (headers as Headers).get === "function";
}

/** The `version,signature` entries of a `webhook-signature` header (space-separated). */
export function signatureEntries(header: string): { version: string; signature: string }[] {
  return header
    .split(/\s+/)
    .filter((entry) => entry !== "")
    .map((entry) => {
      const comma = entry.indexOf(",");
      return comma < 0
        ? { version: entry, signature: "" }
        : { version: entry.slice(0, comma), signature: entry.slice(comma + 1) };
    });
}

/**
 * Verifies one delivery and answers its event. Throws a {@link WebhookVerificationError}
 * whose `code` says what failed. Pass the body exactly as received (bytes or string):
 * a re-serialised body does not verify.
 */
export function verifyWebhook(
  headers: WebhookHeaders,
  rawBody: string | Uint8Array,
  options: VerifyWebhookOptions,
): WebhookEvent {
  const secrets =
    options.secret === undefined
      ? []
      : typeof options.secret === "string"
        ? [options.secret]
        : [...options.secret];
  if (secrets.length === 0 && options.jwks === undefined) {
    throw new WebhookVerificationError(
      "ERR_WEBHOOK_KEYS",
      "Give the subscription's secret, the hub's JWKS, or both.",
    );
  }
  const { id, timestamp, signature } = readWebhookHeaders(headers);
  if (id === undefined || timestamp === undefined || signature === undefined) {
    throw new WebhookVerificationError(
      "ERR_WEBHOOK_HEADERS",
      "webhook-id, webhook-timestamp and webhook-signature are all required.",
    );
  }
  const seconds = checkTimestamp(
    timestamp,
    options.now ?? new Date(),
    options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS,
  );
  const body = typeof rawBody === "string" ? Buffer.from(rawBody, "utf8") : Buffer.from(rawBody);
  const entries = signatureEntries(signature);

  if (secrets.length > 0 && !v1Matches(secrets, id, seconds, body, entries)) {
    throw new WebhookVerificationError(
      "ERR_WEBHOOK_V1",
      "No v1 signature matches the subscription secret.",
    );
  }
  if (options.jwks !== undefined && !v1aVerifies(options.jwks, id, timestamp, body, entries)) {
    throw new WebhookVerificationError(
      "ERR_WEBHOOK_V1A",
      "No v1a signature verifies with the hub's published keys.",
    );
  }

  const event = parseEvent(body);
  if (options.subscriptionId !== undefined && event.subscription_id !== options.subscriptionId) {
    throw new WebhookVerificationError(
      "ERR_WEBHOOK_SUBSCRIPTION",
      `This delivery is for subscription ${event.subscription_id}, not ${options.subscriptionId}.`,
    );
  }
  return event;
}

function checkTimestamp(header: string, now: Date, toleranceSeconds: number): number {
  if (!/^\d{1,12}$/.test(header)) {
    throw new WebhookVerificationError(
      "ERR_WEBHOOK_TIMESTAMP",
      "webhook-timestamp must be Unix seconds.",
    );
  }
  const seconds = Number(header);
  const skew = now.getTime() / 1000 - seconds;
  if (skew > toleranceSeconds) {
    throw new WebhookVerificationError(
      "ERR_WEBHOOK_TIMESTAMP",
      `The webhook is ${Math.round(skew)} s old, more than the ${toleranceSeconds} s allowed.`,
    );
  }
  if (-skew > toleranceSeconds) {
    throw new WebhookVerificationError(
      "ERR_WEBHOOK_TIMESTAMP",
      `The webhook is dated ${Math.round(-skew)} s in the future, more than the ${toleranceSeconds} s allowed.`,
    );
  }
  return seconds;
}

/**
 * The library's `verify` applies its own fixed five-minute window against the wall
 * clock, so the window is checked above and the library computes the expected `v1`
 * value with `sign` (its secret decoding and HMAC), compared here in constant time.
 * Entries of other versions (`v1a`) are skipped, as the library's `verify` does.
 */
function v1Matches(
  secrets: readonly string[],
  id: string,
  seconds: number,
  body: Buffer,
  entries: readonly { version: string; signature: string }[],
): boolean {
  const given = entries.filter((entry) => entry.version === "v1").map((entry) => entry.signature);
  if (given.length === 0) return false;
  let matched = false;
  for (const secret of secrets) {
    let expected: string;
    try {
      expected = new Webhook(secret).sign(id, new Date(seconds * 1000), body).slice("v1,".length);
    } catch (cause) {
      throw new WebhookVerificationError(
        "ERR_WEBHOOK_KEYS",
        "A webhook secret must be the whsec_… value the hub gave when subscribing.",
        { cause },
      );
    }
    const expectedBytes = Buffer.from(expected);
    for (const signature of given) {
      const bytes = Buffer.from(signature);
      // No early exit: every secret and entry is compared, so timing tells nothing.
      if (bytes.length === expectedBytes.length && timingSafeEqual(bytes, expectedBytes)) {
        matched = true;
      }
    }
  }
  return matched;
}

/** Any `v1a` entry that verifies with any published Ed25519 key (one per key during a rotation). */
function v1aVerifies(
  jwks: Jwks,
  id: string,
  timestamp: string,
  body: Buffer,
  entries: readonly { version: string; signature: string }[],
): boolean {
  const signatures = entries
    .filter((entry) => entry.version === "v1a")
    .map((entry) => Buffer.from(entry.signature, "base64"))
    .filter((bytes) => bytes.length === 64);
  if (signatures.length === 0) return false;
  const message = Buffer.concat([Buffer.from(`${id}.${timestamp}.`, "utf8"), body]);
  const keys = jwks.keys.flatMap((jwk) => {
    const key = ed25519Key(jwk);
    return key === undefined ? [] : [key];
  });
  return signatures.some((signature) => keys.some((key) => verify(null, message, key, signature)));
}

function ed25519Key(jwk: PublicJwk): KeyObject | undefined {
  if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519" || typeof jwk.x !== "string") return undefined;
  try {
    return createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: jwk.x }, format: "jwk" });
  } catch {
    return undefined;
  }
}

function parseEvent(body: Buffer): WebhookEvent {
  const parsed = parseStrictJsonBytes(body);
  if (!parsed.ok) {
    throw new WebhookVerificationError(
      "ERR_WEBHOOK_BODY",
      `The webhook body is not strict JSON: ${parsed.message}`,
    );
  }
  const event = parsed.value;
  if (
    typeof event !== "object" ||
    event === null ||
    Array.isArray(event) ||
    typeof (event as { type?: unknown }).type !== "string" ||
    typeof (event as { subscription_id?: unknown }).subscription_id !== "string"
  ) {
    throw new WebhookVerificationError(
      "ERR_WEBHOOK_BODY",
      "The webhook body must be an object with a type and a subscription_id.",
    );
  }
  return event as WebhookEvent;
}
