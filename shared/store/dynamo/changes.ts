/**
 * The change log's store (shared/changes/port.ts) over the one table: bulletins, the
 * log of their changes, and the indicator index. What the embedded DynamoDB server
 * (no transactions) makes necessary stays in here:
 *
 * - **Index entries written ahead.** A publication writes its indicators' index
 *   entries `pending` before the conditional put that commits the bulletin, so it is
 *   screenable the moment it is accepted. A pending entry is confirmed against the
 *   bulletin item on read (`committedMatches`): one that never committed, or lost a
 *   race on its id to other content, is never a match.
 * - **Fixed-width status.** An entry's status and version are one character and one
 *   digit, so mirroring a change never grows an indicator head that is at the item
 *   size limit; should it ever not fit, the entry moves to an item of its own.
 * - **The sequence claim.** The log is one partition whose sort key is the gapless
 *   `seq`. A change first claims a position on its own bulletin item (a conditional
 *   update that names the position, `at` and receipt), then puts the log entry there
 *   with `attribute_not_exists`. The position is the tail's plus one, read strongly
 *   consistent, so N+1 never exists before N and a reader never passes a change a
 *   slower writer has yet to log. A claim moves only when its position turns out to
 *   hold another change, so a change is logged exactly once, whoever drives it; and
 *   a log entry, once written, is never changed — readers only read.
 */
import { Mutex } from "async-mutex";
import { mapConcurrent } from "../../async/concurrency.js";
import type {
  BulletinMeta,
  BulletinRecord,
  Revocation,
  StoredStatus,
} from "../../bulletins/types.js";
import { viewBytesBound } from "../../bulletins/view.js";
import { nextInstant } from "../../changes/instants.js";
import type {
  BulletinAccess,
  BulletinSummary,
  ChangeStep,
  ChangeStore,
  ReceiptSigner,
} from "../../changes/port.js";
import type { Change, ChangeKind, LoggedChange } from "../../changes/types.js";
import type { IndexedBulletin } from "../types.js";
import { INDICATOR_PREFIX, key, LOG_PK, OVERFLOW_PREFIX, workShard } from "./keys.js";
import { type Item, projectionOf, recordOf, type Table } from "./table.js";

/** Index entries are attributes of the indicator's head item, one per bulletin and content. */
const ENTRY_PREFIX = "b_";
const INDEX_WRITE_CONCURRENCY = 16;
const MAX_SEQUENCE_TRIES = 64;

/** Status codes of index entries: one character each, so a change never grows an item. */
const STATUS_CODES = { pending: "p", active: "a", revoked: "r", superseded: "s" } as const;
type StatusCode = (typeof STATUS_CODES)[keyof typeof STATUS_CODES];
const STATUS_OF_CODE: Record<StatusCode, StoredStatus | "pending"> = {
  p: "pending",
  a: "active",
  r: "revoked",
  s: "superseded",
};

/** An index entry as stored. */
type StoredEntry = Omit<IndexedBulletin, "status"> & { s: StatusCode; v: number };

const META_FIELDS = [
  "id",
  "issuer",
  "tlp",
  "category",
  "confidence",
  "issued_at",
  "valid_until",
  "received_at",
  "status",
  "recipients",
  "chains",
  "indicator_types",
  "changes",
  "revocation",
] as const satisfies readonly (keyof BulletinSummary)[];
const ACCESS_FIELDS = ["id", "issuer", "tlp", "recipients", "content_sha256"] as const;
/** What sequencing a change reads of its bulletin. */
const SEQUENCE_FIELDS = ["id", "issuer", "tlp", "recipients", "changes", "view_bytes"] as const;

export class DynamoChangeStore implements ChangeStore {
  /**
   * One sequence claim at a time per process: drivers in one process never race each
   * other for the tail (which costs every loser a round of requests), only drivers in
   * other processes do, and those back off.
   */
  private readonly sequencer = new Mutex();

  constructor(private readonly table: Table) {}

  async bulletin(id: string): Promise<BulletinRecord | undefined> {
    const item = await this.table.get(key.bulletin(id));
    return item?.id === id ? recordOf<BulletinRecord>(item) : undefined;
  }

  async bulletinByCanonicalId(canonicalId: string): Promise<BulletinRecord | undefined> {
    const item = await this.table.get(key.bulletin(canonicalId));
    return item === undefined ? undefined : recordOf<BulletinRecord>(item);
  }

