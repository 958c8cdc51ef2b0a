/**
 * The hub's rates as configuration (`CORDON_RATE_LIMITS` for `npm start` and the
 * Lambdas, the `rateLimits` context for `cdk deploy`): `class=rate` pairs separated by
 * commas, e.g. `publish=20,read=100`. A class not named keeps its default (DESIGN §15).
 */
import {
  DEFAULT_RATE_LIMITS,
  RATE_CLASSES,
  type RateClass,
  type RateLimits,
  RateSchema,
} from "./types.js";

/** Parses the setting; throws an Error naming what is wrong. Empty or absent: the defaults. */
export function parseRateLimits(text: string | undefined): RateLimits {
  const limits: RateLimits = { ...DEFAULT_RATE_LIMITS };
  if (text === undefined || text.trim() === "") return limits;
  for (const pair of text.split(",")) {
    const [name, value, ...rest] = pair.split("=").map((part) => part.trim());
    if (!RATE_CLASSES.includes(name as RateClass) || value === undefined || rest.length > 0) {
      throw new Error(
        `rate limits are class=rate pairs, the classes ${RATE_CLASSES.join(", ")}: not "${pair.trim()}"`,
      );
    }
    const rate = RateSchema.safeParse(/^[0-9]+$/.test(value) ? Number(value) : Number.NaN);
    if (!rate.success)
      throw new Error(`the rate of ${name} is a whole number of requests a second, 1 to 10000`);
    limits[name as RateClass] = rate.data;
  }
  return limits;
}
