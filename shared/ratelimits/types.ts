/**
 * Rate limits (DESIGN §15): per organisation and per class of route, a token bucket
 * of rate r and capacity 2r. The classes, their default rates, and the buckets the
 * hub keeps besides them (one ping per subscription per minute) live here.
 */
import * as z from "zod";

/**
 * `publish`: everything that makes the hub send webhooks (bulletins, revocations,
 * sightings, pings, resends). `screen`: screening. `read`: every other signed request,
 * the cheap management writes included. `feed-token`: the feed routes OpenCTI and MISP
 * poll (`/taxii2/*`, `/misp/*`), whatever the credential — a feed token, or a signed
 * request; the log's routes count in `read` with either credential (DESIGN §14).
 */
export const RATE_CLASSES = ["publish", "screen", "read", "feed-token"] as const;
export type RateClass = (typeof RATE_CLASSES)[number];

/** Requests per second, by class. */
export type RateLimits = Record<RateClass, number>;

export const DEFAULT_RATE_LIMITS: Readonly<RateLimits> = {
  publish: 10,
  screen: 20,
  read: 50,
  "feed-token": 10,
};

/**
 * Whole requests per second: the bucket's interval is then at most a second, so every
 * wait the hub announces (`Retry-After`, the `t` of `RateLimit`) is one second.
 */
export const RateSchema = z.number().int().min(1).max(10_000);

/** An organisation's own rates, set by the admin: `null` drops one back to the default. */
export const RateOverridesSchema = z
  .strictObject(
    Object.fromEntries(RATE_CLASSES.map((name) => [name, RateSchema.nullable().optional()])) as {
      [K in RateClass]: z.ZodOptional<z.ZodNullable<typeof RateSchema>>;
    },
  )
  .describe("Requests per second by class; null returns a class to the hub's default");
export type RateOverrides = Partial<Record<RateClass, number>>;

/** A bucket as the store runs it: one unit every `intervalMs`, at most `capacity` at once. */
export interface BucketPolicy {
  /** The policy's name in the `RateLimit-Policy` and `RateLimit` headers. */
  name: string;
  intervalMs: number;
  capacity: number;
}

/** The bucket of one class at `ratePerSecond`: capacity twice the rate (a full bucket refills in 2 s). */
export function classPolicy(rateClass: RateClass, ratePerSecond: number): BucketPolicy {
  return { name: rateClass, intervalMs: 1000 / ratePerSecond, capacity: 2 * ratePerSecond };
}

/** Pings: one per subscription per minute (issue 13). */
export const PING_POLICY: BucketPolicy = { name: "ping", intervalMs: 60_000, capacity: 1 };

/** The rate an organisation gets in a class: its override, else the hub's. */
export function rateFor(
  defaults: Readonly<RateLimits>,
  overrides: RateOverrides | undefined,
  rateClass: RateClass,
): number {
  return overrides?.[rateClass] ?? defaults[rateClass];
}
