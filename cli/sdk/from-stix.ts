/**
 * `bulletinFromStix`: a STIX 2.1 bundle (or a TAXII envelope) to a bulletin draft.
 * Indicators with STIX patterns of the forms Cordon reads, and observables Cordon
 * has an indicator type for, become indicators, checked and normalised with the
 * hub's rules; the first report gives the title, summary, category (a label), TLP (a
 * marking), confidence and references. Everything else is listed in `unmapped`.
 * Browser-safe: no Node built-ins.
 */
import type { Category, Tlp } from "../../shared/bulletins/schema.js";
import { InteropError, PatternError } from "../../shared/interop/errors.js";
import {
  BULLETIN_EXTENSION_ID,
  TRANSACTION_SCO_TYPE,
  WALLET_SCO_TYPE,
} from "../../shared/interop/stix/extensions.js";
import { tlpOfMarking } from "../../shared/interop/stix/markings.js";
import { indicatorOfObservation, observationOfSco } from "../../shared/interop/stix/observables.js";
import { parsePattern } from "../../shared/interop/stix/pattern.js";
import {
  categoryNamed,
  DraftBuilder,
  type ImportOptions,
  type ImportResult,
  isRecord,
  pointerSegment,
} from "./import-draft.js";

const RESTRICTION: Readonly<Record<Tlp, number>> = {
  clear: 0,
  green: 1,
  amber: 2,
  "amber+strict": 3,
  red: 4,
};

/** Objects that only give structure to others: read where needed, never content. */
const STRUCTURAL_TYPES = new Set([
  "identity",
  "marking-definition",
  "extension-definition",
  "language-content",
]);
const READ_SCO_TYPES = new Set([
  WALLET_SCO_TYPE,
  TRANSACTION_SCO_TYPE,
  "url",
  "email-addr",
  "user-account",
]);
const READ_RELATIONSHIPS = new Set(["based-on", "derived-from", "indicates", "related-to"]);
/** Labels Cordon writes on its own indicators; read as hints, not content. */
const HINT_LABEL = /^(chain|platform|asset|role):/;

function stringsOf(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((item): item is string => typeof item === "string")
    : [];
}

