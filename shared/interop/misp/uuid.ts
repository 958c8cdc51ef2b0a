/**
 * UUIDs in MISP events. MISP (CakePHP's `Validation::uuid`) accepts only RFC 4122
 * text with a version nibble 0–5 and variant bits `10` (or NCS `0`), so a ULID's
 * 128 bits cannot be used as they are: 91% of ULIDs would be refused.
 *
 * The event uuid is the ULID's 128 bits, big-endian, written as a UUID, with the
 * version nibble (bits 48–51) set to 4 and the variant bits (64–65) to `10`. Bytes
 * 0–5 are the ULID's millisecond timestamp unchanged, so events sort and read as the
 * bulletins do; the six overwritten bits are the first four and the 17th–18th bits
 * of the ULID's 80 random bits. Two ULIDs that differ only in those bits map to one
 * uuid: the hub must refuse a bulletin whose event uuid is already taken.
 *
 * Every other uuid (organisations, objects, attributes) is a UUIDv5 under Cordon's
 * namespace, of the JCS of what it names, so a re-export updates rather than adds.
 */
import { v5 as uuidv5 } from "uuid";
import { CORDON_NAMESPACE, jcs } from "../stix/ids.js";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const ULID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

/** The 16 bytes a ULID encodes (its first character carries 3 bits). */
export function ulidBytes(ulid: string): Uint8Array {
  if (!ULID.test(ulid)) throw new TypeError(`Not a ULID: ${ulid}`);
  let value = 0n;
  for (const char of ulid) value = (value << 5n) | BigInt(CROCKFORD.indexOf(char));
  const bytes = new Uint8Array(16);
  for (let index = 15; index >= 0; index--) {
    bytes[index] = Number(value & 0xffn);
    value >>= 8n;
  }
  return bytes;
}

/** The MISP event uuid of a bulletin (see the module comment for the bit mapping). */
export function mispEventUuid(bulletinId: string): string {
  const bytes = ulidBytes(bulletinId);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A stable uuid for a MISP organisation, object or attribute Cordon makes. */
export function mispUuid(key: Record<string, unknown>): string {
  return uuidv5(jcs({ misp: true, ...key }), CORDON_NAMESPACE);
}
