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
 * uuid: the hub refuses a bulletin whose event uuid is already taken (it keys bulletins
 * by shared/bulletins/canonical-id.ts, which keeps those bits apart).
 *
 * Every other uuid (organisations, objects, attributes) is a UUIDv5 under Cordon's
 * namespace, of the JCS of what it names, so a re-export updates rather than adds.
 */
import { v5 as uuidv5 } from "uuid";
import { bulletinUuid, ulidValue } from "../../bulletins/canonical-id.js";
import { CORDON_NAMESPACE, jcs } from "../stix/ids.js";

/** The 16 bytes a ULID encodes (its first character carries 3 bits). */
export function ulidBytes(ulid: string): Uint8Array {
  let value = ulidValue(ulid);
  const bytes = new Uint8Array(16);
  for (let index = 15; index >= 0; index--) {
    bytes[index] = Number(value & 0xffn);
    value >>= 8n;
  }
  return bytes;
}

/**
 * The MISP event uuid of a bulletin (see the module comment for the bit mapping). The
 * hub keys bulletins so that no two share one (shared/bulletins/canonical-id.ts).
 */
export function mispEventUuid(bulletinId: string): string {
  return bulletinUuid(bulletinId);
}

/** A stable uuid for a MISP organisation, object or attribute Cordon makes. */
export function mispUuid(key: Record<string, unknown>): string {
  return uuidv5(jcs({ misp: true, ...key }), CORDON_NAMESPACE);
}
