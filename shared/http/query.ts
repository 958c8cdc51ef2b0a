/** Query-string parameters, read strictly: a repeated or malformed one is a 422. */
import { ValidationError } from "../errors/errors.js";

export function singleParam(query: URLSearchParams, name: string): string | undefined {
  const values = query.getAll(name);
  if (values.length > 1) throw ValidationError.at(`/${name}`, `${name} may be given once`);
  return values[0];
}

/** A paged listing's page size: when `limit` is absent, and at most. */
export interface PageLimits {
  default: number;
  max: number;
}

/** The page sizes of the listings (sightings, deliveries) that do not set their own. */
export const PAGE_LIMITS: PageLimits = { default: 50, max: 100 };

/** The OpenAPI description of a paged listing's `cursor` and `limit`. */
export function pagingDoc(
  limits: PageLimits,
  cursor = "next_cursor of the previous page",
): { name: string; description: string }[] {
  return [
    { name: "cursor", description: cursor },
    { name: "limit", description: `1–${limits.max}, default ${limits.default}` },
  ];
}

export function limitParam(query: URLSearchParams, defaults: PageLimits): number {
  const raw = singleParam(query, "limit");
  if (raw === undefined) return defaults.default;
  if (!/^[0-9]{1,4}$/.test(raw) || Number(raw) < 1 || Number(raw) > defaults.max) {
    throw ValidationError.at("/limit", `limit must be an integer from 1 to ${defaults.max}`);
  }
  return Number(raw);
}
