/**
 * C2SP tlog-tiles entry bundles: consecutive leaf data, each as a big-endian uint16
 * length followed by that many bytes. Cordon's leaves are 32-byte receipt digests, so a
 * full bundle is 256 × 34 bytes.
 */

import { LogError } from "./errors.js";
import { TILE_WIDTH } from "./tiles.js";

/** The longest entry a uint16 length can announce. */
export const MAX_ENTRY_BYTES = 0xffff;

export function encodeEntryBundle(entries: readonly Uint8Array[]): Uint8Array {
  if (entries.length > TILE_WIDTH) {
    throw new LogError("ERR_LOG_ARGUMENT", `A bundle holds at most ${TILE_WIDTH} entries.`);
  }
  let length = 0;
  for (const entry of entries) {
    if (entry.length > MAX_ENTRY_BYTES) {
      throw new LogError("ERR_LOG_ARGUMENT", `A log entry is at most ${MAX_ENTRY_BYTES} bytes.`);
    }
    length += 2 + entry.length;
  }
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const entry of entries) {
    bytes[at] = entry.length >>> 8;
    bytes[at + 1] = entry.length & 0xff;
    bytes.set(entry, at + 2);
    at += 2 + entry.length;
  }
  return bytes;
}

/** Splits a bundle into its entries; refuses a truncated entry or more than 256. */
export function decodeEntryBundle(bytes: Uint8Array): Uint8Array[] {
  const entries: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + 2 > bytes.length || entries.length === TILE_WIDTH) {
      throw new LogError("ERR_LOG_TILE_INVALID", "The entry bundle is malformed.");
    }
    const length = ((bytes[at] as number) << 8) | (bytes[at + 1] as number);
    const end = at + 2 + length;
    if (end > bytes.length) {
      throw new LogError("ERR_LOG_TILE_INVALID", "The entry bundle ends inside an entry.");
    }
    entries.push(bytes.subarray(at + 2, end));
    at = end;
  }
  return entries;
}
