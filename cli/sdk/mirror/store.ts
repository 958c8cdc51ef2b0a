/**
 * The mirror's storage: one SQLite file on the partner's machine. It holds the
 * verified bulletins and their normalised indicators, every change seen (applied or
 * kept aside) and where the feed resumes. A page of the feed is applied in ONE
 * transaction together with its cursor, so a crash at any point leaves either the
 * whole page applied with the cursor after it, or none of it with the cursor before:
 * never half a page, never a cursor ahead of its data.
 *
 * The schema carries its version in SQLite's `user_version`; `MIGRATIONS` takes an
 * older file forward one version at a time, each step in its own transaction, and a
 * file from a newer mirror is refused rather than misread.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { StoredStatus } from "../../../shared/bulletins/types.js";
import type { Role } from "../../../shared/orgs/types.js";
import type { IndexedBulletin } from "../../../shared/store/types.js";
import { MirrorError } from "./errors.js";
import { type Database, type OpenOptions, openDatabase } from "./sqlite.js";
import type { HeldDigest, MirrorState, SeenChange, SetAsideChange, VerifiedPage } from "./types.js";

/** One step of the schema: what `up` does takes the file from `version - 1` to `version`. */
export interface Migration {
  version: number;
  up(db: Database): void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    up(db) {
      db.exec(`
        CREATE TABLE mirror (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          hub TEXT NOT NULL,
          org TEXT NOT NULL,
          cursor TEXT,
          last_seq INTEGER,
          last_at TEXT,
          caught_up_at TEXT,
          roles TEXT,
          org_status TEXT,
          me_at TEXT
        );
        CREATE TABLE bulletins (
          id TEXT PRIMARY KEY,
          issuer TEXT NOT NULL,
          tlp TEXT NOT NULL,
          category TEXT NOT NULL,
          confidence INTEGER NOT NULL,
          issued_at TEXT NOT NULL,
          valid_until TEXT,
          received_at TEXT NOT NULL,
          status TEXT NOT NULL CHECK (status IN ('active', 'superseded', 'revoked')),
          revocation TEXT,
          content_sha256 TEXT NOT NULL,
          kid TEXT NOT NULL,
          jws TEXT NOT NULL,
          receipt TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE indicators (
          indicator TEXT NOT NULL,
          bulletin_id TEXT NOT NULL REFERENCES bulletins (id),
          PRIMARY KEY (indicator, bulletin_id)
        ) WITHOUT ROWID;
        CREATE INDEX indicators_by_bulletin ON indicators (bulletin_id);
        CREATE TABLE changes (
          seq INTEGER PRIMARY KEY,
          kind TEXT NOT NULL,
          at TEXT NOT NULL,
          bulletin_id TEXT NOT NULL,
          outcome TEXT NOT NULL CHECK (outcome IN ('applied', 'set_aside'))
        );
        CREATE TABLE set_aside (
          seq INTEGER PRIMARY KEY REFERENCES changes (seq),
          bulletin_id TEXT NOT NULL,
          issuer TEXT NOT NULL,
          code TEXT NOT NULL,
          message TEXT NOT NULL
        );
      `);
    },
  },
];

export const MIRROR_SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

/** What screening reads of each held bulletin naming an indicator (the hub's index entry, less recipients). */
export type MirroredEntry = Omit<IndexedBulletin, "recipients">;

/** A change as the mirror logged it. */
export interface LoggedChange extends SeenChange {
  bulletin_id: string;
  outcome: "applied" | "set_aside";
}

export interface MirrorCounts {
  bulletins: number;
  active_bulletins: number;
  indicators: number;
  changes: number;
  unverifiable: number;
}

