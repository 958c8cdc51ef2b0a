/**
 * An in-memory fake of the change log's store port (shared/changes/port.ts), for unit
 * tests of the change protocol. It keeps the port's promises — a commit is one atomic
 * check-and-write, the log is gapless with `at` increasing, a change is logged once,
 * index entries follow only fresher mirrors — and lets a test make any call fail, to
 * play a process that dies between two steps.
 */

import { canonicalBulletinId } from "../../shared/bulletins/canonical-id.js";
import type { BulletinRecord, Revocation } from "../../shared/bulletins/types.js";
import { viewBytesBound } from "../../shared/bulletins/view.js";
import { nextInstant } from "../../shared/changes/instants.js";
import type {
  BulletinAccess,
  BulletinSummary,
  ChangeStep,
  ChangeStore,
  ReceiptSigner,
} from "../../shared/changes/port.js";
import type { Change, ChangeKind, LoggedChange } from "../../shared/changes/types.js";
import type { IndexedBulletin } from "../../shared/store/types.js";

type Entry = IndexedBulletin & { version: number; pending: boolean };

export class MemoryChangeStore implements ChangeStore {
  readonly records = new Map<string, BulletinRecord>();
  readonly log: LoggedChange[] = [];
  /** indicator → entries by bulletin id */
  readonly index = new Map<string, Map<string, Entry>>();
  /** Bulletins on the outbox, with their due time. */
  readonly outbox = new Map<string, string>();
  /** Every call made, in order: `method:id[:kind]`. */
  readonly calls: string[] = [];
  private failures = new Map<string, number>();
  private dieAfterClaims = 0;

  /** Makes the next sequence claim its place on the bulletin, then die before logging it. */
  dieAfterNextClaim(): void {
    this.dieAfterClaims += 1;
  }

  /** Makes the next `times` calls of `method` throw, as a process dying there would. */
  failNext(method: keyof ChangeStore, times = 1): void {
    this.failures.set(method, times);
  }

  private enter(method: keyof ChangeStore, label: string): void {
    this.calls.push(`${method}:${label}`);
    const left = this.failures.get(method) ?? 0;
    if (left > 0) {
      this.failures.set(method, left - 1);
      throw new Error(`injected failure in ${method}`);
    }
  }

  async bulletin(id: string): Promise<BulletinRecord | undefined> {
    this.enter("bulletin", id);
    const record = this.records.get(id);
    return record === undefined ? undefined : structuredClone(record);
  }

  async bulletinByCanonicalId(canonicalId: string): Promise<BulletinRecord | undefined> {
    this.enter("bulletinByCanonicalId", canonicalId);
    const record = [...this.records.values()].find(
      (r) => canonicalBulletinId(r.id) === canonicalId,
    );
    return record === undefined ? undefined : structuredClone(record);
  }

  async bulletinAccess(id: string): Promise<BulletinAccess | undefined> {
    this.enter("bulletinAccess", id);
    const r = this.records.get(id);
    if (r === undefined) return undefined;
    return {
      id: r.id,
      issuer: r.issuer,
      tlp: r.tlp,
      recipients: r.recipients,
      content_sha256: r.content_sha256,
    };
  }

  async bulletins(ids: readonly string[]): Promise<Map<string, BulletinRecord>> {
    this.enter("bulletins", ids.join(","));
    return new Map(
      ids.flatMap((id) => {
        const r = this.records.get(id);
        return r === undefined ? [] : [[id, structuredClone(r)] as const];
      }),
    );
  }

  async bulletinMetas(ids: readonly string[]): Promise<Map<string, BulletinSummary>> {
    this.enter("bulletinMetas", ids.join(","));
    return this.bulletins(ids);
  }

  async commitPublication(
    record: BulletinRecord,
    indicators: readonly string[],
    due: string,
  ): Promise<boolean> {
    this.enter("commitPublication", record.id);
    for (const indicator of indicators) {
      const entries = this.index.get(indicator) ?? new Map<string, Entry>();
      this.index.set(indicator, entries);
      const key = `${record.id}/${record.content_sha256}`;
      entries.set(key, { ...indexed(record), version: record.version, pending: true });
    }
    // A taken id, or one with the same canonical id (shared/bulletins/canonical-id.ts).
    const canonical = canonicalBulletinId(record.id);
    if ([...this.records.keys()].some((id) => canonicalBulletinId(id) === canonical)) return false;
    this.records.set(record.id, structuredClone(record));
    this.outbox.set(record.id, due);
    return true;
  }

  async commitRevocation(
    id: string,
    issuer: string,
    revocation: Revocation,
    due: string,
  ): Promise<boolean> {
    this.enter("commitRevocation", id);
    const r = this.records.get(id);
    if (r === undefined || r.issuer !== issuer || r.status === "revoked") return false;
    r.status = "revoked";
    r.revocation = revocation;
    r.changes.revoked = { committed_at: revocation.revoked_at };
    r.version += 1;
    this.outbox.set(id, due);
    return true;
  }

