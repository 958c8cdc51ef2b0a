import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { matchesFilter } from "../../../shared/subscriptions/filter.js";

const bulletin = {
  category: "terrorist_financing" as const,
  chains: ["tron" as const, "ethereum" as const],
  indicator_types: ["crypto_address" as const, "telegram_channel" as const],
  issuer: "trm",
  confidence: 85,
};

describe("subscription filters", () => {
  it("an empty filter matches everything", () => {
    expect(matchesFilter({}, bulletin)).toBe(true);
  });

  it("ORs within a list and ANDs across fields", () => {
    expect(matchesFilter({ categories: ["ransomware", "terrorist_financing"] }, bulletin)).toBe(
      true,
    );
    expect(matchesFilter({ categories: ["ransomware"] }, bulletin)).toBe(false);
    expect(
      matchesFilter({ categories: ["terrorist_financing"], issuers: ["chainalysis"] }, bulletin),
    ).toBe(false);
    expect(
      matchesFilter(
        { chains: ["bitcoin", "tron"], indicator_types: ["tx_hash", "telegram_channel"] },
        bulletin,
      ),
    ).toBe(true);
  });

  it("treats min_confidence as inclusive", () => {
    expect(matchesFilter({ min_confidence: 85 }, bulletin)).toBe(true);
    expect(matchesFilter({ min_confidence: 86 }, bulletin)).toBe(false);
  });

  it("adding a constraint never widens what matches (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 100 }),
        (min, confidence) => {
          const b = { ...bulletin, confidence };
          if (matchesFilter({ min_confidence: min, issuers: ["trm"] }, b))
            expect(matchesFilter({ issuers: ["trm"] }, b)).toBe(true);
        },
      ),
    );
  });
});