  async bulletinAccess(id: string): Promise<BulletinAccess | undefined> {
    const item = await this.table.get(key.bulletin(id), projectionOf(ACCESS_FIELDS));
    return item?.id === id ? recordOf<BulletinAccess>(item) : undefined;
  }

  async bulletins(ids: readonly string[]): Promise<Map<string, BulletinRecord>> {
    const items = await this.table.batchGet(ids.map(key.bulletin));
    return byId(
      items.map((item) => recordOf<BulletinRecord>(item)),
      ids,
    );
  }

  async bulletinMetas(ids: readonly string[]): Promise<Map<string, BulletinSummary>> {
    const items = await this.table.batchGet(ids.map(key.bulletin), projectionOf(META_FIELDS));
    return byId(
      items.map((item) => recordOf<BulletinSummary>(item)),
      ids,
    );
  }

  async commitPublication(
    record: BulletinRecord,
    indicators: readonly string[],
    due: string,
  ): Promise<boolean> {
    await this.writeEntriesAhead(indicators, storedEntry(record, "p"));
    const k = key.bulletin(record.id);
    return this.table.putIf({
      Item: {
        ...k,
        kind: "bulletin",
        work_pk: workShard(k.pk),
        work_due: due,
        view_bytes: viewBytesBound(record),
        ...record,
      },
      ConditionExpression: "attribute_not_exists(pk)",
    });
  }

  commitRevocation(
    id: string,
    issuer: string,
    revocation: Revocation,
    due: string,
  ): Promise<boolean> {
    const k = key.bulletin(id);
    return this.table.updateIf({
      Key: k,
      UpdateExpression:
        "SET #status = :revoked, revocation = :revocation, changes.revoked = :change, #version = #version + :one, work_pk = :wpk, work_due = :due",
      ConditionExpression:
        "attribute_exists(pk) AND #id = :id AND issuer = :issuer AND #status <> :revoked",
      ExpressionAttributeNames: { "#id": "id", "#status": "status", "#version": "version" },
      ExpressionAttributeValues: {
        ":id": id,
        ":revoked": "revoked",
        ":revocation": revocation,
        ":change": { committed_at: revocation.revoked_at },
        ":one": 1,
        ":issuer": issuer,
        ":wpk": workShard(k.pk),
        ":due": due,
      },
    });
  }

  commitSupersession(
    id: string,
    issuer: string,
    by: string,
    committedAt: string,
    due: string,
  ): Promise<boolean> {
    const k = key.bulletin(id);
    return this.table.updateIf({
      Key: k,
      UpdateExpression:
        "SET #status = :superseded, superseded_by = :by, changes.superseded = :change, #version = #version + :one, work_pk = :wpk, work_due = :due",
      ConditionExpression:
        "attribute_exists(pk) AND #id = :id AND issuer = :issuer AND #status = :active AND attribute_not_exists(superseded_by)",
      ExpressionAttributeNames: { "#id": "id", "#status": "status", "#version": "version" },
      ExpressionAttributeValues: {
        ":id": id,
        ":superseded": "superseded",
        ":active": "active",
        ":by": by,
        ":change": { committed_at: committedAt },
        ":one": 1,
        ":issuer": issuer,
        ":wpk": workShard(k.pk),
        ":due": due,
      },
    });
  }

  sequence(
    record: BulletinRecord,
    kind: ChangeKind,
    now: Date,
    sign: ReceiptSigner,
  ): Promise<Change> {
    return this.sequencer.runExclusive(() => this.claimAndLog(record, kind, now, sign));
  }

