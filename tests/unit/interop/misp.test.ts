/**
 * The MISP feed mapping (DESIGN §13): events as MISP's feed fetcher reads them,
 * uuids MISP accepts, revocations seen as updates, and the manifest and hashes.csv
 * lines PyMISP's feed generator would write.
 */
import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  changeTimestamps,
  hashLines,
  manifestEntry,
  mispEvent,
  mispEventUuid,
  ulidBytes,
} from "../../../shared/interop/misp/index.js";
import { historyArbitrary } from "../../interop/arbitraries.js";
import { sampleHistory } from "./fixtures.js";

/** CakePHP 2's `Validation::uuid`, which MISP applies to every uuid it saves. */
const CAKE_UUID =
  /^[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[0-5][a-fA-F0-9]{3}-[089aAbB][a-fA-F0-9]{3}-[a-fA-F0-9]{12}$/;
const ULID = fc
  .tuple(
    fc.constantFrom(..."01234567"),
    fc.string({
      unit: fc.constantFrom(..."0123456789ABCDEFGHJKMNPQRSTVWXYZ"),
      minLength: 25,
      maxLength: 25,
    }),
  )
  .map(([first, rest]) => first + rest);

describe("MISP uuids", () => {
  it("writes the ULID's bits with version 4 and variant 10, keeping its timestamp", () => {
    // 01JDX3Q8Z6… : the first 48 bits are the ULID's milliseconds.
    const uuid = mispEventUuid("01JDX3Q8Z6V2M4N5P6R7S8T9VW");
    // Raw bits 01937a3ba3e6d8a84a96c6c1f28d277c: "d" → 4 (version), "4" → 8 (variant 10).
    expect(uuid).toBe("01937a3b-a3e6-48a8-8a96-c6c1f28d277c");
    expect(uuid.slice(0, 13).replace("-", "")).toBe(
      Array.from(ulidBytes("01JDX3Q8Z6V2M4N5P6R7S8T9VW").slice(0, 6), (b) =>
        b.toString(16).padStart(2, "0"),
      ).join(""),
    );
    expect(uuid.charAt(14)).toBe("4");
    expect("89ab").toContain(uuid.charAt(19));
  });

  it("gives every ULID a uuid MISP accepts, and keeps the others' bits", () => {
    fc.assert(
      fc.property(ULID, (ulid) => {
        const uuid = mispEventUuid(ulid);
        expect(uuid).toMatch(CAKE_UUID);
        const raw = Array.from(ulidBytes(ulid), (b) => b.toString(16).padStart(2, "0")).join("");
        const hex = uuid.replace(/-/g, "");
        // Only the version nibble and the two variant bits differ.
        expect(hex.slice(0, 12)).toBe(raw.slice(0, 12));
        expect(hex.slice(13, 16)).toBe(raw.slice(13, 16));
        expect(Number.parseInt(hex.charAt(16), 16) & 0x3).toBe(
          Number.parseInt(raw.charAt(16), 16) & 0x3,
        );
        expect(hex.slice(17)).toBe(raw.slice(17));
      }),
    );
  });
});

describe("MISP events", () => {
  it("maps a bulletin to objects from MISP's templates, tags and stable uuids", () => {
    // Prepare
    const history = sampleHistory();
    // Act
    const { Event: event } = mispEvent(history);
    // Assess
    expect(event.uuid).toBe(mispEventUuid(history.view.id));
    expect(event.info).toBe(history.view.bulletin.title);
    expect(event.date).toBe("2026-11-25");
    expect(event.Orgc.name).toBe("TRM Labs");
    expect(event.Tag.map((t) => t.name)).toEqual([
      "tlp:amber",
      'cordon:category="terrorist_financing"',
    ]);
    expect(event.Object.map((o) => o.name)).toEqual([
      "coin-address",
      "telegram-account",
      "cryptocurrency-transaction",
      "twitter-account",
    ]);
    const coin = event.Object[0];
    expect(coin?.template_uuid).toBe("d0e6997e-78da-4815-a6a1-cfc1c1cb8a46");
    expect(coin?.Attribute.map((a) => [a.object_relation, a.type, a.value, a.to_ids])).toEqual([
      ["address-crypto", "text", "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", true],
      ["symbol", "text", "USDT", false],
    ]);
    expect(coin?.Attribute[0]?.Tag?.map((t) => t.name)).toEqual(['cordon:chain="tron"']);
    expect(event.Object[1]?.Attribute[0]?.value).toBe("example_channel");
    expect(event.Object[2]?.Attribute[0]?.value).toBe(`0x${"ab".repeat(32)}`);
    expect(event.timestamp).toBe(
      String(Math.floor(Date.parse(history.changes[0]?.at ?? "") / 1000)),
    );
    for (const uuid of [
      event.Orgc.uuid,
      ...event.Object.map((o) => o.uuid),
      ...event.Attribute.map((a) => a.uuid),
    ]) {
      expect(uuid).toMatch(CAKE_UUID);
    }
  });

  it("writes a Bitcoin address as a btc attribute", () => {
    const history = sampleHistory({
      indicators: [
        {
          type: "crypto_address",
          chain: "bitcoin",
          address: "BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ",
        },
      ],
    });
    const attribute = mispEvent(history).Event.Object[0]?.Attribute[0];
    expect(attribute).toMatchObject({
      type: "btc",
      object_relation: "address",
      category: "Financial fraud",
    });
  });

  it("turns a revocation into an update: a later timestamp, the revoked tag, no to_ids, same uuids", () => {
    // Prepare
    const active = sampleHistory();
    const revoked = sampleHistory({}, ["published", "revoked"]);
    // Act
    const before = mispEvent(active).Event;
    const after = mispEvent(revoked).Event;
    // Assess
    expect(Number(after.timestamp)).toBeGreaterThan(Number(before.timestamp));
    expect(after.Tag.map((t) => t.name)).toContain("cordon:revoked");
    const everyAttribute = (e: typeof after) => [
      ...e.Attribute,
      ...e.Object.flatMap((o) => o.Attribute),
    ];
    expect(everyAttribute(after).some((a) => a.to_ids)).toBe(false);
    expect(everyAttribute(before).some((a) => a.to_ids)).toBe(true);
    expect(everyAttribute(after).map((a) => a.uuid)).toEqual(
      everyAttribute(before).map((a) => a.uuid),
    );
    for (const attribute of everyAttribute(after))
      expect(attribute.timestamp).toBe(after.timestamp);
  });

  it("keeps change timestamps strictly increasing even within one second", () => {
    fc.assert(
      fc.property(historyArbitrary(), (history) => {
        const stamps = changeTimestamps(history);
        stamps.forEach((stamp, index) => {
          if (index > 0) expect(stamp).toBeGreaterThan(stamps[index - 1] as number);
        });
      }),
      { numRuns: 200 },
    );
    const close = sampleHistory({}, ["published", "revoked"], "2026-11-25T12:00:01.000001Z");
    close.changes[1] = {
      ...(close.changes[1] as (typeof close.changes)[number]),
      at: "2026-11-25T12:00:01.900000Z",
    };
    const [first, second] = changeTimestamps(close);
    expect(second).toBe((first as number) + 1);
  });

  it("refuses TLP:RED", () => {
    expect(() => mispEvent(sampleHistory({ tlp: "red", audience: ["binance"] }))).toThrow(
      expect.objectContaining({ code: "ERR_INTEROP_TLP_RED" }),
    );
  });
});

describe("MISP feed index files", () => {
  it("writes the manifest entry and hashes.csv lines as PyMISP's feed generator does", () => {
    // Prepare
    const event = mispEvent(sampleHistory());
    // Act
    const entry = manifestEntry(event);
    const lines = hashLines(event);
    // Assess
    expect(entry).toEqual({
      Orgc: event.Event.Orgc,
      Tag: event.Event.Tag,
      info: event.Event.info,
      date: "2026-11-25",
      analysis: 2,
      threat_level_id: 4,
      timestamp: Number(event.Event.timestamp),
    });
    const values = [
      ...event.Event.Attribute,
      ...event.Event.Object.flatMap((o) => o.Attribute),
    ].map((a) => a.value);
    expect(lines).toEqual(
      values.map((v) => `${createHash("md5").update(v, "utf8").digest("hex")},${event.Event.uuid}`),
    );
  });
});
