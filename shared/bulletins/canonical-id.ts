/**
 * Which bulletin ids the hub keeps apart. A bulletin id is a ULID (128 bits), but the
 * ids other systems derive from it keep fewer: a MISP event uuid overwrites the six
 * version and variant bits (DESIGN §13), and a STIX id of one of the bulletin's own
 * objects (report, indicators, relationships) also gives its last twelve bits to the
 * object's slot in the bulletin, so that the id alone leads back to the bulletin.
 *
 * The hub therefore keys a bulletin by its **canonical id**: the ULID with those 18
 * bits cleared. Two ids with one canonical id are one bulletin to the store — the
 * second is refused at publication like a taken id — so a member can never craft an
 * id whose MISP event or STIX objects overwrite another's, and a MISP event uuid or a
 * STIX id finds its bulletin with one read. Pure and browser-safe.
 */

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const ULID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Bits 48–51 of the 128: a UUID's version nibble. */
const VERSION_BITS = 0xfn << 76n;
/** Bits 64–65: a UUID's variant. */
const VARIANT_BITS = 0x3n << 62n;
/** Bits 116–127: an object's slot in its bulletin (STIX ids). */
export const SLOT_BITS = 12;
const SLOT_MASK = (1n << BigInt(SLOT_BITS)) - 1n;
const CLEARED = VERSION_BITS | VARIANT_BITS | SLOT_MASK;
/** Version 4, variant `10`: what MISP (CakePHP) and the STIX schemas accept. */
const UUID_V4 = (0x4n << 76n) | (0x2n << 62n);

export function isUlid(value: string): boolean {
  return ULID.test(value);
}

/** The 128 bits of a ULID. */
export function ulidValue(ulid: string): bigint {
  if (!ULID.test(ulid)) throw new TypeError(`Not a ULID: ${ulid}`);
  let value = 0n;
  for (const char of ulid) value = (value << 5n) | BigInt(CROCKFORD.indexOf(char));
  return value;
}

function ulidOf(value: bigint): string {
  let text = "";
  let rest = value;
  for (let i = 0; i < 26; i++) {
    text = (CROCKFORD[Number(rest & 31n)] as string) + text;
    rest >>= 5n;
  }
  return text;
}

function uuidOf(value: bigint): string {
  const hex = value.toString(16).padStart(32, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The id the hub keys a bulletin by. Anything that is not a ULID is answered as it
 * is: no bulletin has such an id, so it finds none.
 */
export function canonicalBulletinId(id: string): string {
  return ULID.test(id) ? ulidOf(ulidValue(id) & ~CLEARED) : id;
}

/** The bulletin's 128 bits as a version-4 UUID (its MISP event uuid, DESIGN §13). */
export function bulletinUuid(id: string): string {
  return uuidOf((ulidValue(id) & ~(VERSION_BITS | VARIANT_BITS)) | UUID_V4);
}

/** The UUID of the object in slot `slot` of a bulletin (its canonical id, the slot, v4). */
export function bulletinObjectUuid(id: string, slot: number): string {
  if (!Number.isInteger(slot) || slot < 0 || slot > Number(SLOT_MASK)) {
    throw new RangeError(`No slot ${slot} in a bulletin.`);
  }
  return uuidOf((ulidValue(id) & ~CLEARED) | UUID_V4 | BigInt(slot));
}

/**
 * Where a version-4 UUID made by `bulletinUuid` or `bulletinObjectUuid` leads: the
 * canonical id of its bulletin and the low twelve bits (the slot). Undefined for
 * anything else.
 */
export function bulletinOfUuid(uuid: string): { canonicalId: string; slot: number } | undefined {
  const text = uuid.toLowerCase();
  if (!UUID.test(text)) return undefined;
  const value = BigInt(`0x${text.replaceAll("-", "")}`);
  if ((value & (VERSION_BITS | VARIANT_BITS)) !== UUID_V4) return undefined;
  return { canonicalId: ulidOf(value & ~CLEARED), slot: Number(value & SLOT_MASK) };
}
