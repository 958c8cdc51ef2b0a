/**
 * Canonical bulletin ids (shared/bulletins/canonical-id.ts), as properties: the ids a
 * MISP event uuid and the STIX ids of a bulletin's objects are made of lead back to
 * the bulletin's canonical id and the object's slot; ids that differ only in the bits
 * those ids drop share a canonical id (so the hub refuses the second); others do not.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  bulletinObjectUuid,
  bulletinOfUuid,
  bulletinUuid,
  canonicalBulletinId,
  isUlid,
} from "../../../shared/bulletins/canonical-id.js";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const ulid = fc
  .tuple(
    fc.constantFrom(..."01234567"),
    fc.array(fc.constantFrom(...CROCKFORD), { minLength: 25, maxLength: 25 }),
  )
  .map(([first, rest]) => first + rest.join(""));
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("canonical bulletin ids", () => {
  it("lead back from an event uuid or an object's uuid to the bulletin and the slot", () => {
    fc.assert(
      fc.property(ulid, fc.integer({ min: 0, max: 4095 }), (id, slot) => {
        const canonical = canonicalBulletinId(id);
        expect(isUlid(canonical)).toBe(true);
        expect(canonicalBulletinId(canonical)).toBe(canonical);
        const object = bulletinObjectUuid(id, slot);
        expect(object).toMatch(UUID_V4);
        expect(bulletinOfUuid(object)).toEqual({ canonicalId: canonical, slot });
        const event = bulletinUuid(id);
        expect(event).toMatch(UUID_V4);
        expect(bulletinOfUuid(event)?.canonicalId).toBe(canonical);
        // The event uuid keeps the ULID's millisecond timestamp as its first six bytes.
        expect(event.replaceAll("-", "").slice(0, 12)).toBe(
          BigInt(
            `0x${[...id]
              .reduce((v, c) => (v << 5n) | BigInt(CROCKFORD.indexOf(c)), 0n)
              .toString(16)
              .padStart(32, "0")
              .slice(0, 12)}`,
          )
            .toString(16)
            .padStart(12, "0"),
        );
      }),
    );
  });

  it("makes twins of ids that differ only in the bits a uuid drops, and of no others", () => {
    fc.assert(
      fc.property(ulid, fc.integer({ min: 1, max: 15 }), (id, flip) => {
        // Character 10 holds bits 48–52: its top four are the uuid's version nibble.
        const chars = [...id];
        const value = CROCKFORD.indexOf(chars[10] as string);
        chars[10] = CROCKFORD[value ^ (flip << 1)] as string;
        const twin = chars.join("");
        expect(canonicalBulletinId(twin)).toBe(canonicalBulletinId(id));
        expect(bulletinUuid(twin)).toBe(bulletinUuid(id));
      }),
    );
    fc.assert(
      fc.property(ulid, ulid, (a, b) => {
        fc.pre(a !== b);
        const keeps = (id: string) =>
          [...id].filter((_, i) => ![10, 13, 23, 24, 25].includes(i)).join("");
        fc.pre(keeps(a) !== keeps(b));
        expect(canonicalBulletinId(a)).not.toBe(canonicalBulletinId(b));
      }),
    );
  });

  it("answers anything that is not a ULID or such a uuid as it is, or not at all", () => {
    expect(canonicalBulletinId("not-an-id")).toBe("not-an-id");
    expect(bulletinOfUuid("00000000-0000-5000-8000-000000000000")).toBeUndefined();
    expect(bulletinOfUuid("nope")).toBeUndefined();
    expect(() => bulletinObjectUuid("01JDX3Q8Z6V2M4N5P6R7S8T9VW", 4096)).toThrow(RangeError);
  });
});
