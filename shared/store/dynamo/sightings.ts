/** Sightings live in their bulletin's partition, newest first by ULID. */
import type { SightingRecord } from "../../sightings/types.js";
import type { Page, SightingStore } from "../types.js";
import { key, workShard } from "./keys.js";
import { decodeCursor, encodeCursor, recordOf, type Table } from "./table.js";

export class DynamoSightingStore implements SightingStore {
  constructor(private readonly table: Table) {}

  async putSighting(record: SightingRecord, workDue: string): Promise<void> {
    const k = key.sighting(record.bulletin_id, record.id);
    const written = await this.table.putIf({
      Item: { ...k, kind: "sighting", work_pk: workShard(k.pk), work_due: workDue, ...record },
      ConditionExpression: "attribute_not_exists(pk)",
    });
    if (!written) throw new Error(`sighting ${record.id} exists`);
  }

  async getSighting(bulletinId: string, sightingId: string): Promise<SightingRecord | undefined> {
    const item = await this.table.get(key.sighting(bulletinId, sightingId));
    return item === undefined ? undefined : recordOf<SightingRecord>(item);
  }

  async listSightings(
    bulletinId: string,
    limit: number,
    cursor: string | undefined,
  ): Promise<Page<SightingRecord>> {
    const pk = key.bulletin(bulletinId).pk;
    const after = decodeCursor(cursor, (sk) => sk.startsWith("SIG#"));
    const { items, last } = await this.table.query({
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :sig)",
      ExpressionAttributeValues: { ":pk": pk, ":sig": "SIG#" },
      ScanIndexForward: false,
      ConsistentRead: true,
      Limit: limit,
      ExclusiveStartKey: after === undefined ? undefined : { pk, sk: after },
    });
    return {
      items: items.map((item) => recordOf<SightingRecord>(item)),
      next: last === undefined ? undefined : encodeCursor(String(last.sk)),
    };
  }

  async markSightingFannedOut(bulletinId: string, sightingId: string): Promise<void> {
    await this.table.updateIf({
      Key: key.sighting(bulletinId, sightingId),
      UpdateExpression: "SET fanned_out = :yes REMOVE work_pk, work_due",
      ConditionExpression: "attribute_exists(pk)",
      ExpressionAttributeValues: { ":yes": true },
    });
  }
}