  private async claimAndLog(
    record: BulletinRecord,
    kind: ChangeKind,
    now: Date,
    sign: ReceiptSigner,
  ): Promise<Change> {
    const id = record.id;
    for (let attempt = 0; attempt < MAX_SEQUENCE_TRIES; attempt += 1) {
      // A lost race means another process is logging too: let it finish first.
      if (attempt > 0) await jitter(attempt);
      // The caller's reading first; after a lost race, the item as it now is.
      const item: Item | undefined =
        attempt === 0
          ? { ...record, view_bytes: viewBytesBound(record) }
          : await this.table.get(key.bulletin(id), projectionOf(SEQUENCE_FIELDS));
      const state = (item?.changes as BulletinRecord["changes"] | undefined)?.[kind];
      if (item === undefined || state === undefined)
        throw new Error(`bulletin ${id} has no ${kind} change to sequence`);
      let expected: number | undefined;
      if (state.seq !== undefined && state.at !== undefined && state.receipt !== undefined) {
        const claimed = logEntryOf(item, kind, state.seq, state.at, state.receipt);
        if (await this.holds(claimed)) return changeOf(claimed);
        // Claimed but perhaps not yet logged (its writer may have died): log it where it
        // claimed, unless another change holds that place — then claim anew.
        if ((await this.putLogEntry(claimed)) || (await this.holds(claimed)))
          return changeOf(claimed);
        expected = state.seq;
      }
      const tail = await this.tail();
      const seq = tail === undefined ? 0 : tail.seq + 1;
      const at = nextInstant(now, tail?.at);
      const receipt = await sign(seq, at);
      const claimedNow = await this.table.updateIf({
        Key: key.bulletin(id),
        UpdateExpression:
          "SET changes.#k.seq = :seq, changes.#k.#at = :at, changes.#k.receipt = :receipt",
        ConditionExpression:
          expected === undefined
            ? "attribute_exists(changes.#k) AND attribute_not_exists(changes.#k.seq)"
            : "attribute_exists(changes.#k) AND changes.#k.seq = :expected",
        ExpressionAttributeNames: { "#k": kind, "#at": "at" },
        ExpressionAttributeValues: {
          ":seq": seq,
          ":at": at,
          ":receipt": receipt,
          ...(expected === undefined ? {} : { ":expected": expected }),
        },
      });
      if (!claimedNow) continue;
      const entry = logEntryOf(item, kind, seq, at, receipt);
      if (await this.putLogEntry(entry)) return changeOf(entry);
    }
    throw new Error(`could not give change ${kind} of ${id} a place in the log`);
  }

  async mirrorStatus(record: BulletinRecord, indicators: readonly string[]): Promise<void> {
    const attribute = entryAttribute(record);
    const code = STATUS_CODES[record.status];
    const values = { ":s": code, ":v": record.version, ":p": STATUS_CODES.pending };
    // Only forward: a mirror of an older version never overwrites a newer one.
    const fresher = "(#e.v < :v OR #e.s = :p)";
    await mapConcurrent(unique(indicators), INDEX_WRITE_CONCURRENCY, async (indicator) => {
      let inHead: boolean;
      try {
        inHead = await this.table.updateIf({
          Key: key.indicatorHead(indicator),
          UpdateExpression: "SET #e.s = :s, #e.v = :v",
          ConditionExpression: `attribute_exists(#e) AND ${fresher}`,
          ExpressionAttributeNames: { "#e": attribute },
          ExpressionAttributeValues: values,
        });
      } catch (error) {
        if (!isItemTooLarge(error)) throw error;
        await this.spill(indicator, record, code);
        return;
      }
      if (inHead) return;
      await this.table.updateIf({
        Key: key.indicatorOverflow(indicator, attribute),
        UpdateExpression: "SET #e.s = :s, #e.v = :v",
        ConditionExpression: `attribute_exists(#e) AND ${fresher}`,
        ExpressionAttributeNames: { "#e": "entry" },
        ExpressionAttributeValues: values,
      });
    });
  }

  async markDone(
    id: string,
    kind: ChangeKind,
    step: ChangeStep,
  ): Promise<BulletinRecord | undefined> {
    const item = await this.table.updateReturning({
      Key: key.bulletin(id),
      // Every step comes after the change is logged, so each records that too.
      UpdateExpression: "SET changes.#k.#step = :yes, changes.#k.logged = :yes",
      ConditionExpression: "attribute_exists(changes.#k)",
      ExpressionAttributeNames: { "#k": kind, "#step": step },
      ExpressionAttributeValues: { ":yes": true },
    });
    return item === undefined ? undefined : recordOf<BulletinRecord>(item);
  }

  async finish(id: string, version: number): Promise<void> {
    await this.table.updateIf({
      Key: key.bulletin(id),
      UpdateExpression: "REMOVE work_pk, work_due, work_tries",
      ConditionExpression: "#version = :version",
      ExpressionAttributeNames: { "#version": "version" },
      ExpressionAttributeValues: { ":version": version },
    });
  }

