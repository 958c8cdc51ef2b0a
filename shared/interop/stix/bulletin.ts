/**
 * One bulletin as STIX 2.1 (DESIGN §12): its publisher as an `identity`, the bulletin
 * as a `report` carrying the Cordon property extension, one `indicator` per
 * indicator with its SCO and a `based-on` relationship, TLP 2.0 markings, and
 * `derived-from` relationships to the bulletin it supersedes.
 *
 * Every change of the bulletin (§10) makes one version of each of its own objects,
 * `modified` being the change's `at`; ids never change. A revocation or supersession
 * makes the version with `revoked: true`. STIX forbids new versions of a revoked
 * object (stix2's `new_version` refuses them), so a change after the first withdrawal
 * (a superseded bulletin revoked later) makes no further version.
 */
import { bulletinObjectUuid } from "../../bulletins/canonical-id.js";
import { MAX_INDICATORS } from "../../bulletins/schema.js";
import { checkIndicator } from "../../indicators/indicator.js";
import {
  type BulletinChange,
  type BulletinHistory,
  checkHistory,
  isWithdrawal,
  utcTimestamp,
} from "../history.js";
import {
  BULLETIN_EXTENSION_ID,
  CORDON_OBJECTS_CREATED,
  cordonExtensionDefinitions,
  DEFAULT_HUB_NAME,
  hubIdentity,
  hubIdentityId,
} from "./extensions.js";
import { cordonId, identityId } from "./ids.js";
import { exportTlp, TLP_MARKING_IDS, tlpMarking } from "./markings.js";
import { observableOf } from "./observables.js";
import {
  STIX_MEDIA_TYPE,
  type StixBundle,
  type StixMappingOptions,
  type StixObject,
  type StixRecord,
} from "./types.js";

/**
 * Where each of a bulletin's own objects sits among its 4,096 slots: its STIX id is
 * `type--<the bulletin's canonical id, this slot, as a version-4 UUID>`
 * (shared/bulletins/canonical-id.ts), stable per bulletin and indicator, and an id
 * alone leads back to its bulletin (TAXII's object by id).
 */
export const STIX_SLOTS = {
  report: 0,
  indicator: (index: number) => 1 + index,
  basedOn: (index: number) => 1 + MAX_INDICATORS + index,
  derivedFromReport: 1 + 2 * MAX_INDICATORS,
  derivedFrom: (index: number) => 2 + 2 * MAX_INDICATORS + index,
} as const;

function ownId(type: string, bulletinId: string, slot: number): string {
  return `${type}--${bulletinObjectUuid(bulletinId, slot)}`;
}

/** Ids of a bulletin's own objects: stable per bulletin and per indicator index. */
export const stixIds = {
  report: (bulletinId: string) => ownId("report", bulletinId, STIX_SLOTS.report),
  indicator: (bulletinId: string, index: number) =>
    ownId("indicator", bulletinId, STIX_SLOTS.indicator(index)),
  basedOn: (bulletinId: string, index: number) =>
    ownId("relationship", bulletinId, STIX_SLOTS.basedOn(index)),
  /** From the report (`"report"`) or indicator `index` of `bulletinId` to the predecessor's. */
  derivedFrom: (bulletinId: string, source: "report" | number) =>
    ownId(
      "relationship",
      bulletinId,
      source === "report" ? STIX_SLOTS.derivedFromReport : STIX_SLOTS.derivedFrom(source),
    ),
  publisher: (issuerName: string) => identityId(issuerName, "organization"),
};

/**
 * How many STIX versions a history makes: one per change, up to and including the
 * first withdrawal.
 */
export function stixVersionCount(history: BulletinHistory): number {
  const withdrawal = history.changes.findIndex((change) => isWithdrawal(change.kind));
  return withdrawal === -1 ? history.changes.length : withdrawal + 1;
}

/** The objects of one version: the bulletin's own, the shared ones, the cross-bulletin ones. */
export interface StixVersion {
  change: BulletinChange;
  own: StixObject[];
  shared: StixObject[];
  /** `derived-from` relationships to the predecessor's objects (empty without one). */
  derived: StixObject[];
}

/** The publisher as the identity OpenCTI would make of it. */
export function publisherIdentity(history: BulletinHistory, hubName: string): StixObject {
  return {
    type: "identity",
    spec_version: "2.1",
    id: stixIds.publisher(history.issuer_name),
    created_by_ref: hubIdentityId(hubName),
    created: CORDON_OBJECTS_CREATED,
    modified: CORDON_OBJECTS_CREATED,
    name: history.issuer_name.trim(),
    identity_class: "organization",
    external_references: [{ source_name: "cordon", external_id: history.view.issuer }],
    object_marking_refs: [TLP_MARKING_IDS.clear],
  };
}