  async commitSupersession(
    id: string,
    issuer: string,
    by: string,
    committedAt: string,
    due: string,
  ): Promise<boolean> {
    this.enter("commitSupersession", id);
    const r = this.records.get(id);
    if (
      r === undefined ||
      r.issuer !== issuer ||
      r.status !== "active" ||
      r.superseded_by !== undefined
    )
      return false;
    r.status = "superseded";
    r.superseded_by = by;
    r.changes.superseded = { committed_at: committedAt };
    r.version += 1;
    this.outbox.set(id, due);
    return true;
  }

  async sequence(
    given: BulletinRecord,
    kind: ChangeKind,
    now: Date,
    sign: ReceiptSigner,
  ): Promise<Change> {
    const id = given.id;
    this.enter("sequence", `${id}:${kind}`);
    const r = this.records.get(id);
    const state = r?.changes[kind];
    if (r === undefined || state === undefined) throw new Error(`no ${kind} change of ${id}`);
    const logged = this.log.find((e) => e.bulletin_id === id && e.kind === kind);
    if (logged !== undefined) return changeOf(logged);
    const seq = this.log.length;
    if (this.dieAfterClaims > 0) {
      this.dieAfterClaims -= 1;
      const at = nextInstant(now, this.log.at(-1)?.at);
      Object.assign(state, { seq, at, receipt: await sign(seq, at) });
      throw new Error("injected death between the claim and the log entry");
    }
    const at = nextInstant(now, this.log.at(-1)?.at);
    const receipt = await sign(seq, at);
    // While it signed, another driver may have logged it, or another change taken the place.
    const raced = this.log.find((e) => e.bulletin_id === id && e.kind === kind);
    if (raced !== undefined) return changeOf(raced);
    if (this.log.length !== seq) return this.sequence(given, kind, now, sign);
    this.log.push({
      seq,
      kind,
      at,
      receipt,
      bulletin_id: id,
      issuer: r.issuer,
      tlp: r.tlp,
      recipients: r.recipients,
      view_bytes: viewBytesBound(r),
    });
    Object.assign(state, { seq, at, receipt });
    return { seq, kind, at, receipt };
  }

  async mirrorStatus(record: BulletinRecord, indicators: readonly string[]): Promise<void> {
    this.enter("mirrorStatus", record.id);
    for (const indicator of indicators) {
      const entry = this.index.get(indicator)?.get(`${record.id}/${record.content_sha256}`);
      if (entry === undefined) continue;
      if (entry.version < record.version || entry.pending) {
        entry.status = record.status;
        entry.version = record.version;
        entry.pending = false;
      }
    }
  }

  async markDone(
    id: string,
    kind: ChangeKind,
    step: ChangeStep,
  ): Promise<BulletinRecord | undefined> {
    this.enter("markDone", `${id}:${kind}:${step}`);
    const r = this.records.get(id);
    const state = r?.changes[kind];
    if (r === undefined || state === undefined) return undefined;
    state[step] = true;
    state.logged = true;
    return structuredClone(r);
  }

  async finish(id: string, version: number): Promise<void> {
    this.enter("finish", id);
    if (this.records.get(id)?.version === version) this.outbox.delete(id);
  }

  async changesAfter(afterSeq: number, limit: number): Promise<LoggedChange[]> {
    this.enter("changesAfter", String(afterSeq));
    return this.log.filter((e) => e.seq > afterSeq).slice(0, limit);
  }

  async lastChange(): Promise<LoggedChange | undefined> {
    this.enter("lastChange", "");
    return this.log.at(-1);
  }

  async committedMatches(indicators: readonly string[]): Promise<Map<string, IndexedBulletin[]>> {
    this.enter("committedMatches", indicators.join(","));
    const found = new Map<string, IndexedBulletin[]>();
    for (const indicator of indicators) {
      const entries = [...(this.index.get(indicator)?.values() ?? [])].flatMap(
        (e): IndexedBulletin[] => {
          const { version: _v, pending, ...fields } = e;
          if (!pending) return [fields];
          const r = this.records.get(e.id);
          return r !== undefined && r.content_sha256 === e.content_sha256
            ? [{ ...fields, status: r.status }]
            : [];
        },
      );
      if (entries.length > 0) found.set(indicator, entries);
    }
    return found;
  }
}

function indexed(record: BulletinRecord): IndexedBulletin {
  return {
    id: record.id,
    issuer: record.issuer,
    tlp: record.tlp,
    category: record.category,
    confidence: record.confidence,
    issued_at: record.issued_at,
    valid_until: record.valid_until,
    received_at: record.received_at,
    recipients: record.recipients,
    status: record.status,
    content_sha256: record.content_sha256,
  };
}

function changeOf(entry: LoggedChange): Change {
  return { seq: entry.seq, kind: entry.kind, at: entry.at, receipt: entry.receipt };
}