/** What the mirror asks of its storage, in its own words. */
export interface MirrorStore {
  readonly path: string;
  readonly schemaVersion: number;
  /** The mirror's own record; undefined for a file that was never bound to a hub. */
  state(): MirrorState | undefined;
  /** Binds a new file to a hub and organisation; refuses a file bound to others. */
  bind(hub: string, org: string): MirrorState;
  /** Remembers what `GET /v1/me` answered. */
  recordIdentity(roles: readonly Role[], status: string, at: string): void;
  /** What is held of these bulletins (ids not held are absent). */
  digests(ids: readonly string[]): Map<string, HeldDigest>;
  /**
   * Applies a verified page and moves the cursor after it, all or nothing. False (and
   * nothing written) when the cursor is no longer `expectedCursor`: another process
   * applied this page first.
   */
  applyPage(expectedCursor: string | null, page: VerifiedPage): boolean;
  /** The held bulletins naming each indicator; indicators none names are absent. */
  entriesOf(indicators: readonly string[]): Map<string, MirroredEntry[]>;
  /**
   * The indicators of bulletins first held at a change after `seq` (all of them for
   * null), so a reader can keep its own set of what the mirror holds up to date.
   */
  indicatorsAfter(seq: number | null): string[];
  counts(now: Date): MirrorCounts;
  setAside(): SetAsideChange[];
  /** Every change seen, in order. */
  changes(): LoggedChange[];
  close(): void;
}

export interface SqliteStoreOptions extends OpenOptions {
  /** The schema steps (tests give their own to exercise the hook). */
  migrations?: readonly Migration[];
}

