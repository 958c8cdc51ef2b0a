/**
 * The TAXII 2.1 endpoints of the collection (§5.3 objects, §5.5 object by id, §5.6
 * manifest, §5.8 versions) from their query to their answer: the resource and the
 * `X-TAXII-Date-Added-First`/`-Last` headers. The routes (http/routes/taxii.ts) only
 * authenticate, negotiate and hand over.
 */
import { NotFoundError } from "../errors/errors.js";
import type { HubDeps } from "../hub/deps.js";
import { compareTimestamps } from "../interop/history.js";
import { STIX_MEDIA_TYPE } from "../interop/stix/types.js";
import type { ServedObject } from "./change-objects.js";
import { filtersOf, matchesVersion, pagingOf } from "./filters.js";
import { decodeVersionCursor, encodeVersionCursor, objectVersions } from "./lookup.js";
import { readCollectionPage } from "./pages.js";
import { decodeNext, firstChangeAfter, laterOf, type Position, START } from "./position.js";
import type { ExportReader } from "./reader.js";
import type { Envelope, Manifest, ManifestRecord, Versions } from "./wire.js";

export interface TaxiiAnswer<T> {
  resource: T;
  headers: Record<string, string>;
}

type Deps = Pick<HubDeps, "store" | "clock">;

export async function getObjects(
  deps: Deps,
  reader: ExportReader,
  query: URLSearchParams,
): Promise<TaxiiAnswer<Envelope>> {
  const page = await listing(deps, reader, query);
  return answer(page.objects, page.more, page.next, (objects) => ({
    objects: objects.map((served) => served.object),
  }));
}

export async function getManifest(
  deps: Deps,
  reader: ExportReader,
  query: URLSearchParams,
): Promise<TaxiiAnswer<Manifest>> {
  const page = await listing(deps, reader, query);
  return answer(page.objects, page.more, page.next, (objects) => ({
    objects: objects.map(manifestRecord),
  }));
}

export async function getObject(
  deps: Deps,
  reader: ExportReader,
  objectId: string,
  query: URLSearchParams,
): Promise<TaxiiAnswer<Envelope>> {
  const { page, more, next } = await versionPage(deps, reader, objectId, query, "last");
  return answer(page, more, next, (objects) => ({ objects: objects.map((s) => s.object) }));
}

export async function getVersions(
  deps: Deps,
  reader: ExportReader,
  objectId: string,
  query: URLSearchParams,
): Promise<TaxiiAnswer<Versions>> {
  const { page, more, next } = await versionPage(deps, reader, objectId, query, "all");
  return answer(page, more, next, (objects) => ({ versions: objects.map((s) => s.version) }));
}

async function listing(deps: Deps, reader: ExportReader, query: URLSearchParams) {
  const paging = pagingOf(query);
  const filters = filtersOf(query);
  let start: Position = paging.next === undefined ? START : decodeNext(paging.next);
  if (paging.addedAfter !== undefined) {
    start = laterOf(start, { seq: await firstChangeAfter(deps, paging.addedAfter), skip: 0 });
  }
  return readCollectionPage(deps, reader, start, paging.limit, filters);
}

/** An object's versions that pass the filters, a page of them from `next`. */
async function versionPage(
  deps: Deps,
  reader: ExportReader,
  objectId: string,
  query: URLSearchParams,
  defaultVersion: "last" | "all",
): Promise<{ page: ServedObject[]; more: boolean; next: string | undefined }> {
  const paging = pagingOf(query);
  const filters = filtersOf(query, defaultVersion);
  const cursor = paging.next === undefined ? { index: 0 } : decodeVersionCursor(paging.next);
  const found = await objectVersions(
    deps,
    reader,
    objectId,
    "resume" in cursor ? cursor.resume : undefined,
  );
  if (found.resume !== undefined) return { page: [], more: true, next: found.resume };
  if (found.versions.length === 0) throw new NotFoundError("object");
  const count = found.versions.length;
  const passing = found.versions.filter(
    (served, index) =>
      filters.specVersion &&
      matchesVersion(filters.versions, served.version, index, count) &&
      (paging.addedAfter === undefined ||
        compareTimestamps(served.date_added, paging.addedAfter) > 0),
  );
  const from = "index" in cursor ? cursor.index : 0;
  const page = passing.slice(from, from + paging.limit);
  const end = from + page.length;
  return end < passing.length
    ? { page, more: true, next: encodeVersionCursor(end) }
    : { page, more: false, next: undefined };
}

function answer<T>(
  objects: readonly ServedObject[],
  more: boolean,
  next: string | undefined,
  shape: (objects: readonly ServedObject[]) => T,
): TaxiiAnswer<T & { more: boolean; next?: string }> {
  const headers: Record<string, string> = {};
  const first = objects[0];
  const last = objects.at(-1);
  if (first !== undefined && last !== undefined) {
    headers["x-taxii-date-added-first"] = first.date_added;
    headers["x-taxii-date-added-last"] = last.date_added;
  }
  const body = objects.length === 0 ? ({} as T) : shape(objects);
  return {
    resource: { more, ...(more && next !== undefined ? { next } : {}), ...body },
    headers,
  };
}

function manifestRecord(served: ServedObject): ManifestRecord {
  return {
    id: served.id,
    date_added: served.date_added,
    version: served.version,
    media_type: STIX_MEDIA_TYPE,
  };
}
