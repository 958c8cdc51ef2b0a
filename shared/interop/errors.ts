/**
 * Errors of the interop module (STIX, MISP and CSV mappings, and the importers). One
 * base class with a stable `code`; a caller (the TAXII routes, the CLI) switches on
 * the code, never on the message.
 */

export type InteropErrorCode =
  /** TLP:RED content never leaves the hub through STIX, TAXII, MISP or CSV (DESIGN §11). */
  | "ERR_INTEROP_TLP_RED"
  /** A bulletin history breaks DESIGN §10: no first `published` change, or `at` not increasing. */
  | "ERR_INTEROP_HISTORY"
  /** A STIX pattern outside the forms Cordon reads. */
  | "ERR_INTEROP_PATTERN"
  /** An import input that is not a STIX bundle or a MISP event at all. */
  | "ERR_INTEROP_INPUT";

export class InteropError extends Error {
  override name = "InteropError";
  readonly code: InteropErrorCode;

  constructor(code: InteropErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** A STIX pattern Cordon cannot read; `offset` is where in the pattern it stopped. */
export class PatternError extends InteropError {
  override name = "PatternError";
  readonly offset: number;

  constructor(message: string, offset: number) {
    super("ERR_INTEROP_PATTERN", message);
    this.offset = offset;
  }
}
