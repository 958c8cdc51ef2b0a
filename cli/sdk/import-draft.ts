/**
 * What the importers (`bulletinFromStix`, `bulletinFromMisp`) answer: a bulletin draft
 * — the payload of DESIGN §4 without what publishing fills (`id`, `issuer`,
 * `issued_at`), and without whatever the source did not say — plus the list of
 * everything in the source that was not mapped, each with its JSON pointer and why.
 * Nothing is dropped silently; the draft is checked by `completeBulletin` as any
 * other before it is signed.
 */
import type { Category } from "../../shared/bulletins/schema.js";
import type { Indicator } from "../../shared/indicators/types.js";
import type { BulletinDraft } from "./types.js";

/** A draft as far as the source tells: every member but `indicators` may be missing. */
export type ImportedDraft = Partial<BulletinDraft> & { indicators: Indicator[] };

export interface Unmapped {
  /** JSON pointer (RFC 6901) into the source document. */
  path: string;
  reason: string;
}

export interface ImportResult {
  draft: ImportedDraft;
  unmapped: Unmapped[];
}

export interface ImportOptions {
  /**
   * Members that replace what the source says (or fill what it leaves out): a TLP
   * and audience the source cannot know, a category or confidence it does not carry.
   */
  overrides?: Partial<Omit<BulletinDraft, "indicators">>;
}

/**
 * The bulletin schema's limits and categories, restated: its module reaches
 * `node:crypto` (through the organisation schema), and the importers must run in a
 * browser. The types below make the compiler refuse any drift from the schema.
 */
const MAX_INDICATORS: typeof import("../../shared/bulletins/schema.js").MAX_INDICATORS = 1000;
const CATEGORY_NAMES: Readonly<Record<Category, true>> = {
  terrorist_financing: true,
  sanctions: true,
  ransomware: true,
  scam: true,
  hack_theft: true,
  darknet_market: true,
  fraud: true,
  csam: true,
  other: true,
};
const MAX_REFERENCES = 50;
const MAX_REFERENCE_LENGTH = 256;

/** One JSON pointer segment (RFC 6901). */
export function pointerSegment(segment: string | number): string {
  return String(segment).replace(/~/g, "~0").replace(/\//g, "~1");
}

/** A Cordon category from a label or tag value (`terrorist-financing` too), if it is one. */
export function categoryNamed(value: string): Category | undefined {
  const name = value.trim().toLowerCase().replace(/-/g, "_");
  return Object.hasOwn(CATEGORY_NAMES, name) ? (name as Category) : undefined;
}

/** Collects a draft as an importer walks its source. */
export class DraftBuilder {
  readonly draft: ImportedDraft = { indicators: [] };
  readonly unmapped: Unmapped[] = [];
  private readonly seen = new Set<string>();
  private readonly references = new Set<string>();
  /** Set when the source says its indicators were withdrawn: each is listed, not taken. */
  withdrawn: string | undefined;

  skip(path: string, reason: string): void {
    this.unmapped.push({ path, reason });
  }

  /** Adds an indicator unless an equal one (same normalised form) is already there. */
  indicator(path: string, indicator: Indicator, normalised: string): void {
    if (this.withdrawn !== undefined) {
      this.skip(path, this.withdrawn);
      return;
    }
    if (this.seen.has(normalised)) return;
    if (this.draft.indicators.length >= MAX_INDICATORS) {
      this.skip(path, `A bulletin names at most ${MAX_INDICATORS} indicators.`);
      return;
    }
    this.seen.add(normalised);
    this.draft.indicators.push(indicator);
  }

  reference(path: string, text: string): void {
    const reference = text.trim();
    if (reference === "" || this.references.has(reference)) return;
    if (reference.length > MAX_REFERENCE_LENGTH) {
      this.skip(path, `A reference is at most ${MAX_REFERENCE_LENGTH} characters.`);
    } else if (this.references.size >= MAX_REFERENCES) {
      this.skip(path, `A bulletin has at most ${MAX_REFERENCES} references.`);
    } else {
      this.references.add(reference);
    }
  }

  /** The draft with references and overrides applied, members in the payload's order. */
  finish(options: ImportOptions): ImportResult {
    const merged: ImportedDraft = { ...this.draft, ...(options.overrides ?? {}) };
    if (this.references.size > 0 && merged.references === undefined) {
      merged.references = [...this.references];
    }
    const ordered: Record<string, unknown> = {};
    for (const key of [
      "title",
      "summary",
      "category",
      "tlp",
      "audience",
      "confidence",
      "valid_until",
      "supersedes",
      "indicators",
      "references",
    ] as const) {
      if (merged[key] !== undefined) ordered[key] = merged[key];
    }
    return { draft: ordered as ImportedDraft, unmapped: this.unmapped };
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
