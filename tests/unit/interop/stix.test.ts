/**
 * The STIX 2.1 mapping (DESIGN §12) against the rules of the STIX 2.1 specification,
 * written out here: required properties, identifier forms, timestamps, the pattern
 * grammar of the forms Cordon writes, references that resolve inside a bundle, and
 * versions that keep their ids.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { BulletinHistory } from "../../../shared/interop/history.js";
import {
  BULLETIN_EXTENSION_ID,
  identityId,
  type StixObject,
  scoId,
  stixBundle,
  stixIds,
  stixRecords,
  stixVersion,
  stixVersionCount,
  TLP_MARKING_IDS,
} from "../../../shared/interop/stix/index.js";
import { historyArbitrary } from "../../interop/arbitraries.js";
import { checkBundle } from "../../interop/stix-rules.js";
import { sampleHistory } from "./fixtures.js";

describe("STIX mapping of one bulletin", () => {
  it("gives every object the properties and forms STIX 2.1 requires", () => {
    fc.assert(
      fc.property(historyArbitrary(), (history) => {
        checkBundle(stixBundle(history).objects);
      }),
      { numRuns: 60 },
    );
  });

  it("maps a bulletin to the objects DESIGN §12 names", () => {
    // Prepare
    const history = sampleHistory();
    // Act
    const bundle = stixBundle(history);
    // Assess
    const byType = (type: string) => bundle.objects.filter((o) => o.type === type);
    const report = byType("report")[0] as StixObject;
    expect(report.id).toBe(stixIds.report(history.view.id));
    expect(report.report_types).toEqual(["indicator"]);
    expect(report.labels).toEqual(["terrorist_financing"]);
    expect(report.object_marking_refs).toEqual([TLP_MARKING_IDS.amber]);
    expect(report.external_references).toContainEqual({
      source_name: "cordon",
      external_id: history.view.id,
    });
    const extension = (report.extensions as Record<string, Record<string, unknown>>)[
      BULLETIN_EXTENSION_ID
    ];
    expect(extension).toMatchObject({
      extension_type: "property-extension",
      jws: history.view.jws,
      content_sha256: history.view.content_sha256,
      receipt: history.view.receipt,
      tlp: "amber",
      audience: ["binance", "group:central-banks"],
    });
    expect(byType("indicator").map((o) => o.pattern)).toEqual([
      "[cryptocurrency-wallet:value = 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t']",
      "[url:value = 'https://t.me/example_channel']",
      `[x-cordon-crypto-transaction:hash = '0x${"ab".repeat(32)}']`,
      "[url:value = 'https://x.com/example']",
    ]);
    expect(byType("indicator")[0]).toMatchObject({
      labels: ["chain:tron", "asset:USDT", "role:donation"],
      x_opencti_main_observable_type: "Cryptocurrency-Wallet",
      x_opencti_score: 85,
      confidence: 85,
    });
    expect(byType("relationship").map((o) => o.relationship_type)).toEqual([
      "based-on",
      "based-on",
      "based-on",
      "based-on",
    ]);
    const publisher = byType("identity").find(
      (o) => o.identity_class === "organization",
    ) as StixObject;
    expect(publisher.name).toBe("TRM Labs");
  });

  it("computes SCO ids by STIX 2.1 §2.9 and identity ids as OpenCTI does", () => {
    // Values computed with Python's uuid.uuid5 and canonical JSON, as pycti does.
    expect(identityId("  TRM Labs ", "organization")).toBe(
      "identity--5a8fc899-b09d-53fa-be2e-0bffb1d3ba2e",
    );
    expect(
      scoId("cryptocurrency-wallet", { value: "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq" }),
    ).toBe("cryptocurrency-wallet--e34f20ba-70dc-5159-8169-1f99977984ac");
    expect(scoId("url", { value: "https://t.me/example_channel" })).toBe(
      "url--bb7bb6e8-f213-5544-a994-4587801aa7eb",
    );
  });

  it("refuses TLP:RED", () => {
    const history = sampleHistory({ tlp: "red", audience: ["binance"] });
    expect(() => stixBundle(history)).toThrow(
      expect.objectContaining({ code: "ERR_INTEROP_TLP_RED" }),
    );
  });

  it("refuses a history that does not start with its publication or goes back in time", () => {
    const history = sampleHistory();
    const published = history.changes[0] as BulletinHistory["changes"][number];
    const backwards = {
      ...history,
      changes: [published, { ...published, seq: 9, kind: "revoked" as const }],
    };
    const noPublication = { ...history, changes: [{ ...published, kind: "revoked" as const }] };
    for (const broken of [backwards, noPublication]) {
      expect(() => stixBundle(broken)).toThrow(
        expect.objectContaining({ code: "ERR_INTEROP_HISTORY" }),
      );
    }
  });
});

describe("STIX versions", () => {
  it("makes one version per change up to the first withdrawal, with stable ids", () => {
    fc.assert(
      fc.property(historyArbitrary(), (history) => {
        const count = stixVersionCount(history);
        const firstWithdrawal = history.changes.findIndex((c) => c.kind !== "published");
        expect(count).toBe(firstWithdrawal === -1 ? history.changes.length : firstWithdrawal + 1);
        const versions = Array.from({ length: count }, (_, index) => stixVersion(history, index));
        const ids = versions.map((v) => v.own.map((o) => o.id).join());
        expect(new Set(ids).size).toBe(1);
        versions.forEach((version, index) => {
          const change = history.changes[index] as BulletinHistory["changes"][number];
          for (const object of version.own) {
            expect(object.modified).toBe(`${change.at.slice(0, -1)}Z`);
            expect(object.revoked === true).toBe(change.kind !== "published");
          }
        });
      }),
      { numRuns: 100 },
    );
  });

  it("lists every version for TAXII: date_added is the change's at, version its modified", () => {
    fc.assert(
      fc.property(historyArbitrary(), (history) => {
        const records = stixRecords(history);
        const own = records.filter((r) => r.scope === "bulletin");
        const perVersion = stixVersion(history, 0).own.length;
        expect(own).toHaveLength(perVersion * stixVersionCount(history));
        for (const record of own) {
          expect(record.version).toBe(record.object.modified);
          expect(record.date_added.replace(/\.\d+Z$/, "")).toBe(
            (record.object.modified as string).replace(/\.\d+Z$/, ""),
          );
          expect(record.media_type).toBe("application/stix+json;version=2.1");
        }
        // Shared objects are listed once, added with the first change.
        const shared = records.filter((r) => r.scope === "shared");
        expect(new Set(shared.map((r) => r.id)).size).toBe(shared.length);
        for (const record of shared) expect(record.date_added).toBe(history.changes[0]?.at);
      }),
      { numRuns: 100 },
    );
  });

  it("links a superseding bulletin to a visible predecessor with derived-from, inside the bundle", () => {
    // Prepare
    const predecessor = sampleHistory({}, ["published", "superseded"]);
    const successor = sampleHistory(
      { id: "01JDX3Q8Z6V2M4N5P6R7S8T9XX", supersedes: predecessor.view.id },
      ["published"],
      "2026-11-26T09:00:00.000001Z",
    );
    // Act
    const bundle = stixBundle(successor, { predecessor });
    const records = stixRecords(successor, { predecessor });
    // Assess
    checkBundle(bundle.objects);
    const derived = bundle.objects.filter((o) => o.relationship_type === "derived-from");
    expect(derived.map((o) => [o.source_ref, o.target_ref])).toContainEqual([
      stixIds.report(successor.view.id),
      stixIds.report(predecessor.view.id),
    ]);
    expect(derived).toHaveLength(1 + successor.view.bulletin.indicators.length);
    expect(records.filter((r) => r.requires === predecessor.view.id)).toHaveLength(derived.length);
    expect(stixBundle(successor).objects.some((o) => o.relationship_type === "derived-from")).toBe(
      false,
    );
  });
});
