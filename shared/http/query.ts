/** Query-string parameters, read strictly: a repeated or malformed one is a 422. */
import { ValidationError } from "../errors/errors.js";

export function singleParam(query: URLSearchParams, name: string): string | undefined {
  const values = query.getAll(name);
  if (values.length > 1) throw ValidationError.at(`/${name}`, `${name} may be given once`);
  return values[0];
}

export function limitParam(
  query: URLSearchParams,
  defaults: { default: number; max: number },
): number {
  const raw = singleParam(query, "limit");
  if (raw === undefined) return defaults.default;
  if (!/^[0-9]{1,4}$/.test(raw) || Number(raw) < 1 || Number(raw) > defaults.max) {
    throw ValidationError.at("/limit", `limit must be an integer from 1 to ${defaults.max}`);
  }
  return Number(raw);
}
