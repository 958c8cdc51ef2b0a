/**
 * When a shared STIX object — an identity, an observable (SCO), a marking or extension
 * definition, which many bulletins name — enters a reader's collection. TAXII serves
 * each object version once, at its `date_added`; a shared object has one version, so
 * it must be served once, at the first change the reader may see that names it. The
 * hub cannot list that change per reader (visibility differs per reader, and an index
 * per reader would cost writes on every publication), so it records it lazily:
 *
 * A change belongs to **classes** of readers: `pub` for TLP:CLEAR and GREEN (every
 * member), `a:<org>` for TLP:AMBER and `s:<org>` for TLP:AMBER+STRICT, one per
 * recipient and the issuer. A reader's classes are `pub`, `a:<its id>` and, with a
 * signed request, `s:<its id>`. For each object the store keeps, per class, the `seq`
 * of a change of that class naming it — written once (`if_not_exists`) by the first
 * reader to meet one, never changed. A reader serves the object at the change whose
 * `seq` is the least among its own classes.
 *
 * So the answer never grows (values are only ever added, the least only falls), and a
 * reader walking the collection from its start records, for every change it passes,
 * the classes it belongs to: it serves each shared object exactly once, and a later
 * walk from where it stopped never serves it again. Nothing about another reader's
 * bulletins is revealed: only classes the reader is in decide what it is served.
 */
import { mapConcurrent } from "../async/concurrency.js";
import type { BulletinMeta } from "../bulletins/types.js";
import type { HubDeps } from "../hub/deps.js";
import type { ExportReader } from "./reader.js";

const WRITE_CONCURRENCY = 16;

/** The classes of readers a change of this bulletin is shown to. */
export function introductionClasses(
  bulletin: Pick<BulletinMeta, "issuer" | "tlp" | "recipients">,
): string[] {
  switch (bulletin.tlp) {
    case "clear":
    case "green":
      return ["pub"];
    case "amber":
      return [...new Set([bulletin.issuer, ...bulletin.recipients])].map((org) => `a:${org}`);
    case "amber+strict":
      return [...new Set([bulletin.issuer, ...bulletin.recipients])].map((org) => `s:${org}`);
    case "red":
      return [];
  }
}

/** The classes a reader belongs to. */
export function readerClasses(reader: ExportReader): string[] {
  return [
    "pub",
    `a:${reader.org.id}`,
    ...(reader.ceiling === "amber+strict" ? [`s:${reader.org.id}`] : []),
  ];
}

/** A shared object named by a change the reader may see. */
export interface Occurrence {
  objectId: string;
  seq: number;
  /** Of the change's classes, those the reader belongs to. */
  classes: readonly string[];
}

/**
 * The change each object is served at, for this reader: its introductions, recording
 * first (for the classes not recorded yet) the earliest of these occurrences.
 */
export async function introduce(
  deps: Pick<HubDeps, "store">,
  reader: ExportReader,
  occurrences: readonly Occurrence[],
): Promise<Map<string, number>> {
  const wanted = new Map<string, Map<string, number>>();
  for (const { objectId, seq, classes } of occurrences) {
    const byClass = wanted.get(objectId) ?? new Map<string, number>();
    wanted.set(objectId, byClass);
    for (const name of classes) {
      const known = byClass.get(name);
      if (known === undefined || seq < known) byClass.set(name, seq);
    }
  }
  const recorded = await deps.store.introductions.introductions([...wanted.keys()]);
  const missing = [...wanted].flatMap(([objectId, byClass]) => {
    const have = recorded.get(objectId) ?? {};
    const absent = [...byClass].filter(([name]) => have[name] === undefined);
    return absent.length === 0 ? [] : [{ objectId, classes: Object.fromEntries(absent) }];
  });
  await mapConcurrent(missing, WRITE_CONCURRENCY, async ({ objectId, classes }) => {
    recorded.set(objectId, await deps.store.introductions.introduce(objectId, classes));
  });
  const served = new Map<string, number>();
  for (const objectId of wanted.keys()) {
    const at = servedAt(recorded.get(objectId), reader);
    if (at !== undefined) served.set(objectId, at);
  }
  return served;
}

/** The change an object is served at for this reader, from its introductions (undefined: none yet). */
export function servedAt(
  introductions: Readonly<Record<string, number>> | undefined,
  reader: ExportReader,
): number | undefined {
  let least: number | undefined;
  for (const name of readerClasses(reader)) {
    const seq = introductions?.[name];
    if (seq !== undefined && (least === undefined || seq < least)) least = seq;
  }
  return least;
}
