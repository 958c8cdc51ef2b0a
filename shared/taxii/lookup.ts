/**
 * One object's versions (TAXII §5.5 object by id, §5.8 versions). A bulletin's own
 * objects carry their bulletin in their id (interop/stix/bulletin.ts, STIX_SLOTS):
 * one read finds it, and its changes are the versions. A shared object has one
 * version, served at its introduction to the reader (introductions.ts); one the reader
 * has no introduction of yet is looked for as the collection would list it — the
 * listing filtered to that id, which records introductions as it goes — so the answer
 * is the same as a walk of the collection would give, page by page.
 */
import { bulletinOfUuid } from "../bulletins/canonical-id.js";
import { BadRequestError } from "../errors/errors.js";
import type { HubDeps } from "../hub/deps.js";
import { candidatesOf, materialsOf, type ServedObject, servedOf } from "./change-objects.js";
import { ALL_VERSIONS, type Filters } from "./filters.js";
import { servedAt } from "./introductions.js";
import { readCollectionPage } from "./pages.js";
import { decodeNext, type Position, START } from "./position.js";
import { type ExportReader, isReadBy } from "./reader.js";

const OWN_TYPES = new Set(["report", "indicator", "relationship"]);
const STIX_ID = /^([a-z][a-z0-9-]{0,248}[a-z0-9])--([0-9a-fA-F-]{36})$/;
const CURSOR_PREFIX = "v1.";
/** A listing's `next`, for a shared object not found yet. */
const RESUME_PREFIX = "s1.";

export interface ObjectVersions {
  /** Every version the reader may see, oldest first (before match[version]). */
  versions: ServedObject[];
  /** When the object's versions are not all known yet: where a listing resumes. */
  resume?: string;
}

type Deps = Pick<HubDeps, "store" | "clock">;

/** The reader's versions of an object; none when it is hidden or missing (alike). */
export async function objectVersions(
  deps: Deps,
  reader: ExportReader,
  objectId: string,
  resume: string | undefined,
): Promise<ObjectVersions> {
  const match = STIX_ID.exec(objectId);
  if (match === null) return { versions: [] };
  const [, type = "", uuid = ""] = match;
  const own = OWN_TYPES.has(type) ? bulletinOfUuid(uuid) : undefined;
  if (own !== undefined && resume === undefined) {
    const versions = await ownVersions(deps, reader, objectId, own.canonicalId);
    if (versions !== undefined) return { versions };
  }
  return sharedVersions(deps, reader, objectId, resume);
}

/** A bulletin's own object: every change of its bulletin up to the first withdrawal. */
async function ownVersions(
  deps: Deps,
  reader: ExportReader,
  objectId: string,
  canonicalId: string,
): Promise<ServedObject[] | undefined> {
  const record = await deps.store.changes.bulletinByCanonicalId(canonicalId);
  if (record === undefined || !isReadBy(record, reader)) return undefined;
  const entries = Object.values(record.changes)
    .flatMap((state) => (state?.logged === true && state.seq !== undefined ? [state.seq] : []))
    .sort((a, b) => a - b);
  if (entries.length === 0) return undefined;
  const logged = await Promise.all(
    entries.map(async (seq) => (await deps.store.changes.changesAfter(seq - 1, 1))[0]),
  );
  const materials = await materialsOf(
    deps,
    reader,
    logged.filter((entry) => entry?.bulletin_id === record.id).flatMap((e) => (e ? [e] : [])),
  );
  const now = deps.clock.now();
  const filters: Filters = { ids: new Set([objectId]), versions: ALL_VERSIONS, specVersion: true };
  const versions = materials.flatMap((material) =>
    servedOf(material.entry, candidatesOf(material, now), filters, new Map()).map(
      ({ served }) => served,
    ),
  );
  return versions.length === 0 ? undefined : versions;
}

/** A shared object: its one version, where the reader's introductions put it. */
async function sharedVersions(
  deps: Deps,
  reader: ExportReader,
  objectId: string,
  resume: string | undefined,
): Promise<ObjectVersions> {
  if (resume === undefined) {
    const recorded = (await deps.store.introductions.introductions([objectId])).get(objectId);
    const seq = servedAt(recorded, reader);
    if (seq !== undefined) {
      const [entry] = await deps.store.changes.changesAfter(seq - 1, 1);
      if (entry !== undefined && isReadBy(entry, reader)) {
        const [material] = await materialsOf(deps, reader, [entry]);
        if (material !== undefined) {
          const filters: Filters = {
            ids: new Set([objectId]),
            versions: ALL_VERSIONS,
            specVersion: true,
          };
          const served = servedOf(
            entry,
            candidatesOf(material, deps.clock.now()),
            filters,
            new Map([[objectId, seq]]),
          ).map(({ served }) => served);
          return { versions: served.slice(0, 1) };
        }
      }
    }
  }
  // Not introduced to this reader yet: look for it as the collection lists it.
  const filters: Filters = { ids: new Set([objectId]), versions: ALL_VERSIONS, specVersion: true };
  const page = await readCollectionPage(deps, reader, decodeResume(resume), 1, filters);
  if (page.objects.length > 0) return { versions: page.objects.slice(0, 1) };
  return page.next === undefined
    ? { versions: [] }
    : { versions: [], resume: encodeResume(page.next) };
}

/** Pages of versions: the index of the first version of the page. */
export function encodeVersionCursor(index: number): string {
  return CURSOR_PREFIX + Buffer.from(String(index), "utf8").toString("base64url");
}

export function decodeVersionCursor(next: string): { index: number } | { resume: string } {
  if (next.startsWith(CURSOR_PREFIX)) {
    const text = Buffer.from(next.slice(CURSOR_PREFIX.length), "base64url").toString("utf8");
    if (/^(0|[1-9][0-9]{0,5})$/.test(text) && encodeVersionCursor(Number(text)) === next) {
      return { index: Number(text) };
    }
  }
  if (next.startsWith(RESUME_PREFIX)) return { resume: next };
  throw new BadRequestError("next is not a value this hub issued: send the next of the last page.");
}

function encodeResume(next: string): string {
  return `${RESUME_PREFIX}${next}`;
}

function decodeResume(resume: string | undefined): Position {
  return resume === undefined ? START : decodeNext(resume.slice(RESUME_PREFIX.length));
}
