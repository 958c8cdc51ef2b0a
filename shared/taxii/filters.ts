/**
 * TAXII's filters (§3.5): `match[id]`, `match[type]`, `match[version]` (`last` by
 * default, `first`, `all`, or timestamps) and `match[spec_version]`, each a comma-
 * separated list; `added_after`; `limit` (default 100, at most 1,000 — a larger one is
 * served as 1,000) and `next`.
 */
import { BadRequestError } from "../errors/errors.js";
import { compareTimestamps } from "../interop/history.js";
import { parseTimestamp } from "./position.js";

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

export interface VersionFilter {
  last: boolean;
  first: boolean;
  all: boolean;
  at: readonly string[];
}

export interface Filters {
  ids?: ReadonlySet<string>;
  types?: ReadonlySet<string>;
  versions: VersionFilter;
  /** False when `match[spec_version]` names no version this hub serves (2.1). */
  specVersion: boolean;
}

export interface Paging {
  limit: number;
  next?: string;
  addedAfter?: string;
}

export const ALL_VERSIONS: VersionFilter = { last: false, first: false, all: true, at: [] };

export function filtersOf(query: URLSearchParams, defaultVersion = "last"): Filters {
  const list = (name: string): string[] | undefined => {
    const values = query.getAll(name);
    if (values.length === 0) return undefined;
    return values.flatMap((value) => value.split(",").map((item) => item.trim())).filter(Boolean);
  };
  const ids = list("match[id]");
  const types = list("match[type]");
  const versions = list("match[version]") ?? [defaultVersion];
  const specVersions = list("match[spec_version]");
  return {
    ...(ids === undefined ? {} : { ids: new Set(ids) }),
    ...(types === undefined ? {} : { types: new Set(types) }),
    versions: versionFilterOf(versions),
    specVersion: specVersions === undefined || specVersions.includes("2.1"),
  };
}

function versionFilterOf(values: readonly string[]): VersionFilter {
  const filter = { last: false, first: false, all: false, at: [] as string[] };
  for (const value of values) {
    if (value === "last" || value === "first" || value === "all") filter[value] = true;
    else filter.at.push(parseTimestamp("match[version]", value));
  }
  return filter;
}

export function pagingOf(query: URLSearchParams): Paging {
  const one = (name: string): string | undefined => {
    const values = query.getAll(name);
    if (values.length > 1) throw new BadRequestError(`${name} may be given once.`);
    return values[0];
  };
  const rawLimit = one("limit");
  let limit = DEFAULT_LIMIT;
  if (rawLimit !== undefined) {
    if (!/^[0-9]{1,9}$/.test(rawLimit) || Number(rawLimit) < 1) {
      throw new BadRequestError(`limit must be a whole number from 1 to ${MAX_LIMIT}.`);
    }
    limit = Math.min(Number(rawLimit), MAX_LIMIT);
  }
  const next = one("next");
  const addedAfter = one("added_after");
  return {
    limit,
    ...(next === undefined || next === "" ? {} : { next }),
    ...(addedAfter === undefined ? {} : { addedAfter: parseTimestamp("added_after", addedAfter) }),
  };
}

/** Whether an object passes the id, type and spec_version filters. */
export function matchesObject(filters: Filters, id: string, type: string): boolean {
  if (!filters.specVersion) return false;
  if (filters.ids !== undefined && !filters.ids.has(id)) return false;
  if (filters.types !== undefined && !filters.types.has(type)) return false;
  return true;
}

/**
 * Whether a version passes `match[version]`: its place among the object's versions
 * (`index` of `count`, oldest first) and its version string.
 */
export function matchesVersion(
  filter: VersionFilter,
  version: string,
  index: number,
  count: number,
): boolean {
  if (filter.all) return true;
  if (filter.first && index === 0) return true;
  if (filter.last && index === count - 1) return true;
  return filter.at.some((at) => compareTimestamps(at, version) === 0);
}
