import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  MIGRATIONS,
  MIRROR_SCHEMA_VERSION,
  type Migration,
  MirrorError,
  type MirrorStore,
  openMirrorStore,
} from "../../../cli/sdk/mirror/index.js";
import { laterStatus } from "../../../cli/sdk/mirror/store.js";
import type { ChangeOp, HeldBulletin } from "../../../cli/sdk/mirror/types.js";

function held(
  id: string,
  indicators: string[],
  overrides: Partial<HeldBulletin> = {},
): HeldBulletin {
  return {
    id,
    issuer: "trm",
    tlp: "green",
    category: "scam",
    confidence: 50,
    issued_at: "2026-01-01T00:00:00.000Z",
    valid_until: null,
    received_at: "2026-01-01T00:00:01.000Z",
    content_sha256: "0".repeat(64),
    kid: "k1",
    jws: "a.b.c",
    receipt: `receipt-${id}`,
    indicators,
    ...overrides,
  };
}

function published(seq: number, content: HeldBulletin): Extract<ChangeOp, { outcome: "applied" }> {
  return {
    outcome: "applied",
    change: { seq, kind: "published", at: `2026-01-01T00:00:0${seq}.000000Z` },
    bulletin_id: content.id,
    content,
    status: "active",
  };
}

describe("the mirror's SQLite store", () => {
  let dir: string;
  let store: MirrorStore | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "cordon-mirror-store-"));
  });
  afterEach(async () => {
    store?.close();
    store = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  const open = (options: Parameters<typeof openMirrorStore>[1] = {}) => {
    store?.close();
    store = openMirrorStore(join(dir, "nested", "mirror.sqlite"), options);
    return store;
  };

  it("creates its folder and file at the latest schema version, bound to one hub and organisation", () => {
    const s = open();
    expect(s.schemaVersion).toBe(MIRROR_SCHEMA_VERSION);
    expect(s.state()).toBeUndefined();
    expect(s.bind("http://hub", "binance")).toMatchObject({
      hub: "http://hub",
      org: "binance",
      cursor: null,
    });
    expect(s.bind("http://hub", "binance").org).toBe("binance");
    expect(() => s.bind("http://hub", "kraken")).toThrow(
      expect.objectContaining({ code: "ERR_MIRROR_BOUND_ELSEWHERE" }),
    );
    expect(() => s.bind("http://other", "binance")).toThrow(MirrorError);
  });

  it("runs the migrations a file has not had, each in its own transaction, and refuses a newer file", () => {
    open();
    const next: Migration = {
      version: MIRROR_SCHEMA_VERSION + 1,
      up: (db) => db.exec("CREATE TABLE notes (text TEXT)"),
    };
    const broken: Migration = {
      version: MIRROR_SCHEMA_VERSION + 2,
      up: (db) => {
        db.exec("CREATE TABLE half (x)");
        throw new Error("boom");
      },
    };
    expect(() => open({ migrations: [...MIGRATIONS, next, broken] })).toThrow("boom");
    // The step that failed left nothing; the one before it stands.
    const migrated = open({ migrations: [...MIGRATIONS, next] });
    expect(migrated.schemaVersion).toBe(MIRROR_SCHEMA_VERSION + 1);
    store?.close();
    store = undefined;
    expect(() => open()).toThrow(expect.objectContaining({ code: "ERR_MIRROR_SCHEMA_NEWER" }));
  });

  it("applies a page and its cursor together, or nothing at all", () => {
    const s = open();
    s.bind("http://hub", "binance");
    expect(
      s.applyPage(null, {
        ops: [published(0, held("A", ["ethereum:0xa"])), published(1, held("B", ["ethereum:0xb"]))],
        next_cursor: "c1",
      }),
    ).toBe(true);
    // The third change breaks a constraint (bulletin A again) after two good ones.
    const failing = {
      ops: [
        published(2, held("C", ["ethereum:0xc"])),
        published(3, held("D", ["ethereum:0xd"])),
        published(4, held("A", ["ethereum:0xa"])),
      ],
      next_cursor: "c2",
    };
    expect(() => s.applyPage("c1", failing)).toThrow();
    expect(s.state()).toMatchObject({ cursor: "c1", last_seq: 1 });
    expect(s.changes().map((c) => c.seq)).toEqual([0, 1]);
    expect([...s.entriesOf(["ethereum:0xc", "ethereum:0xd"]).keys()]).toEqual([]);
    expect(s.counts(new Date()).bulletins).toBe(2);
  });

  it("refuses a repeated or earlier change, and a page another writer already applied", () => {
    const s = open();
    s.bind("http://hub", "binance");
    s.applyPage(null, { ops: [published(5, held("A", ["x:a"]))], next_cursor: "c1" });
    expect(() =>
      s.applyPage("c1", { ops: [published(5, held("B", ["x:b"]))], next_cursor: "c2" }),
    ).toThrow(expect.objectContaining({ code: "ERR_MIRROR_FEED_ORDER" }));
    expect(s.applyPage(null, { ops: [published(6, held("B", ["x:b"]))], next_cursor: "c2" })).toBe(
      false,
    );
    expect(s.state()).toMatchObject({ cursor: "c1", last_seq: 5 });
  });

  it("keeps a change aside apart from the bulletins, and counts it", () => {
    const s = open();
    s.bind("http://hub", "binance");
    s.applyPage(null, {
      ops: [
        {
          outcome: "set_aside",
          change: { seq: 0, kind: "published", at: "2026-01-01T00:00:00.000000Z" },
          bulletin_id: "A",
          issuer: "trm",
          code: "ERR_BULLETIN_SIGNATURE",
          message: "bad",
        },
      ],
      next_cursor: "c1",
      caught_up_at: "2026-01-01T00:00:05.000Z",
    });
    expect(s.setAside()).toEqual([
      {
        seq: 0,
        kind: "published",
        at: "2026-01-01T00:00:00.000000Z",
        bulletin_id: "A",
        issuer: "trm",
        code: "ERR_BULLETIN_SIGNATURE",
        message: "bad",
      },
    ]);
    expect(s.counts(new Date())).toEqual({
      bulletins: 0,
      active_bulletins: 0,
      indicators: 0,
      changes: 1,
      unverifiable: 1,
    });
    expect(s.state()?.caught_up_at).toBe("2026-01-01T00:00:05.000Z");
  });

  it("counts as active only what is active and not yet expired by the clock", () => {
    const s = open();
    s.bind("http://hub", "binance");
    s.applyPage(null, {
      ops: [
        published(0, held("A", ["x:a", "x:shared"])),
        published(1, held("B", ["x:b", "x:shared"], { valid_until: "2026-06-01T00:00:00.000Z" })),
        { ...published(2, held("C", ["x:c"])), status: "revoked" },
      ],
      next_cursor: "c1",
    });
    expect(s.counts(new Date("2026-05-31T23:59:59.999Z"))).toMatchObject({
      bulletins: 3,
      active_bulletins: 2,
      indicators: 4,
    });
    expect(s.counts(new Date("2026-06-01T00:00:00.000Z")).active_bulletins).toBe(1);
    const entries = s.entriesOf(["x:shared", "x:shared", "x:none"]);
    expect([...entries.keys()]).toEqual(["x:shared"]);
    expect(
      entries
        .get("x:shared")
        ?.map((e) => e.id)
        .sort(),
    ).toEqual(["A", "B"]);
  });

  it("fails with a clear error when better-sqlite3's native binding cannot be loaded", () => {
    expect(() => open({ nativeBinding: join(dir, "missing", "better_sqlite3.node") })).toThrow(
      expect.objectContaining({
        code: "ERR_MIRROR_SQLITE_UNAVAILABLE",
        message: expect.stringContaining("npm rebuild better-sqlite3"),
      }),
    );
  });
});

describe("laterStatus", () => {
  it("never moves a status back, whatever order changes arrive in", () => {
    const statuses = fc.constantFrom("active" as const, "superseded" as const, "revoked" as const);
    fc.assert(
      fc.property(fc.array(statuses, { minLength: 1, maxLength: 8 }), (seen) => {
        const final = seen.reduce(laterStatus);
        const rank = { active: 0, superseded: 1, revoked: 2 };
        expect(rank[final]).toBe(Math.max(...seen.map((s) => rank[s])));
      }),
    );
  });
});