/** Opens (creating it and its folder if need be) and migrates a mirror file. */
export function openMirrorStore(path: string, options: SqliteStoreOptions = {}): MirrorStore {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const db = openDatabase(path, options);
  try {
    // WAL: a reader (a screening) never waits for a page being applied, and a crash
    // loses at most transactions not yet committed, never part of one.
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    const version = migrate(db, options.migrations ?? MIGRATIONS);
    return new SqliteMirrorStore(db, path, version);
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Runs the migrations the file has not had; answers its version after them. */
export function migrate(db: Database, migrations: readonly Migration[]): number {
  const latest = migrations.at(-1)?.version ?? 0;
  const current = db.pragma("user_version", { simple: true }) as number;
  if (current > latest) {
    throw new MirrorError(
      "ERR_MIRROR_SCHEMA_NEWER",
      `This mirror file has schema version ${current}, newer than this mirror knows (${latest}): ` +
        "update the Cordon SDK or CLI, or start a new mirror file.",
    );
  }
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
  return Math.max(current, latest);
}

const STATUS_RANK: Record<StoredStatus, number> = { active: 0, superseded: 1, revoked: 2 };

/**
 * A bulletin's status only moves forward — active, then superseded, then revoked —
 * as the hub's does (a revoked or superseded bulletin never becomes active again),
 * so whatever order the mirror learns of changes in, it keeps the latest.
 */
export function laterStatus(a: StoredStatus, b: StoredStatus): StoredStatus {
  return STATUS_RANK[b] > STATUS_RANK[a] ? b : a;
}

interface StateRow {
  hub: string;
  org: string;
  cursor: string | null;
  last_seq: number | null;
  last_at: string | null;
  caught_up_at: string | null;
  roles: string | null;
  org_status: string | null;
  me_at: string | null;
}

interface EntryRow {
  indicator: string;
  id: string;
  issuer: string;
  tlp: MirroredEntry["tlp"];
  category: MirroredEntry["category"];
  confidence: number;
  issued_at: string;
  valid_until: string | null;
  received_at: string;
  status: StoredStatus;
  content_sha256: string;
}

class SqliteMirrorStore implements MirrorStore {
  private readonly statements;

  constructor(
    private readonly db: Database,
    readonly path: string,
    readonly schemaVersion: number,
  ) {
    this.statements = {
      state: db.prepare<[], StateRow>("SELECT * FROM mirror WHERE id = 1"),
      bind: db.prepare<[string, string]>("INSERT INTO mirror (id, hub, org) VALUES (1, ?, ?)"),
      identity: db.prepare<[string, string, string]>(
        "UPDATE mirror SET roles = ?, org_status = ?, me_at = ? WHERE id = 1",
      ),
      digests: db.prepare<[string], HeldDigest>(
        `SELECT b.id, b.issuer, b.tlp, b.received_at, b.content_sha256, b.receipt, b.status
         FROM json_each(?) j JOIN bulletins b ON b.id = j.value`,
      ),
      insertChange: db.prepare<[number, string, string, string, string]>(
        "INSERT INTO changes (seq, kind, at, bulletin_id, outcome) VALUES (?, ?, ?, ?, ?)",
      ),
      insertBulletin: db.prepare(
        `INSERT INTO bulletins (id, issuer, tlp, category, confidence, issued_at, valid_until,
           received_at, status, content_sha256, kid, jws, receipt)
         VALUES (@id, @issuer, @tlp, @category, @confidence, @issued_at, @valid_until,
           @received_at, 'active', @content_sha256, @kid, @jws, @receipt)`,
      ),
      insertIndicator: db.prepare<[string, string]>(
        "INSERT OR IGNORE INTO indicators (indicator, bulletin_id) VALUES (?, ?)",
      ),
      updateStatus: db.prepare<[string, string | null, string]>(
        "UPDATE bulletins SET status = ?, revocation = coalesce(?, revocation) WHERE id = ?",
      ),
      insertSetAside: db.prepare<[number, string, string, string, string]>(
        "INSERT INTO set_aside (seq, bulletin_id, issuer, code, message) VALUES (?, ?, ?, ?, ?)",
      ),
      advance: db.prepare<[string, number | null, string | null, string | null]>(
        `UPDATE mirror SET cursor = ?, last_seq = ?, last_at = ?,
           caught_up_at = coalesce(?, caught_up_at) WHERE id = 1`,
      ),
      entries: db.prepare<[string], EntryRow>(
        `SELECT i.indicator, b.id, b.issuer, b.tlp, b.category, b.confidence, b.issued_at,
           b.valid_until, b.received_at, b.status, b.content_sha256
         FROM json_each(?) j
         JOIN indicators i ON i.indicator = j.value
         JOIN bulletins b ON b.id = i.bulletin_id`,
      ),
      allIndicators: db.prepare<[], string>("SELECT DISTINCT indicator FROM indicators").pluck(),
      indicatorsAfter: db
        .prepare<[number], string>(
          `SELECT DISTINCT i.indicator FROM changes c JOIN indicators i ON i.bulletin_id = c.bulletin_id
           WHERE c.seq > ? AND c.outcome = 'applied'`,
        )
        .pluck(),
      countBulletins: db.prepare<[string], { all: number; active: number }>(
        `SELECT count(*) AS "all",
           coalesce(sum(status = 'active' AND (valid_until IS NULL OR valid_until > ?)), 0) AS active
         FROM bulletins`,
      ),
      countIndicators: db.prepare<[], { n: number }>(
        "SELECT count(*) AS n FROM (SELECT DISTINCT indicator FROM indicators)",
      ),
      countChanges: db.prepare<[], { n: number }>("SELECT count(*) AS n FROM changes"),
      countSetAside: db.prepare<[], { n: number }>("SELECT count(*) AS n FROM set_aside"),
      setAside: db.prepare<[], SetAsideChange>(
        `SELECT s.seq, c.kind, c.at, s.bulletin_id, s.issuer, s.code, s.message
         FROM set_aside s JOIN changes c ON c.seq = s.seq ORDER BY s.seq`,
      ),
      changes: db.prepare<[], LoggedChange>(
        "SELECT seq, kind, at, bulletin_id, outcome FROM changes ORDER BY seq",
      ),
    };
  }

  state(): MirrorState | undefined {
    const row = this.statements.state.get();
    if (row === undefined) return undefined;
    return { ...row, roles: row.roles === null ? null : (JSON.parse(row.roles) as Role[]) };
  }

  bind(hub: string, org: string): MirrorState {
    return this.db
      .transaction((): MirrorState => {
        const existing = this.state();
        if (existing === undefined) {
          this.statements.bind.run(hub, org);
          return this.state() as MirrorState;
        }
        if (existing.hub !== hub || existing.org !== org) {
          throw new MirrorError(
            "ERR_MIRROR_BOUND_ELSEWHERE",
            `${this.path} mirrors ${existing.org} at ${existing.hub}, not ${org} at ${hub}: ` +
              "each organisation and hub keeps its own mirror file.",
          );
        }
        return existing;
      })
      .immediate();
  }

  recordIdentity(roles: readonly Role[], status: string, at: string): void {
    this.statements.identity.run(JSON.stringify(roles), status, at);
  }

  digests(ids: readonly string[]): Map<string, HeldDigest> {
    if (ids.length === 0) return new Map();
    return new Map(
      this.statements.digests.all(JSON.stringify(ids)).map((row) => [row.id, row] as const),
    );
  }

  applyPage(expectedCursor: string | null, page: VerifiedPage): boolean {
    return this.db
      .transaction((): boolean => {
        const state = this.state();
        if (state === undefined) throw new Error("applyPage on a mirror that is not bound");
        if (state.cursor !== expectedCursor) return false;
        let lastSeq = state.last_seq;
        let lastAt = state.last_at;
        for (const op of page.ops) {
          if (lastSeq !== null && op.change.seq <= lastSeq) {
            throw new MirrorError(
              "ERR_MIRROR_FEED_ORDER",
              `The feed served change ${op.change.seq} after change ${lastSeq}: a change is never repeated or reordered.`,
            );
          }
          this.statements.insertChange.run(
            op.change.seq,
            op.change.kind,
            op.change.at,
            op.bulletin_id,
            op.outcome,
          );
          if (op.outcome === "applied") {
            if (op.content !== undefined) {
              const { indicators, ...bulletin } = op.content;
              this.statements.insertBulletin.run(bulletin);
              for (const indicator of indicators) {
                this.statements.insertIndicator.run(indicator, bulletin.id);
              }
            }
            this.statements.updateStatus.run(
              op.status,
              op.revocation === undefined ? null : JSON.stringify(op.revocation),
              op.bulletin_id,
            );
          } else {
            this.statements.insertSetAside.run(
              op.change.seq,
              op.bulletin_id,
              op.issuer,
              op.code,
              op.message,
            );
          }
          lastSeq = op.change.seq;
          lastAt = op.change.at;
        }
        this.statements.advance.run(page.next_cursor, lastSeq, lastAt, page.caught_up_at ?? null);
        return true;
      })
      .immediate();
  }

  entriesOf(indicators: readonly string[]): Map<string, MirroredEntry[]> {
    const found = new Map<string, MirroredEntry[]>();
    if (indicators.length === 0) return found;
    // Each indicator once: json_each would yield a repeated one once per repeat.
    const unique = JSON.stringify([...new Set(indicators)]);
    for (const row of this.statements.entries.all(unique)) {
      const { indicator, ...entry } = row;
      const list = found.get(indicator);
      if (list === undefined) found.set(indicator, [entry]);
      else list.push(entry);
    }
    return found;
  }

  indicatorsAfter(seq: number | null): string[] {
    return seq === null
      ? this.statements.allIndicators.all()
      : this.statements.indicatorsAfter.all(seq);
  }

  counts(now: Date): MirrorCounts {
    const bulletins = this.statements.countBulletins.get(now.toISOString());
    return {
      bulletins: bulletins?.all ?? 0,
      active_bulletins: bulletins?.active ?? 0,
      indicators: this.statements.countIndicators.get()?.n ?? 0,
      changes: this.statements.countChanges.get()?.n ?? 0,
      unverifiable: this.statements.countSetAside.get()?.n ?? 0,
    };
  }

  setAside(): SetAsideChange[] {
    return this.statements.setAside.all();
  }

  changes(): LoggedChange[] {
    return this.statements.changes.all();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