export function bulletinFromStix(source: unknown, options: ImportOptions = {}): ImportResult {
  if (!isRecord(source) || !Array.isArray(source.objects)) {
    throw new InteropError(
      "ERR_INTEROP_INPUT",
      "Not a STIX bundle: expected an object with an `objects` array (a bundle or a TAXII envelope).",
    );
  }
  const objects: unknown[] = source.objects;
  const builder = new DraftBuilder();
  const byId = new Map<string, Record<string, unknown>>();
  for (const object of objects) {
    if (isRecord(object) && typeof object.id === "string") byId.set(object.id, object);
  }
  const tlps: Tlp[] = [];
  const confidences: number[] = [];
  const validUntil = new Set<string>();
  const categories: Category[] = [];
  const mappedIds = new Set<string>();
  let report: Record<string, unknown> | undefined;

  // SCOs an indicator is based on are read through that indicator.
  const basedOn = new Map<string, string[]>();
  for (const object of objects) {
    if (
      !isRecord(object) ||
      object.type !== "relationship" ||
      object.relationship_type !== "based-on"
    )
      continue;
    if (typeof object.source_ref !== "string" || typeof object.target_ref !== "string") continue;
    basedOn.set(object.target_ref, [...(basedOn.get(object.target_ref) ?? []), object.source_ref]);
  }
  const revokedIds = new Set<string>();
  const scos: [Record<string, unknown>, string][] = [];

  objects.forEach((object, index) => {
    const path = `/objects/${index}`;
    if (!isRecord(object) || typeof object.type !== "string") {
      builder.skip(path, "Not a STIX object (no type).");
      return;
    }
    const type = object.type;
    if (type === "report") {
      if (report === undefined) {
        report = object;
        readReport(builder, object, path, byId, tlps);
        if (typeof object.id === "string") mappedIds.add(object.id);
      } else {
        builder.skip(path, "Only the first report is read: one bulletin is made of one report.");
      }
    } else if (type === "indicator") {
      if (object.revoked === true && typeof object.id === "string") revokedIds.add(object.id);
      const facts = { tlps, confidences, validUntil, categories };
      if (readIndicator(builder, object, path, facts) && typeof object.id === "string") {
        mappedIds.add(object.id);
      }
    } else if (READ_SCO_TYPES.has(type)) {
      scos.push([object, path]);
    } else if (!STRUCTURAL_TYPES.has(type) && type !== "relationship") {
      builder.skip(path, `Cordon bulletins carry no ${type} objects.`);
    }
  });

  for (const [sco, path] of scos) {
    const id = typeof sco.id === "string" ? sco.id : "";
    const sources = basedOn.get(id) ?? [];
    if (sources.some((source) => mappedIds.has(source))) {
      mappedIds.add(id);
      continue;
    }
    if (sources.length > 0 && sources.every((source) => revokedIds.has(source))) {
      builder.skip(path, "The observable belongs to a revoked indicator.");
      continue;
    }
    const observation = observationOfSco(sco);
    const result = observation === undefined ? undefined : indicatorOfObservation(observation);
    if (result?.ok === true) {
      builder.indicator(path, result.indicator, result.normalised);
      mappedIds.add(id);
    } else {
      builder.skip(
        path,
        result?.reason ?? `The ${String(sco.type)} has none of the properties Cordon reads.`,
      );
    }
  }

  // Relationships between mapped objects are the structure of what was mapped.
  objects.forEach((object, index) => {
    if (!isRecord(object) || object.type !== "relationship") return;
    const ends = [object.source_ref, object.target_ref];
    const mapped = ends.every(
      (end) => typeof end === "string" && (mappedIds.has(end) || !byId.has(end)),
    );
    if (!READ_RELATIONSHIPS.has(String(object.relationship_type)) || !mapped) {
      builder.skip(
        `/objects/${index}`,
        `A ${String(object.relationship_type)} relationship is not carried by a bulletin.`,
      );
    }
  });

  const draft = builder.draft;
  if (draft.tlp === undefined && tlps.length > 0) {
    draft.tlp = tlps.reduce((a, b) => (RESTRICTION[b] > RESTRICTION[a] ? b : a));
  }
  if (draft.category === undefined && categories[0] !== undefined) draft.category = categories[0];
  if (draft.confidence === undefined && confidences.length > 0)
    draft.confidence = Math.max(...confidences);
  if (validUntil.size > 0) {
    const latest = [...validUntil].sort((a, b) => Date.parse(a) - Date.parse(b)).at(-1);
    if (latest !== undefined) draft.valid_until = latest;
    if (validUntil.size > 1) {
      builder.skip("", "The indicators have different valid_until; the bulletin takes the latest.");
    }
  }
  return builder.finish(options);
}

