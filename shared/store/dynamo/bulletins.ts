/**
 * Bulletins and the indicator index. A publish writes index entries first (idempotent,
 * harmless if the commit never comes), then commits with one conditional put of the
 * bulletin item; screening confirms index entries against committed bulletins.
 */
import { mapConcurrent } from "../../async/concurrency.js";
import type {
  BulletinMeta,
  BulletinRecord,
  ChangeKind,
  Revocation,
  StoredStatus,
} from "../../bulletins/types.js";
import type { BulletinStore, IndexedBulletin, IndexedRef } from "../types.js";
import { INDICATOR_PREFIX, key, OVERFLOW_PREFIX, workShard } from "./keys.js";
import { projectionOf, recordOf, type Table } from "./table.js";

/** Index entries are attributes of the indicator's head item, one per bulletin. */
const ENTRY_PREFIX = "b_";
const INDEX_WRITE_CONCURRENCY = 16;

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
] as const satisfies readonly (keyof BulletinMeta)[];

export class DynamoBulletinStore implements BulletinStore {
  constructor(private readonly table: Table) {}

  async getBulletin(id: string): Promise<BulletinRecord | undefined> {
    const item = await this.table.get(key.bulletin(id));
    return item === undefined ? undefined : recordOf<BulletinRecord>(item);
  }

  async getBulletins(ids: readonly string[]): Promise<Map<string, BulletinRecord>> {
    const items = await this.table.batchGet(ids.map(key.bulletin));
    return byId(items.map((item) => recordOf<BulletinRecord>(item)));
  }

  async getBulletinMetas(ids: readonly string[]): Promise<Map<string, BulletinMeta>> {
    const items = await this.table.batchGet(ids.map(key.bulletin), projectionOf(META_FIELDS));
    return byId(items.map((item) => recordOf<BulletinMeta>(item)));
  }

  async indexBulletin(normalised: readonly string[], entry: IndexedBulletin): Promise<void> {
    await mapConcurrent(unique(normalised), INDEX_WRITE_CONCURRENCY, async (indicator) => {
      try {
        await this.table.updateIf({
          Key: key.indicatorHead(indicator),
          UpdateExpression: "SET #entry = :entry, kind = :kind",
          ExpressionAttributeNames: { "#entry": entryAttribute(entry) },
          ExpressionAttributeValues: { ":entry": entry, ":kind": "indicator" },
        });
      } catch (error) {
        if (!isItemTooLarge(error)) throw error;
        // A much-named indicator (a mixer's contract, say): the head is full, so this
        // entry gets an item of its own and the head says to look for such items.
        await this.table.put({
          ...key.indicatorOverflow(indicator, entryAttribute(entry)),
          kind: "indicator-overflow",
          entry,
        });
        await this.table.updateIf({
          Key: key.indicatorHead(indicator),
          UpdateExpression: "SET overflow = :yes",
          ExpressionAttributeValues: { ":yes": true },
        });
      }
    });
  }

  async setIndexedStatus(
    normalised: readonly string[],
    entry: IndexedRef,
    status: StoredStatus,
  ): Promise<void> {
    await mapConcurrent(unique(normalised), INDEX_WRITE_CONCURRENCY, async (indicator) => {
      const inHead = await this.table.updateIf({
        Key: key.indicatorHead(indicator),
        UpdateExpression: "SET #entry.#status = :status",
        ConditionExpression: "attribute_exists(#entry)",
        ExpressionAttributeNames: { "#entry": entryAttribute(entry), "#status": "status" },
        ExpressionAttributeValues: { ":status": status },
      });
      if (inHead) return;
      await this.table.updateIf({
        Key: key.indicatorOverflow(indicator, entryAttribute(entry)),
        UpdateExpression: "SET #entry.#status = :status",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeNames: { "#entry": "entry", "#status": "status" },
        ExpressionAttributeValues: { ":status": status },
      });
    });
  }

  async lookupIndicators(normalised: readonly string[]): Promise<Map<string, IndexedBulletin[]>> {
    const heads = await this.table.batchGet(unique(normalised).map(key.indicatorHead));
    const found = new Map<string, IndexedBulletin[]>();
    await Promise.all(
      heads.map(async (head) => {
        const indicator = String(head.pk).slice(INDICATOR_PREFIX.length);
        const entries = Object.entries(head)
          .filter(([name]) => name.startsWith(ENTRY_PREFIX))
          .map(([, value]) => value as IndexedBulletin);
        if (head.overflow === true) {
          const spilled = await this.table.queryAll({
            KeyConditionExpression: "pk = :pk AND begins_with(sk, :entry)",
            ExpressionAttributeValues: { ":pk": head.pk, ":entry": OVERFLOW_PREFIX },
            ConsistentRead: true,
          });
          entries.push(...spilled.map((item) => item.entry as IndexedBulletin));
        }
        found.set(indicator, entries);
      }),
    );
    return found;
  }