function statusAfter(change: BulletinChange): "active" | "revoked" | "superseded" {
  return change.kind === "published" ? "active" : change.kind;
}

/** The objects of version `versionIndex` (0 = as published). */
export function stixVersion(
  history: BulletinHistory,
  versionIndex: number,
  options: StixMappingOptions = {},
): StixVersion {
  checkHistory(history);
  const hubName = options.hubName ?? DEFAULT_HUB_NAME;
  const { view } = history;
  const payload = view.bulletin;
  const tlp = exportTlp(payload.tlp);
  const count = stixVersionCount(history);
  if (!Number.isInteger(versionIndex) || versionIndex < 0 || versionIndex >= count) {
    throw new RangeError(
      `Bulletin ${view.id} has ${count} STIX versions, not ${versionIndex + 1}.`,
    );
  }
  const first = history.changes[0] as BulletinChange;
  const change = history.changes[versionIndex] as BulletinChange;
  const revoked = isWithdrawal(change.kind);
  const publisher = publisherIdentity(history, hubName);
  const marking = TLP_MARKING_IDS[tlp];
  const common = {
    spec_version: "2.1" as const,
    created_by_ref: publisher.id,
    created: utcTimestamp(first.at, 3),
    modified: utcTimestamp(change.at, 3),
    ...(revoked ? { revoked: true } : {}),
  };

  const scos = new Map<string, StixObject>();
  const indicators: StixObject[] = [];
  const relationships: StixObject[] = [];
  payload.indicators.forEach((indicator, index) => {
    const observable = observableOf(indicator);
    scos.set(observable.sco.id, { ...observable.sco, object_marking_refs: [marking] });
    const indicatorId = stixIds.indicator(view.id, index);
    indicators.push({
      type: "indicator",
      ...common,
      id: indicatorId,
      name: observable.name,
      description: `Indicator ${index + 1} of Cordon bulletin ${view.id}: ${payload.title}`,
      indicator_types: ["malicious-activity"],
      pattern: observable.pattern,
      pattern_type: "stix",
      pattern_version: "2.1",
      valid_from: utcTimestamp(payload.issued_at),
      ...(payload.valid_until ? { valid_until: utcTimestamp(payload.valid_until) } : {}),
      confidence: payload.confidence,
      labels: observable.labels,
      object_marking_refs: [marking],
      ...(observable.openctiType === undefined
        ? {}
        : { x_opencti_main_observable_type: observable.openctiType }),
      x_opencti_score: payload.confidence,
    });
    relationships.push({
      type: "relationship",
      ...common,
      id: stixIds.basedOn(view.id, index),
      relationship_type: "based-on",
      source_ref: indicatorId,
      target_ref: observable.sco.id,
      object_marking_refs: [marking],
    });
  });

  const references = (payload.references ?? []).map((reference) => ({
    source_name: "cordon-reference",
    description: reference,
  }));
  const audience = payload.audience ?? [];
  const extension: Record<string, unknown> = {
    extension_type: "property-extension",
    bulletin_id: view.id,
    issuer: view.issuer,
    jws: view.jws,
    content_sha256: view.content_sha256,
    receipt: view.receipt,
    received_at: view.received_at,
    tlp,
    ...(audience.length > 0 ? { audience } : {}),
    status: statusAfter(change),
    change_seq: change.seq,
    change_kind: change.kind,
    change_at: change.at,
    change_receipt: change.receipt,
    ...(change.kind === "revoked" && view.revocation !== undefined
      ? { revocation_reason: view.revocation.reason, revoked_at: view.revocation.revoked_at }
      : {}),
    ...(change.kind === "superseded" && history.superseded_by !== undefined
      ? { superseded_by: history.superseded_by }
      : {}),
    ...(payload.supersedes ? { supersedes: payload.supersedes } : {}),
  };
  const report: StixObject = {
    type: "report",
    ...common,
    id: stixIds.report(view.id),
    name: payload.title,
    ...(payload.summary ? { description: payload.summary } : {}),
    report_types: ["indicator"],
    published: utcTimestamp(payload.issued_at),
    object_refs: [
      ...indicators.map((o) => o.id),
      ...scos.keys(),
      ...relationships.map((o) => o.id),
    ],
    confidence: payload.confidence,
    labels: [payload.category],
    external_references: [{ source_name: "cordon", external_id: view.id }, ...references],
    object_marking_refs: [marking],
    extensions: { [BULLETIN_EXTENSION_ID]: extension },
  };

  const shared: StixObject[] = [
    hubIdentity(hubName),
    tlpMarking("clear"),
    ...(tlp === "clear" ? [] : [tlpMarking(tlp)]),
    ...cordonExtensionDefinitions(hubName),
    publisher,
    ...scos.values(),
  ];
  return {
    change,
    own: [report, ...indicators, ...relationships],
    shared,
    derived: derivedFrom(history, options, report, indicators, common, marking),
  };
}

