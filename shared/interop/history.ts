/**
 * What every interop mapping reads: a bulletin with its history of changes (DESIGN
 * §10), as the hub hands it to exports. The mappings are pure functions of this
 * value, so the hub (TAXII, MISP feed) and the CLI (file exports) produce the same
 * objects for the same history.
 */
import type { BulletinView } from "../bulletins/wire.js";
import { InteropError } from "./errors.js";

export const CHANGE_KINDS = ["published", "revoked", "superseded"] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** One change of a bulletin (DESIGN §10). */
export interface BulletinChange {
  seq: number;
  kind: ChangeKind;
  /** RFC 3339 with microseconds; strictly increasing along a history. */
  at: string;
  /** The change's hub receipt (compact JWS). */
  receipt: string;
}

/** A bulletin with its history, as the hub will hand it to exports. */
export interface BulletinHistory {
  /** The bulletin as it stands now (payload, JWS, receipt, status, revocation). */
  view: BulletinView;
  /** The publishing organisation's display name. */
  issuer_name: string;
  /** Id of the successor, when superseded. */
  superseded_by?: string;
  /** Oldest first; `published` always first. */
  changes: BulletinChange[];
}

/** A change that withdraws the bulletin: its objects are revoked from then on. */
export function isWithdrawal(kind: ChangeKind): boolean {
  return kind !== "published";
}

/**
 * Checks the promises of DESIGN §10 that the mappings rely on: at least one change,
 * `published` first and only first, `at` strictly increasing. Throws
 * `ERR_INTEROP_HISTORY` otherwise: a mapping of a broken history would publish
 * versions that contradict each other.
 */
export function checkHistory(history: BulletinHistory): void {
  const { changes } = history;
  const first = changes[0];
  if (first === undefined || first.kind !== "published") {
    throw new InteropError(
      "ERR_INTEROP_HISTORY",
      `Bulletin ${history.view.id}: its history must start with its "published" change.`,
    );
  }
  for (let index = 1; index < changes.length; index++) {
    const change = changes[index] as BulletinChange;
    const before = changes[index - 1] as BulletinChange;
    if (change.kind === "published") {
      throw new InteropError(
        "ERR_INTEROP_HISTORY",
        `Bulletin ${history.view.id}: "published" can only be its first change.`,
      );
    }
    if (!(compareTimestamps(change.at, before.at) > 0)) {
      throw new InteropError(
        "ERR_INTEROP_HISTORY",
        `Bulletin ${history.view.id}: change ${change.seq} is not later than change ${before.seq}.`,
      );
    }
  }
}

/**
 * Compares two RFC 3339 timestamps exactly, sub-millisecond digits included (Date
 * keeps milliseconds only, and changes may be microseconds apart).
 */
export function compareTimestamps(a: string, b: string): number {
  const x = exactInstant(a);
  const y = exactInstant(b);
  if (x.millis !== y.millis) return x.millis < y.millis ? -1 : 1;
  return x.fraction < y.fraction ? -1 : x.fraction > y.fraction ? 1 : 0;
}

const RFC3339 =
  /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$/;

interface ExactInstant {
  /** Milliseconds since the epoch of the whole second. */
  millis: number;
  /** Fractional digits after the decimal point as written, "" for none. */
  digits: string;
  /** The same without trailing zeros, for comparing. */
  fraction: string;
}

function exactInstant(timestamp: string): ExactInstant {
  const match = RFC3339.exec(timestamp);
  if (match === null) {
    throw new InteropError("ERR_INTEROP_HISTORY", `Not an RFC 3339 timestamp: ${timestamp}.`);
  }
  const [, date = "", hours = "", minutes = "", seconds = "", fraction = "", zone = ""] = match;
  const whole = Date.parse(`${date}T${hours}:${minutes}:${seconds}${zone.toUpperCase()}`);
  if (Number.isNaN(whole)) {
    throw new InteropError("ERR_INTEROP_HISTORY", `Not an RFC 3339 timestamp: ${timestamp}.`);
  }
  return { millis: whole, digits: fraction, fraction: fraction.replace(/0+$/, "") };
}

/**
 * The same instant as a STIX timestamp: UTC with `Z`, the fractional digits kept as
 * written (STIX wants `Z`; Date would cut microseconds). `minFractionDigits` pads the
 * fraction, for the properties STIX wants to the millisecond (`created`, `modified`).
 */
export function utcTimestamp(timestamp: string, minFractionDigits = 0): string {
  const instant = exactInstant(timestamp);
  const whole = new Date(instant.millis).toISOString().slice(0, 19);
  const digits = instant.digits.padEnd(minFractionDigits, "0");
  return digits === "" ? `${whole}Z` : `${whole}.${digits}Z`;
}

/** Whole seconds since the epoch (MISP's timestamps). */
export function epochSeconds(timestamp: string): number {
  return Math.floor(exactInstant(timestamp).millis / 1000);
}
