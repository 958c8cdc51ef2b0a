/**
 * Bulletins and the indicator index. A publish writes index entries first (idempotent,
 * harmless if the commit never comes), then commits with one conditional put of the
 * bulletin item; readers of the index always confirm against that item.
 */
import type {
  BulletinMeta,
  BulletinRecord,
  ChangeKind,
  Revocation,
} from "../../bulletins/types.js";
import type { BulletinStore, IndexEntry } from "../types.js";
import { key, workShard } from "./keys.js";
import { type Item, projectionOf, recordOf, type Table } from "./table.js";

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

  async putIndexEntries(entries: readonly IndexEntry[]): Promise<void> {
    const items: Item[] = [];
    const heads = new Set<string>();
    for (const entry of entries) {
      if (!heads.has(entry.normalised)) {
        heads.add(entry.normalised);
        items.push({ ...key.indicatorHead(entry.normalised), kind: "indicator-head" });
      }
      items.push({
        ...key.indicatorEntry(entry.normalised, entry.received_at, entry.bulletin_id),
        kind: "indicator-entry",
        bulletin_id: entry.bulletin_id,
      });
    }
    await this.table.batchPut(items);
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

  async markFannedOut(id: string, change: ChangeKind): Promise<void> {
    await this.table.updateIf({
      Key: key.bulletin(id),
      UpdateExpression: "SET changes.#change.fanned_out = :yes",
      ConditionExpression: "attribute_exists(changes.#change)",
      ExpressionAttributeNames: { "#change": change },
      ExpressionAttributeValues: { ":yes": true },
    });
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

  async indicatorsWithEntries(normalised: readonly string[]): Promise<Set<string>> {
    const items = await this.table.batchGet(
      normalised.map(key.indicatorHead),
      projectionOf(["pk"]),
    );
    return new Set(items.map((item) => String(item.pk).slice("IND#".length)));
  }

  async bulletinsNaming(normalised: string): Promise<string[]> {
    const items = await this.table.queryAll({
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :entry)",
      ExpressionAttributeValues: { ":pk": key.indicatorHead(normalised).pk, ":entry": "B#" },
      ProjectionExpression: "bulletin_id",
      ScanIndexForward: false,
      ConsistentRead: true,
    });
    return [...new Set(items.map((item) => String(item.bulletin_id)))];
  }
}

function byId<T extends { id: string }>(records: T[]): Map<string, T> {
  return new Map(records.map((record) => [record.id, record]));
}