/**
 * `derived-from` relationships from this bulletin to the one it supersedes: report
 * to report, and each indicator to the predecessor's indicator of the same
 * normalised value. None without a visible (non-red) predecessor.
 */
function derivedFrom(
  history: BulletinHistory,
  options: StixMappingOptions,
  report: StixObject,
  indicators: readonly StixObject[],
  common: Record<string, unknown>,
  marking: string,
): StixObject[] {
  const predecessor = options.predecessor;
  const payload = history.view.bulletin;
  if (
    predecessor === undefined ||
    !payload.supersedes ||
    predecessor.view.id !== payload.supersedes ||
    predecessor.view.bulletin.tlp === "red"
  ) {
    return [];
  }
  const oldId = predecessor.view.id;
  const pairs: [string, string, "report" | number][] = [
    [report.id, stixIds.report(oldId), "report"],
  ];
  const oldIndexOf = new Map<string, number>();
  predecessor.view.bulletin.indicators.forEach((indicator, index) => {
    const check = checkIndicator(indicator);
    if (check.ok && !oldIndexOf.has(check.normalised)) oldIndexOf.set(check.normalised, index);
  });
  payload.indicators.forEach((indicator, index) => {
    const check = checkIndicator(indicator);
    const oldIndex = check.ok ? oldIndexOf.get(check.normalised) : undefined;
    const source = indicators[index];
    if (oldIndex !== undefined && source !== undefined) {
      pairs.push([source.id, stixIds.indicator(oldId, oldIndex), index]);
    }
  });
  return pairs.map(([source, target, slot]) => ({
    type: "relationship",
    ...common,
    spec_version: "2.1" as const,
    id: stixIds.derivedFrom(history.view.id, slot),
    relationship_type: "derived-from",
    source_ref: source,
    target_ref: target,
    object_marking_refs: [marking],
  }));
}

/**
 * Every version of every object the bulletin serves, as a TAXII collection lists
 * them: the bulletin's own objects once per version, shared objects once (added with
 * the first change), `derived-from` relationships marked with the predecessor they
 * need.
 */
export function stixRecords(
  history: BulletinHistory,
  options: StixMappingOptions = {},
): StixRecord[] {
  const records: StixRecord[] = [];
  const count = stixVersionCount(history);
  for (let index = 0; index < count; index++) {
    const version = stixVersion(history, index, options);
    const dateAdded = utcTimestamp(version.change.at);
    if (index === 0) {
      for (const object of version.shared) {
        records.push(record(object, dateAdded, "shared"));
      }
    }
    for (const object of version.own) records.push(record(object, dateAdded, "bulletin"));
    const predecessorId = history.view.bulletin.supersedes;
    for (const object of version.derived) {
      if (predecessorId)
        records.push({ ...record(object, dateAdded, "bulletin"), requires: predecessorId });
    }
  }
  return records;
}

function record(object: StixObject, dateAdded: string, scope: StixRecord["scope"]): StixRecord {
  const modified = typeof object.modified === "string" ? object.modified : undefined;
  return {
    id: object.id,
    type: object.type,
    version: modified ?? dateAdded,
    date_added: dateAdded,
    media_type: STIX_MEDIA_TYPE,
    object,
    scope,
  };
}

/**
 * One bulletin as one bundle, at its latest version. With a predecessor, the bundle
 * also holds the predecessor's own objects (latest version) and their SCOs, so that
 * every `derived-from` end is in the bundle.
 */
export function stixBundle(history: BulletinHistory, options: StixMappingOptions = {}): StixBundle {
  const latest = stixVersion(history, stixVersionCount(history) - 1, options);
  const objects = new Map<string, StixObject>();
  const add = (object: StixObject) => {
    if (!objects.has(object.id)) objects.set(object.id, object);
  };
  latest.shared.forEach(add);
  if (latest.derived.length > 0 && options.predecessor !== undefined) {
    const predecessor = options.predecessor;
    const old = stixVersion(predecessor, stixVersionCount(predecessor) - 1, {
      ...(options.hubName === undefined ? {} : { hubName: options.hubName }),
    });
    old.shared.forEach(add);
    old.own.forEach(add);
  }
  latest.own.forEach(add);
  latest.derived.forEach(add);
  return {
    type: "bundle",
    id: cordonId("bundle", {
      bulletin: history.view.id,
      modified: utcTimestamp(latest.change.at, 3),
    }),
    objects: [...objects.values()],
  };
}