  async changesAfter(afterSeq: number, limit: number): Promise<LoggedChange[]> {
    const { items } = await this.table.query({
      KeyConditionExpression: afterSeq < 0 ? "pk = :pk" : "pk = :pk AND sk > :after",
      ExpressionAttributeValues: {
        ":pk": LOG_PK,
        ...(afterSeq < 0 ? {} : { ":after": key.change(afterSeq).sk }),
      },
      ConsistentRead: true,
      Limit: limit,
    });
    return items.map(loggedChangeOf);
  }

  async lastChange(): Promise<LoggedChange | undefined> {
    const { items } = await this.table.query({
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": LOG_PK },
      ScanIndexForward: false,
      ConsistentRead: true,
      Limit: 1,
    });
    return items[0] === undefined ? undefined : loggedChangeOf(items[0]);
  }

  async committedMatches(indicators: readonly string[]): Promise<Map<string, IndexedBulletin[]>> {
    const found = await this.lookup(indicators);
    const pending = [
      ...new Set(
        [...found.values()]
          .flat()
          .filter((e) => e.s === "p")
          .map((e) => e.id),
      ),
    ];
    const committed =
      pending.length === 0
        ? new Map<string, Item>()
        : new Map(
            (
              await this.table.batchGet(
                pending.map(key.bulletin),
                projectionOf(["id", "status", "content_sha256"]),
              )
            ).map((item) => [String(item.id), item] as const),
          );
    const matches = new Map<string, IndexedBulletin[]>();
    for (const [indicator, entries] of found) {
      const confirmed = entries.flatMap((entry): IndexedBulletin[] => {
        const { s, v: _v, ...fields } = entry;
        if (s !== "p") return [{ ...fields, status: STATUS_OF_CODE[s] as StoredStatus }];
        // Written ahead: real only if its bulletin committed with this very content.
        const bulletin = committed.get(entry.id);
        if (bulletin === undefined || bulletin.content_sha256 !== entry.content_sha256) return [];
        return [{ ...fields, status: bulletin.status as StoredStatus }];
      });
      if (confirmed.length > 0) matches.set(indicator, confirmed);
    }
    return matches;
  }

  /** The stored entries of each indicator (head and overflow items), newest version of each. */
  private async lookup(indicators: readonly string[]): Promise<Map<string, StoredEntry[]>> {
    const heads = await this.table.batchGet(unique(indicators).map(key.indicatorHead));
    const found = new Map<string, StoredEntry[]>();
    await Promise.all(
      heads.map(async (head) => {
        const indicator = String(head.pk).slice(INDICATOR_PREFIX.length);
        const entries = new Map<string, StoredEntry>();
        for (const [name, value] of Object.entries(head)) {
          if (name.startsWith(ENTRY_PREFIX)) entries.set(name, value as StoredEntry);
        }
        if (head.overflow === true) {
          const spilled = await this.table.queryAll({
            KeyConditionExpression: "pk = :pk AND begins_with(sk, :entry)",
            ExpressionAttributeValues: { ":pk": head.pk, ":entry": OVERFLOW_PREFIX },
            ConsistentRead: true,
          });
          for (const item of spilled) {
            const name = String(item.sk).slice(OVERFLOW_PREFIX.length);
            const entry = item.entry as StoredEntry;
            const inHead = entries.get(name);
            // Mid-spill, an entry is in both places: the later version counts.
            if (inHead === undefined || entry.v >= inHead.v) entries.set(name, entry);
          }
        }
        found.set(indicator, [...entries.values()]);
      }),
    );
    return found;
  }

  private async writeEntriesAhead(
    indicators: readonly string[],
    entry: StoredEntry,
  ): Promise<void> {
    const attribute = entryAttribute(entry);
    await mapConcurrent(unique(indicators), INDEX_WRITE_CONCURRENCY, async (indicator) => {
      try {
        await this.table.updateIf({
          Key: key.indicatorHead(indicator),
          UpdateExpression: "SET #entry = :entry, kind = :kind",
          ExpressionAttributeNames: { "#entry": attribute },
          ExpressionAttributeValues: { ":entry": entry, ":kind": "indicator" },
        });
      } catch (error) {
        if (!isItemTooLarge(error)) throw error;
        // A much-named indicator (a mixer's contract, say): the head is full, so this
        // entry gets an item of its own and the head says to look for such items.
        await this.putOverflow(indicator, attribute, entry);
      }
    });
  }

