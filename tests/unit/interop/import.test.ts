/**
 * The importers (`bulletinFromStix`, `bulletinFromMisp`) and the pattern reader:
 * what Cordon exports comes back as the same indicators, TLP and category; what it
 * cannot carry is listed with its JSON pointer, never dropped.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bulletinFromMisp } from "../../../cli/sdk/from-misp.js";
import { bulletinFromStix } from "../../../cli/sdk/from-stix.js";
import { checkIndicator } from "../../../shared/indicators/indicator.js";
import type { Indicator } from "../../../shared/indicators/types.js";
import { PatternError } from "../../../shared/interop/errors.js";
import { mispEvent } from "../../../shared/interop/misp/index.js";
import { parsePattern, stixBundle } from "../../../shared/interop/stix/index.js";
import { historyArbitrary } from "../../interop/arbitraries.js";

function normalisedSet(indicators: readonly Indicator[]): string[] {
  return [
    ...new Set(
      indicators.map((indicator) => {
        const check = checkIndicator(indicator);
        if (!check.ok) throw new Error(check.error.message);
        return check.normalised;
      }),
    ),
  ].sort();
}

describe("round trips", () => {
  it("bulletin → STIX → draft gives back the same indicators, TLP and category", () => {
    fc.assert(
      fc.property(historyArbitrary(), (history) => {
        // Act
        const { draft, unmapped } = bulletinFromStix(stixBundle(history));
        // Assess
        const payload = history.view.bulletin;
        if (history.view.status !== "active") {
          // A withdrawn bulletin's indicators are revoked: listed, not imported.
          expect(draft.indicators).toEqual([]);
          expect(unmapped.some((u) => u.reason === "The indicator is revoked.")).toBe(true);
          return;
        }
        expect(normalisedSet(draft.indicators)).toEqual(normalisedSet(payload.indicators));
        expect(draft.tlp).toBe(payload.tlp);
        expect(draft.category).toBe(payload.category);
        expect(draft.title).toBe(payload.title);
        expect(draft.confidence).toBe(payload.confidence);
      }),
      { numRuns: 60 },
    );
  });

  it("bulletin → MISP event → draft gives back the same indicators, TLP and category", () => {
    fc.assert(
      fc.property(historyArbitrary(), (history) => {
        const { draft, unmapped } = bulletinFromMisp(
          JSON.parse(JSON.stringify(mispEvent(history))),
        );
        const payload = history.view.bulletin;
        expect(draft.tlp).toBe(payload.tlp);
        expect(draft.category).toBe(payload.category);
        if (history.view.status !== "active") {
          // A withdrawn event's indicators are listed, not imported.
          expect(draft.indicators).toEqual([]);
          expect(unmapped.some((u) => u.reason.includes("withdrew its indicators"))).toBe(true);
          return;
        }
        expect(normalisedSet(draft.indicators)).toEqual(normalisedSet(payload.indicators));
        expect(draft.tlp).toBe(payload.tlp);
        expect(draft.category).toBe(payload.category);
      }),
      { numRuns: 60 },
    );
  });
});

describe("bulletinFromStix on a bundle from elsewhere", () => {
  it("maps what it can and lists the rest with pointers", () => {
    // Prepare: an OpenCTI-style bundle with things Cordon has no place for.
    const bundle = {
      type: "bundle",
      id: "bundle--6b6b1c2e-2a3b-4c1d-9e8f-0a1b2c3d4e5f",
      objects: [
        {
          type: "report",
          spec_version: "2.1",
          id: "report--0f3a1b2c-3d4e-4f50-8a6b-7c8d9e0f1a2b",
          created_by_ref: "identity--5a8fc899-b09d-53fa-be2e-0bffb1d3ba2e",
          name: "Ransomware payments",
          labels: ["ransomware", "crimeware"],
          published: "2026-01-01T00:00:00Z",
          object_refs: ["indicator--1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"],
          object_marking_refs: ["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"],
        },
        {
          type: "indicator",
          spec_version: "2.1",
          id: "indicator--1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
          pattern:
            "[cryptocurrency-wallet:value = 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq'] OR [ipv4-addr:value = '198.51.100.7']",
          pattern_type: "stix",
          valid_from: "2026-01-01T00:00:00Z",
          kill_chain_phases: [{ kill_chain_name: "x", phase_name: "y" }],
        },
        {
          type: "indicator",
          spec_version: "2.1",
          id: "indicator--2a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
          pattern: "[url:value LIKE '%t.me%']",
          pattern_type: "stix",
          valid_from: "2026-01-01T00:00:00Z",
        },
        {
          type: "indicator",
          spec_version: "2.1",
          id: "indicator--3a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
          pattern: "alert tcp any any",
          pattern_type: "snort",
          valid_from: "2026-01-01T00:00:00Z",
        },
        {
          type: "malware",
          spec_version: "2.1",
          id: "malware--4a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
          name: "x",
          is_family: true,
        },
        {
          type: "url",
          spec_version: "2.1",
          id: "url--5a2b3c4d-5e6f-5a7b-8c9d-0e1f2a3b4c5d",
          value: "https://t.me/some_channel",
        },
        {
          type: "cryptocurrency-wallet",
          spec_version: "2.1",
          id: "cryptocurrency-wallet--6a2b3c4d-5e6f-5a7b-8c9d-0e1f2a3b4c5d",
          value: "0x52908400098527886E0F7030069857D2E4169EE7",
        },
      ],
    };
    // Act
    const { draft, unmapped } = bulletinFromStix(bundle);
    // Assess
    expect(draft).toMatchObject({
      title: "Ransomware payments",
      category: "ransomware",
      tlp: "green",
    });
    expect(normalisedSet(draft.indicators)).toEqual([
      "bitcoin:bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
      "telegram:some_channel",
    ]);
    const pointers = unmapped.map((u) => u.path);
    expect(pointers).toEqual(
      expect.arrayContaining([
        "/objects/0/labels/1",
        "/objects/0/created_by_ref",
        "/objects/1/pattern",
        "/objects/1/kill_chain_phases",
        "/objects/2/pattern",
        "/objects/3/pattern_type",
        "/objects/4",
        "/objects/6",
      ]),
    );
    expect(unmapped.find((u) => u.path === "/objects/2/pattern")?.reason).toMatch(/LIKE/);
    expect(unmapped.find((u) => u.path === "/objects/6")?.reason).toMatch(/chain/);
  });

  it("applies overrides over what the source says", () => {
    const { draft } = bulletinFromStix(stixBundleOfOne(), {
      overrides: { tlp: "amber", audience: ["binance"], confidence: 40 },
    });
    expect(draft).toMatchObject({ tlp: "amber", audience: ["binance"], confidence: 40 });
  });

  it("refuses what is not a bundle", () => {
    for (const input of [null, [], "x", { type: "bundle" }]) {
      expect(() => bulletinFromStix(input)).toThrow(
        expect.objectContaining({ code: "ERR_INTEROP_INPUT" }),
      );
    }
  });
});

function stixBundleOfOne() {
  return {
    type: "bundle",
    objects: [
      {
        type: "url",
        spec_version: "2.1",
        id: "url--5a2b3c4d-5e6f-5a7b-8c9d-0e1f2a3b4c5d",
        value: "https://example.com/a",
      },
    ],
  };
}

describe("bulletinFromMisp on an event from elsewhere", () => {
  it("maps objects and attributes and lists the rest", () => {
    const event = {
      Event: {
        info: "Scam wallets",
        Orgc: { name: "Some CERT", uuid: "5a8fc899-b09d-43fa-be2e-0bffb1d3ba2e" },
        Tag: [{ name: "tlp:white" }, { name: 'misp-galaxy:threat-actor="X"' }],
        Attribute: [
          { type: "btc", value: "1BoatSLRHtKNngkdXEeobR76b53LETtpyT", category: "Financial fraud" },
          { type: "ip-dst", value: "198.51.100.7" },
          { type: "email-src", value: "Scammer@Example.com" },
        ],
        Object: [
          {
            name: "coin-address",
            Attribute: [
              {
                object_relation: "address-crypto",
                type: "text",
                value: "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
              },
              { object_relation: "symbol", type: "text", value: "USDT" },
              { object_relation: "current-balance", type: "float", value: "12.5" },
            ],
          },
          { name: "file", Attribute: [{ object_relation: "md5", type: "md5", value: "x" }] },
        ],
      },
    };
    const { draft, unmapped } = bulletinFromMisp(event);
    expect(draft).toMatchObject({ title: "Scam wallets", tlp: "clear" });
    expect(normalisedSet(draft.indicators)).toEqual([
      "bitcoin:1BoatSLRHtKNngkdXEeobR76b53LETtpyT",
      "email:scammer@example.com",
      "tron:TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
    ]);
    expect(draft.indicators).toContainEqual({
      type: "crypto_address",
      chain: "tron",
      address: "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
      asset: "USDT",
    });
    expect(unmapped.map((u) => u.path)).toEqual(
      expect.arrayContaining([
        "/Event/Tag/1",
        "/Event/Orgc",
        "/Event/Attribute/1",
        "/Event/Object/0/Attribute/2",
        "/Event/Object/1",
      ]),
    );
  });

  it("refuses what is not an event", () => {
    expect(() => bulletinFromMisp({ foo: 1 })).toThrow(
      expect.objectContaining({ code: "ERR_INTEROP_INPUT" }),
    );
  });
});

describe("the pattern reader", () => {
  it("reads the forms Cordon writes, and ORs and ANDs of them", () => {
    expect(parsePattern("[url:value = 'https://t.me/a\\'b']")).toEqual([
      { objectType: "url", properties: { value: "https://t.me/a'b" } },
    ]);
    expect(
      parsePattern(
        "([cryptocurrency-wallet:value = 'a'] OR [url:value = 'b']) OR [x-cordon-crypto-transaction:hash = 'c' OR email-addr:value = 'd']",
      ),
    ).toHaveLength(4);
    expect(
      parsePattern(
        "[user-account:account_type = 'discord' AND user-account:account_login = 'bob']",
      ),
    ).toEqual([
      { objectType: "user-account", properties: { account_type: "discord", account_login: "bob" } },
    ]);
  });

  it("refuses other forms with a reason", () => {
    const refused: [string, RegExp][] = [
      ["[url:value = 'a'] AND [url:value = 'b']", /AND between observations/],
      ["[url:value != 'a']", /equality/],
      ["[url:value LIKE 'a%']", /LIKE/],
      ["[url:value = 'a'] WITHIN 5 SECONDS", /WITHIN/],
      ["[file:size = 5]", /string constants/],
      ["[url:value = 'a' AND email-addr:value = 'b']", /across object types/],
      ["[url:value = 'a'", /"\]"/],
      ["[url:value = 'a]", /not closed/],
    ];
    for (const [pattern, reason] of refused) {
      expect(() => parsePattern(pattern), pattern).toThrow(reason);
    }
  });

  it("never fails with anything but a PatternError, whatever the input", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: fc.constantFrom(..."[]()=' :ORANDurlvalue\\"), maxLength: 60 }),
        ),
        (text) => {
          try {
            parsePattern(text);
          } catch (error) {
            expect(error).toBeInstanceOf(PatternError);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe("the importers in a browser", () => {
  it("reach no Node built-in, however deep their imports go", async () => {
    const { readFile } = await import("node:fs/promises");
    const { dirname, resolve } = await import("node:path");
    const IMPORT = /^(?:import|export)(?!\s+type\b)[^;]*?from\s+["']([^"']+)["']/gms;
    const seen = new Set<string>();
    const builtIns: string[] = [];
    const walk = async (file: string): Promise<void> => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const [, spec = ""] of (await readFile(file, "utf8")).matchAll(IMPORT)) {
        if (spec.startsWith("node:")) builtIns.push(`${file} → ${spec}`);
        if (spec.startsWith(".")) await walk(resolve(dirname(file), spec).replace(/\.js$/, ".ts"));
      }
    };
    for (const entry of ["cli/sdk/from-stix.ts", "cli/sdk/from-misp.ts"])
      await walk(resolve(entry));
    expect(seen.size).toBeGreaterThan(10);
    expect(builtIns).toEqual([]);
  });
});
