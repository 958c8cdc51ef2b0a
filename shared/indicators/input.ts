/**
 * How a raw string enters every family's check: bounded first, then trimmed. The
 * bound comes before anything else touches the string, so no decoder, regular
 * expression or case fold ever runs on an absurdly long input.
 */
import { accept, refuse } from "./errors.js";
import type { ValueResult } from "./types.js";

/**
 * Partners paste values from explorers, chats and spreadsheets, where surrounding
 * whitespace (a newline, a non-breaking space) carries no meaning; it is trimmed so
 * that the same value always normalises to the same string.
 */
export function boundedTrimmed(value: string, maxLength: number): ValueResult {
  if (value.length > maxLength) {
    return refuse("ERR_INDICATOR_TOO_LONG", `The value is longer than ${maxLength} characters.`);
  }
  const trimmed = value.trim();
  if (trimmed === "") return refuse("ERR_INDICATOR_FORMAT", "The value is empty.");
  return accept(trimmed);
}

/**
 * ASCII-only lower-casing. Unicode case folding can turn a look-alike into a
 * different, plain letter (the Kelvin sign K becomes "k"), so only A–Z are folded and
 * anything else is kept as given.
 */
export function asciiLower(value: string): string {
  return value.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}
