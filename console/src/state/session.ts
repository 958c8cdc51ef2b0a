/**
 * Signing in: an identity from this browser's store becomes a {@link CordonClient}
 * that signs every request with the held key, once the hub has said who it is
 * (`GET /v1/me`). The hub's audience string is `cordon` on a local hub and the
 * hub's origin when deployed; the console tries the likely one first and, when the
 * hub answers `audience_mismatch` (DESIGN §15), the other.
 */
import {
  CordonApiError,
  CordonClient,
  CordonSdkError,
  type Organisation,
} from "../../../cli/sdk/index.js";
import { type StoredIdentity, signerOf } from "./keystore.js";

export interface Session {
  identity: StoredIdentity;
  client: CordonClient;
  me: Organisation;
}

/** Tries per request on 429 and 5xx, each after the hub's Retry-After. */
const RETRIES = 6;

export function audienceCandidates(origin: string = location.origin): string[] {
  const host = new URL(origin).hostname;
  const loopback = host === "127.0.0.1" || host === "localhost" || host === "[::1]";
  return loopback ? ["cordon", origin] : [origin, "cordon"];
}

export function clientFor(identity: StoredIdentity): CordonClient {
  return new CordonClient({
    baseUrl: location.origin,
    orgId: identity.org,
    key: signerOf(identity),
    audience: identity.audience,
    retries: RETRIES,
  });
}

/**
 * Asks the hub who this identity is, trying the other audience on a mismatch.
 * Answers the session with the audience that worked (the caller stores it).
 */
export async function connect(identity: StoredIdentity): Promise<Session> {
  const audiences = [
    identity.audience,
    ...audienceCandidates().filter((a) => a !== identity.audience),
  ];
  let last: unknown;
  for (const audience of audiences) {
    const candidate = { ...identity, audience };
    const client = clientFor(candidate);
    try {
      return { identity: candidate, client, me: await client.me() };
    } catch (error) {
      last = error;
      if (!(error instanceof CordonApiError && error.code === "audience_mismatch")) throw error;
    }
  }
  throw last;
}

/** True when the hub does not have this route (a panel whose route it lacks). */
export function isNotAvailable(error: unknown): boolean {
  return error instanceof CordonApiError && (error.status === 404 || error.status === 405);
}

/** A sentence for an analyst, from any error the SDK throws. */
export function describeError(error: unknown): string {
  if (error instanceof CordonApiError) {
    if (error.code === "credentials_rejected") {
      return "The hub does not accept this key for this organisation (not registered yet, revoked, or the organisation is suspended).";
    }
    if (error.code === "token_expired" || error.code === "token_not_yet_valid") {
      const offset = error.clockOffsetSeconds;
      return `This computer's clock is off by ${offset ?? "?"} s from the hub's: set the clock and try again.`;
    }
    if (error.status === 429)
      return "The hub is limiting requests; it was tried again and still refused. Wait a moment.";
    if (error.status === 403) return "Your organisation does not have the role this needs.";
    const fields = error.errors.map((field) => `${field.pointer || "/"}: ${field.message}`);
    const base = error.detail ?? error.title ?? `HTTP ${error.status}`;
    return fields.length === 0 ? base : `${base} ${fields.join("; ")}`;
  }
  if (error instanceof CordonSdkError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