function readReport(
  builder: DraftBuilder,
  report: Record<string, unknown>,
  path: string,
  byId: Map<string, Record<string, unknown>>,
  tlps: Tlp[],
): void {
  const draft = builder.draft;
  if (typeof report.name === "string") draft.title = report.name;
  if (typeof report.description === "string" && report.description !== "")
    draft.summary = report.description;
  if (typeof report.confidence === "number") draft.confidence = report.confidence;
  stringsOf(report.labels).forEach((label, index) => {
    const category = categoryNamed(label);
    if (category !== undefined && draft.category === undefined) draft.category = category;
    else
      builder.skip(
        `${path}/labels/${index}`,
        `The label "${label}" is not carried (only a category is).`,
      );
  });
  const reportTlps = markingTlps(builder, report, path);
  if (reportTlps.length > 0) {
    draft.tlp = reportTlps.reduce((a, b) => (RESTRICTION[b] > RESTRICTION[a] ? b : a));
  }
  tlps.push(...reportTlps);
  const references = Array.isArray(report.external_references) ? report.external_references : [];
  references.forEach((reference: unknown, index) => {
    const at = `${path}/external_references/${index}`;
    if (!isRecord(reference)) {
      builder.skip(at, "Not an external reference.");
      return;
    }
    const source = String(reference.source_name ?? "");
    const detail = reference.external_id ?? reference.url ?? reference.description;
    if (source === "cordon-reference" && typeof reference.description === "string") {
      builder.reference(at, reference.description);
    } else if (typeof detail === "string") {
      builder.reference(at, `${source}:${detail}`);
    } else {
      builder.skip(at, "An external reference without an id, url or description.");
    }
  });
  const extension = isRecord(report.extensions)
    ? report.extensions[BULLETIN_EXTENSION_ID]
    : undefined;
  if (isRecord(extension) && typeof extension.bulletin_id === "string") {
    builder.reference(`${path}/extensions`, `cordon:${extension.bulletin_id}`);
  }
  if (typeof report.created_by_ref === "string") {
    const author = byId.get(report.created_by_ref);
    const name = typeof author?.name === "string" ? ` (${author.name})` : "";
    builder.skip(
      `${path}/created_by_ref`,
      `The original author${name} is not carried: the bulletin is published and signed by you.`,
    );
  }
}

function markingTlps(builder: DraftBuilder, object: Record<string, unknown>, path: string): Tlp[] {
  const found: Tlp[] = [];
  stringsOf(object.object_marking_refs).forEach((ref, index) => {
    const tlp = tlpOfMarking(ref);
    if (tlp === undefined) {
      builder.skip(
        `${path}/object_marking_refs/${index}`,
        "A marking other than TLP is not carried.",
      );
    } else {
      found.push(tlp);
    }
  });
  return found;
}

/** True when at least one indicator came out of it. */
interface IndicatorFacts {
  tlps: Tlp[];
  confidences: number[];
  validUntil: Set<string>;
  categories: Category[];
}

function readIndicator(
  builder: DraftBuilder,
  indicator: Record<string, unknown>,
  path: string,
  facts: IndicatorFacts,
): boolean {
  if (indicator.revoked === true) {
    builder.skip(path, "The indicator is revoked.");
    return false;
  }
  if (indicator.pattern_type !== "stix" || typeof indicator.pattern !== "string") {
    builder.skip(
      `${path}/pattern_type`,
      `Only STIX patterns are read, not ${String(indicator.pattern_type)}.`,
    );
    return false;
  }
  let observations: ReturnType<typeof parsePattern>;
  try {
    observations = parsePattern(indicator.pattern);
  } catch (error) {
    if (!(error instanceof PatternError)) throw error;
    builder.skip(`${path}/pattern`, `${error.message} (at character ${error.offset})`);
    return false;
  }
  const labels = stringsOf(indicator.labels);
  let mapped = false;
  observations.forEach((observation) => {
    const result = indicatorOfObservation(observation, { labels });
    if (result.ok) {
      builder.indicator(`${path}/pattern`, result.indicator, result.normalised);
      mapped = true;
    } else {
      builder.skip(`${path}/pattern`, result.reason);
    }
  });
  if (!mapped) return false;
  facts.tlps.push(...markingTlps(builder, indicator, path));
  if (typeof indicator.confidence === "number") facts.confidences.push(indicator.confidence);
  if (typeof indicator.valid_until === "string") facts.validUntil.add(indicator.valid_until);
  labels.forEach((label, index) => {
    const category = categoryNamed(label);
    if (category !== undefined) facts.categories.push(category);
    else if (!HINT_LABEL.test(label)) {
      builder.skip(
        `${path}/labels/${pointerSegment(index)}`,
        `The label "${label}" is not carried.`,
      );
    }
  });
  if (indicator.kill_chain_phases !== undefined) {
    builder.skip(`${path}/kill_chain_phases`, "Kill chain phases are not carried.");
  }
  return true;
}