  /** Moves an entry that no longer fits its head into an item of its own. */
  private async spill(indicator: string, record: BulletinRecord, code: StatusCode): Promise<void> {
    const attribute = entryAttribute(record);
    await this.putOverflow(indicator, attribute, { ...storedEntry(record, code) });
    await this.table.updateIf({
      Key: key.indicatorHead(indicator),
      UpdateExpression: "REMOVE #e",
      ExpressionAttributeNames: { "#e": attribute },
    });
  }

  private async putOverflow(
    indicator: string,
    attribute: string,
    entry: StoredEntry,
  ): Promise<void> {
    await this.table.put({
      ...key.indicatorOverflow(indicator, attribute),
      kind: "indicator-overflow",
      entry,
    });
    await this.table.updateIf({
      Key: key.indicatorHead(indicator),
      UpdateExpression: "SET overflow = :yes",
      ExpressionAttributeValues: { ":yes": true },
    });
  }

  private async tail(): Promise<{ seq: number; at: string } | undefined> {
    const { items } = await this.table.query({
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": LOG_PK },
      ScanIndexForward: false,
      ConsistentRead: true,
      Limit: 1,
      ...projectionOf(["seq", "at"]),
    });
    const last = items[0];
    return last === undefined ? undefined : { seq: Number(last.seq), at: String(last.at) };
  }

  /** Whether the log holds this change at its position. */
  private async holds(entry: LoggedChange): Promise<boolean> {
    const held = await this.table.get(
      key.change(entry.seq),
      projectionOf(["bulletin_id", "change_kind"]),
    );
    return held?.bulletin_id === entry.bulletin_id && held?.change_kind === entry.kind;
  }

  private putLogEntry(entry: LoggedChange): Promise<boolean> {
    return this.table.putIf({
      Item: {
        ...key.change(entry.seq),
        kind: "change",
        seq: entry.seq,
        change_kind: entry.kind,
        at: entry.at,
        receipt: entry.receipt,
        bulletin_id: entry.bulletin_id,
        issuer: entry.issuer,
        tlp: entry.tlp,
        recipients: entry.recipients,
        view_bytes: entry.view_bytes,
      },
      ConditionExpression: "attribute_not_exists(pk)",
    });
  }
}

function logEntryOf(
  bulletin: Item,
  kind: ChangeKind,
  seq: number,
  at: string,
  receipt: string,
): LoggedChange {
  return {
    seq,
    kind,
    at,
    receipt,
    bulletin_id: String(bulletin.id),
    issuer: String(bulletin.issuer),
    tlp: bulletin.tlp as LoggedChange["tlp"],
    recipients: (bulletin.recipients ?? []) as string[],
    view_bytes: Number(bulletin.view_bytes ?? 0),
  };
}

function loggedChangeOf(item: Item): LoggedChange {
  return {
    seq: Number(item.seq),
    kind: item.change_kind as ChangeKind,
    at: String(item.at),
    receipt: String(item.receipt),
    bulletin_id: String(item.bulletin_id),
    issuer: String(item.issuer),
    tlp: item.tlp as LoggedChange["tlp"],
    recipients: (item.recipients ?? []) as string[],
    view_bytes: Number(item.view_bytes ?? 0),
  };
}

function changeOf(entry: LoggedChange): Change {
  return { seq: entry.seq, kind: entry.kind, at: entry.at, receipt: entry.receipt };
}

function storedEntry(
  record: BulletinMeta & Pick<BulletinRecord, "content_sha256" | "version">,
  s: StatusCode,
): StoredEntry {
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
    content_sha256: record.content_sha256,
    s,
    v: record.version,
  };
}

/** The records asked for, by id: an item holding another id of the same canonical id is not one. */
function byId<T extends { id: string }>(records: T[], asked: readonly string[]): Map<string, T> {
  const wanted = new Set(asked);
  return new Map(records.filter((r) => wanted.has(r.id)).map((record) => [record.id, record]));
}

/** One entry per bulletin and content: a racing publish of the same id cannot overwrite the committed one's. */
function entryAttribute(entry: Pick<IndexedBulletin, "id" | "content_sha256">): string {
  return `${ENTRY_PREFIX}${entry.id}_${entry.content_sha256.slice(0, 32)}`;
}

function jitter(attempt: number): Promise<void> {
  const ms = Math.min(200, 5 * 2 ** Math.min(attempt, 6)) * Math.random();
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function isItemTooLarge(error: unknown): boolean {
  return (
    error instanceof Error &&
    error.name === "ValidationException" &&
    /item size|maximum allowed size/i.test(error.message)
  );
}
