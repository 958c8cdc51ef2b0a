/**
 * Errors of the indicators module. The per-family `validate` functions answer with a
 * result and never throw; `normalise` throws an `IndicatorError` carrying the same
 * stable `code` and a JSON pointer relative to the indicator object (`/address`), so
 * a caller can name the bad member in a 422 without parsing message text.
 */
import type { IndicatorErrorCode, ValueFailure, ValueResult } from "./types.js";

export class IndicatorError extends Error {
  override name = "IndicatorError";
  readonly code: IndicatorErrorCode;
  /** JSON pointer (RFC 6901) relative to the indicator object; "" for the whole. */
  readonly pointer: string;

  constructor(code: IndicatorErrorCode, message: string, pointer: string) {
    super(message);
    this.code = code;
    this.pointer = pointer;
  }
}

export function refuse(code: IndicatorErrorCode, message: string): ValueFailure {
  return { ok: false, code, message };
}

export function accept(value: string): ValueResult {
  return { ok: true, value };
}

/** The thrown form of a result, for the `normalise` functions. */
export function valueOrThrow(result: ValueResult, pointer: string): string {
  if (result.ok) return result.value;
  throw new IndicatorError(result.code, result.message, pointer);
}
