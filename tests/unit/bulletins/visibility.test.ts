import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TLPS } from "../../../shared/bulletins/schema.js";
import { isVisibleTo } from "../../../shared/bulletins/visibility.js";
import { ROLES, type Role } from "../../../shared/orgs/types.js";

const orgId = fc.constantFrom("trm", "binance", "kraken", "nbt-fmd", "chainalysis", "hub-admin");
const roles = fc.subarray([...ROLES] as Role[]);
const viewer = fc.record({ id: orgId, roles });
const bulletin = fc.record({
  issuer: orgId,
  tlp: fc.constantFrom(...TLPS),
  recipients: fc.uniqueArray(orgId, { maxLength: 4 }),
});

describe("isVisibleTo (property)", () => {
  it("an admin sees nothing, whatever the bulletin", () => {
    fc.assert(
      fc.property(bulletin, orgId, roles, (b, id, others) => {
        expect(isVisibleTo(b, { id, roles: ["admin", ...others] })).toBe(false);
      }),
    );
  });

  it("a non-admin sees exactly: its own, clear and green, and those it is a recipient of", () => {
    fc.assert(
      fc.property(bulletin, viewer, (b, v) => {
        fc.pre(!v.roles.includes("admin"));
        const expected =
          b.issuer === v.id ||
          b.tlp === "clear" ||
          b.tlp === "green" ||
          b.recipients.includes(v.id);
        expect(isVisibleTo(b, v)).toBe(expected);
      }),
    );
  });

  it("restricted TLPs are never visible to a non-recipient who is not the issuer", () => {
    fc.assert(
      fc.property(bulletin, viewer, (b, v) => {
        fc.pre(
          ["amber", "amber+strict", "red"].includes(b.tlp) &&
            b.issuer !== v.id &&
            !b.recipients.includes(v.id),
        );
        expect(isVisibleTo(b, v)).toBe(false);
      }),
    );
  });

  it("does not depend on roles other than admin", () => {
    fc.assert(
      fc.property(bulletin, orgId, roles, roles, (b, id, r1, r2) => {
        const withoutAdmin = (r: Role[]) => r.filter((role) => role !== "admin");
        expect(isVisibleTo(b, { id, roles: withoutAdmin(r1) })).toBe(
          isVisibleTo(b, { id, roles: withoutAdmin(r2) }),
        );
      }),
    );
  });
});
