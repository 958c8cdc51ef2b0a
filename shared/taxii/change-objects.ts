/**
 * The STIX objects one change adds to a reader's collection (DESIGN §12): the version
 * of the bulletin's own objects (report, indicators, relationships) that the change
 * makes, its `derived-from` relationships when the reader may also see the bulletin it
 * supersedes, and the shared objects it names (hub and publisher identities, TLP
 * markings, extension definitions, observables), which the reader is served once, at
 * their introduction (introductions.ts). `date_added` is the change's `at`.
 *
 * A change's **candidates** are listed in a fixed order — shared objects first, so a
 * reader meets a definition before what uses it — whatever the reader is served of
 * them; a page that ends inside a change resumes at a candidate's place (position.ts).
 */
import type { BulletinRecord } from "../bulletins/types.js";
import type { LoggedChange } from "../changes/types.js";
import type { HubDeps } from "../hub/deps.js";
import type { BulletinHistory } from "../interop/history.js";
import { utcTimestamp } from "../interop/history.js";
import { historyOf } from "../interop/record-history.js";
import {
  DEFAULT_HUB_NAME,
  type StixObject,
  stixVersion,
  stixVersionCount,
} from "../interop/stix/index.js";
import { type Filters, matchesObject, matchesVersion } from "./filters.js";
import { introductionClasses, type Occurrence, readerClasses } from "./introductions.js";
import { type ExportReader, isReadBy } from "./reader.js";

/** One change the reader may see, with what its objects are made from. */
export interface ChangeMaterial {
  entry: LoggedChange;
  record: BulletinRecord;
  issuerName: string;
  /** The bulletin it supersedes, when the reader may see that one too. */
  predecessor?: BulletinHistory;
}

export interface Candidate {
  object: StixObject;
  shared: boolean;
  /** Of the bulletin's own objects: this version's place among the object's versions. */
  index: number;
  count: number;
}

/** A served version of an object, as the objects and manifest endpoints list it. */
export interface ServedObject {
  object: StixObject;
  id: string;
  type: string;
  version: string;
  date_added: string;
}

/** Reads what `entries` (visible to the reader, in log order) are made from. */
export async function materialsOf(
  deps: Pick<HubDeps, "store" | "clock">,
  reader: ExportReader,
  entries: readonly LoggedChange[],
): Promise<ChangeMaterial[]> {
  if (entries.length === 0) return [];
  const ids = [...new Set(entries.map((entry) => entry.bulletin_id))];
  const issuers = [...new Set(entries.map((entry) => entry.issuer))];
  const [records, orgs] = await Promise.all([
    deps.store.changes.bulletins(ids),
    deps.store.orgs.getOrgs(issuers),
  ]);
  const predecessorIds = [
    ...new Set([...records.values()].flatMap((r) => (r.supersedes === null ? [] : [r.supersedes]))),
  ];
  const predecessors =
    predecessorIds.length === 0
      ? new Map<string, BulletinRecord>()
      : await deps.store.changes.bulletins(predecessorIds);
  const now = deps.clock.now();
  return entries.flatMap((entry): ChangeMaterial[] => {
    const record = records.get(entry.bulletin_id);
    if (record === undefined) return [];
    const issuerName = orgs.get(record.issuer)?.name ?? record.issuer;
    const before = record.supersedes === null ? undefined : predecessors.get(record.supersedes);
    const material: ChangeMaterial = { entry, record, issuerName };
    if (before !== undefined && isReadBy(before, reader)) {
      // A bulletin supersedes only its issuer's own: the same publisher's name.
      material.predecessor = historyOf(before, issuerName, now);
    }
    return [material];
  });
}

/** The candidates of one change, in their fixed order (none after the first withdrawal). */
export function candidatesOf(material: ChangeMaterial, now: Date): Candidate[] {
  const { entry, record, issuerName, predecessor } = material;
  const history = historyOf(record, issuerName, now, entry.seq);
  const index = history.changes.findIndex((change) => change.seq === entry.seq);
  if (index < 0 || index >= stixVersionCount(history)) return [];
  // Versions made so far and to come: for match[version]=last.
  const count = stixVersionCount(historyOf(record, issuerName, now, Number.MAX_SAFE_INTEGER));
  const version = stixVersion(history, index, {
    hubName: DEFAULT_HUB_NAME,
    ...(predecessor === undefined ? {} : { predecessor }),
  });
  const seen = new Set<string>();
  const shared = version.shared.filter((object) => !seen.has(object.id) && seen.add(object.id));
  return [
    ...shared.map((object) => ({ object, shared: true, index: 0, count: 1 })),
    ...[...version.own, ...version.derived].map((object) => ({
      object,
      shared: false,
      index,
      count,
    })),
  ];
}

/** The shared objects a change names, for the introductions of this reader's classes. */
export function occurrencesOf(
  entry: LoggedChange,
  candidates: readonly Candidate[],
  reader: ExportReader,
): Occurrence[] {
  const mine = new Set(readerClasses(reader));
  const classes = introductionClasses(entry).filter((name) => mine.has(name));
  return candidates
    .filter((candidate) => candidate.shared)
    .map((candidate) => ({ objectId: candidate.object.id, seq: entry.seq, classes }));
}

/**
 * Which candidates the reader is served, with their place: its own objects' versions
 * that pass the filters, shared objects introduced to it at this very change.
 */
export function servedOf(
  entry: LoggedChange,
  candidates: readonly Candidate[],
  filters: Filters,
  servedAt: ReadonlyMap<string, number>,
): { place: number; served: ServedObject }[] {
  const dateAdded = utcTimestamp(entry.at);
  return candidates.flatMap((candidate, place) => {
    const { object } = candidate;
    if (!matchesObject(filters, object.id, object.type)) return [];
    const version = versionOf(object, dateAdded);
    if (candidate.shared) {
      if (servedAt.get(object.id) !== entry.seq) return [];
    } else if (!matchesVersion(filters.versions, version, candidate.index, candidate.count)) {
      return [];
    }
    return [
      {
        place,
        served: { object, id: object.id, type: object.type, version, date_added: dateAdded },
      },
    ];
  });
}

/** TAXII's version of an object: its `modified`, else its `created`, else when it was added. */
export function versionOf(object: StixObject, dateAdded: string): string {
  if (typeof object.modified === "string") return object.modified;
  if (typeof object.created === "string") return object.created;
  return dateAdded;
}
