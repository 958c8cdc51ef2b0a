/**
 * What `cordon export` is made of: the history tracker (feed items with and without
 * DESIGN §10's `change`), the streamed STIX bundle and the CSV rows.
 */
import { describe, expect, it } from "vitest";
import { CsvWriter, type Sink, StixBundleWriter } from "../../../cli/feed-export.js";
import { HistoryTracker } from "../../../cli/feed-history.js";
import type { FeedItem } from "../../../cli/sdk/types.js";
import { csvLine } from "../../../shared/interop/csv/rows.js";
import type { StixBundle } from "../../../shared/interop/stix/index.js";
import { checkBundle } from "../../interop/stix-rules.js";
import { sampleHistory } from "./fixtures.js";

function memorySink(): Sink & { text: string } {
  const sink = {
    text: "",
    write: async (chunk: string) => {
      sink.text += chunk;
    },
    close: async () => {},
  };
  return sink;
}

/** The feed items a hub with DESIGN §10 would list for a published, then revoked bulletin. */
function itemsWithChanges(): FeedItem[] {
  const history = sampleHistory({}, ["published", "revoked"]);
  return history.changes.map((change) => ({ ...history.view, change }));
}

describe("the history tracker", () => {
  it("advances a history one change per item when items carry their change", () => {
    const tracker = new HistoryTracker((issuer) => `${issuer} name`);
    const [first, second] = itemsWithChanges().map((item) => tracker.track(item));
    expect(first).toMatchObject({ step: 0, first: true });
    expect(second).toMatchObject({ step: 1, first: false });
    expect(second?.history.changes.map((c) => c.kind)).toEqual(["published", "revoked"]);
    expect(second?.history.issuer_name).toBe("trm name");
  });

  it("skips a repeat and a history joined mid-way, and TLP:RED notices", () => {
    const tracker = new HistoryTracker((issuer) => issuer);
    const [published, revoked] = itemsWithChanges();
    expect(tracker.track(revoked as FeedItem)).toBeUndefined();
    expect(tracker.track(published as FeedItem)).toBeDefined();
    expect(tracker.track(published as FeedItem)).toBeUndefined();
    const notice = {
      id: "01JDX3Q8Z6V2M4N5P6R7S8T9ZZ",
      issuer: "trm",
      tlp: "red",
      status: "active",
      received_at: "x",
    };
    expect(tracker.track(notice as FeedItem)).toBeUndefined();
  });

  it("without change, makes the history from the bulletin: published, then revoked", () => {
    const history = sampleHistory({}, ["published", "revoked"]);
    const tracked = new HistoryTracker((issuer) => issuer).track(history.view as FeedItem);
    expect(tracked?.step).toBe("all");
    expect(tracked?.history.changes.map((c) => [c.kind, c.at])).toEqual([
      ["published", history.view.received_at],
      ["revoked", history.view.revocation?.revoked_at],
    ]);
  });
});

describe("the streamed STIX bundle", () => {
  it("writes one valid bundle with each version once and each shared object once", async () => {
    // Prepare
    const sink = memorySink();
    const writer = new StixBundleWriter(sink, "Cordon");
    const tracker = new HistoryTracker((issuer) => issuer);
    // Act
    for (const item of itemsWithChanges()) {
      const tracked = tracker.track(item);
      if (tracked !== undefined) await writer.add(tracked);
    }
    const count = await writer.finish();
    // Assess
    expect(count).toBe(1);
    const bundle = JSON.parse(sink.text) as StixBundle;
    const report = bundle.objects.filter((o) => o.type === "report");
    expect(report.map((o) => o.revoked === true)).toEqual([false, true]);
    const keys = bundle.objects.map((o) => `${o.id}|${String(o.modified ?? "")}`);
    expect(new Set(keys).size).toBe(keys.length);
    checkBundle([...new Map(bundle.objects.map((o) => [o.id, o])).values()]);
  });

  it("writes an empty bundle when there is nothing to export", async () => {
    const sink = memorySink();
    await new StixBundleWriter(sink, "Cordon").finish();
    expect(JSON.parse(sink.text)).toMatchObject({ type: "bundle", objects: [] });
  });
});

describe("CSV", () => {
  it("quotes as RFC 4180 and defuses spreadsheet formulas", () => {
    expect(csvLine(["a", 'b "c"', "d,e", "=HYPERLINK(1)", "-5", "line\nbreak"])).toBe(
      `a,"b ""c""","d,e",'=HYPERLINK(1),'-5,"line\nbreak"\r\n`,
    );
  });

  it("writes a header, then one row per indicator of each bulletin, once", async () => {
    const sink = memorySink();
    const writer = new CsvWriter(sink);
    const tracker = new HistoryTracker((issuer) => issuer);
    for (const item of itemsWithChanges()) {
      const tracked = tracker.track(item);
      if (tracked !== undefined) await writer.add(tracked);
    }
    expect(await writer.finish()).toBe(1);
    const lines = sink.text.trimEnd().split("\r\n");
    expect(lines).toHaveLength(1 + 4);
    expect(lines[1]).toContain(",revoked,amber,terrorist_financing,85,");
    expect(lines[1]).toContain(",tron:TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t,USDT,donation");
  });
});
