/**
 * When to try a delivery again (DESIGN §9): the first attempt at once; after a
 * failure, again at once, then after 5 s, 5 min, 30 min, 2 h, 5 h and 10 h — 8
 * attempts in all, each within ±10%. A 429 or 503 with Retry-After waits at least that long.
 */
import { MAX_RETRY_WAIT_SECONDS } from "../queue/port.js";

export const MAX_ATTEMPTS = 8;

const DELAYS_AFTER_FAILURE_MS = [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000];

/** A retry waits in the queue, which cannot hide a message for longer. */
const MAX_DELAY_MS = MAX_RETRY_WAIT_SECONDS * 1000;

/** The delay before the next attempt after `attempts` failed ones, or undefined when none is left. */
export function retryDelayMs(
  attempts: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number | undefined {
  if (attempts >= MAX_ATTEMPTS) return undefined;
  const base = DELAYS_AFTER_FAILURE_MS[attempts - 1] ?? 0;
  const jittered = Math.round(base * (0.9 + 0.2 * random()));
  return Math.min(MAX_DELAY_MS, Math.max(jittered, retryAfterMs ?? 0));
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^[0-9]+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}