  async activeContents(ids: readonly string[]): Promise<Map<string, string>> {
    const items = await this.table.batchGet(
      ids.map(key.bulletin),
      projectionOf(["id", "status", "content_sha256"]),
    );
    return new Map(
      items
        .filter((item) => item.status === "active")
        .map((item) => [String(item.id), String(item.content_sha256)]),
    );
  }

  commitBulletin(record: BulletinRecord, workDue: string): Promise<boolean> {
    const k = key.bulletin(record.id);
    return this.table.putIf({
      Item: { ...k, kind: "bulletin", work_pk: workShard(k.pk), work_due: workDue, ...record },
      ConditionExpression: "attribute_not_exists(pk)",
    });
  }

  revokeBulletin(
    id: string,
    issuer: string,
    revocation: Revocation,
    workDue: string,
  ): Promise<boolean> {
    const k = key.bulletin(id);
    return this.table.updateIf({
      Key: k,
      UpdateExpression:
        "SET #status = :revoked, revocation = :revocation, changes.revoked = :change, #version = #version + :one, work_pk = :wpk, work_due = :due",
      ConditionExpression: "attribute_exists(pk) AND issuer = :issuer AND #status <> :revoked",
      ExpressionAttributeNames: { "#status": "status", "#version": "version" },
      ExpressionAttributeValues: {
        ":revoked": "revoked",
        ":revocation": revocation,
        ":change": { at: revocation.revoked_at },
        ":one": 1,
        ":issuer": issuer,
        ":wpk": workShard(k.pk),
        ":due": workDue,
      },
    });
  }

  supersedeBulletin(
    id: string,
    issuer: string,
    by: string,
    at: string,
    workDue: string,
  ): Promise<boolean> {
    const k = key.bulletin(id);
    return this.table.updateIf({
      Key: k,
      UpdateExpression:
        "SET #status = :superseded, superseded_by = :by, changes.superseded = :change, #version = #version + :one, work_pk = :wpk, work_due = :due",
      ConditionExpression:
        "attribute_exists(pk) AND issuer = :issuer AND #status = :active AND attribute_not_exists(superseded_by)",
      ExpressionAttributeNames: { "#status": "status", "#version": "version" },
      ExpressionAttributeValues: {
        ":superseded": "superseded",
        ":active": "active",
        ":by": by,
        ":change": { at },
        ":one": 1,
        ":issuer": issuer,
        ":wpk": workShard(k.pk),
        ":due": workDue,
      },
    });
  }

  async claimChangeSeq(id: string, change: ChangeKind, seq: number): Promise<number> {
    const claimed = await this.table.updateIf({
      Key: key.bulletin(id),
      UpdateExpression: "SET changes.#change.seq = :seq",
      ConditionExpression:
        "attribute_exists(changes.#change) AND attribute_not_exists(changes.#change.seq)",
      ExpressionAttributeNames: { "#change": change },
      ExpressionAttributeValues: { ":seq": seq },
    });
    if (claimed) return seq;
    const current = await this.getBulletin(id);
    const held = current?.changes[change]?.seq;
    if (held === undefined) throw new Error(`change ${change} of ${id} has no feed position`);
    return held;
  }

  async markFannedOut(id: string, change: ChangeKind): Promise<BulletinRecord | undefined> {
    const item = await this.table.updateReturning(markChange(id, change, "fanned_out"));
    return item === undefined ? undefined : recordOf<BulletinRecord>(item);
  }

  async markIndexed(id: string, change: ChangeKind): Promise<void> {
    await this.table.updateIf(markChange(id, change, "indexed"));
  }

  async clearBulletinWork(id: string, version: number): Promise<void> {
    await this.table.updateIf({
      Key: key.bulletin(id),
      UpdateExpression: "REMOVE work_pk, work_due",
      ConditionExpression: "#version = :version",
      ExpressionAttributeNames: { "#version": "version" },
      ExpressionAttributeValues: { ":version": version },
    });
  }
}

function byId<T extends { id: string }>(records: T[]): Map<string, T> {
  return new Map(records.map((record) => [record.id, record]));
}

/** One entry per bulletin and content: a racing publish of the same id cannot overwrite the committed one's. */
function entryAttribute(entry: IndexedRef): string {
  return `${ENTRY_PREFIX}${entry.id}_${entry.content_sha256.slice(0, 32)}`;
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

/** Sets one flag of a change the bulletin has. */
function markChange(id: string, change: ChangeKind, flag: "fanned_out" | "indexed") {
  return {
    Key: key.bulletin(id),
    UpdateExpression: "SET changes.#change.#flag = :yes",
    ConditionExpression: "attribute_exists(changes.#change)",
    ExpressionAttributeNames: { "#change": change, "#flag": flag },
    ExpressionAttributeValues: { ":yes": true },
  };
}
