/**
 * The single table's key schema and indexes, shared by the local runtime (which
 * creates the table) and the CDK stack (which declares it), so they cannot drift.
 * docs/store.md explains each entity and the queries its keys serve.
 *
 * The only index is the outbox's, read by the sweeper, which tolerates its lag: no
 * decision about visibility, recipients, fan-out targets or admins reads an index
 * (DESIGN §10); those read the table itself, strongly consistent.
 */
import type { GlobalSecondaryIndex } from "@aws-sdk/client-dynamodb";

export const PARTITION_KEY = "pk";
export const SORT_KEY = "sk";
export const TTL_ATTRIBUTE = "ttl";

/** The outbox: sparse; only items that still have work to finish carry its keys. */
export const WORK_INDEX = { name: "work", partitionKey: "work_pk", sortKey: "work_due" } as const;
/** The outbox index is sharded so that a burst of deliveries does not heat one partition. */
export const WORK_SHARDS = 8;

/**
 * What the sweeper needs beside the keys: the item's kind, and the bulletin's own id
 * (`id` on a bulletin, `bulletin_id` on a sighting) — its key holds the canonical id
 * (keys.ts), which may differ from the id in its last bits.
 */
export const WORK_INDEX_PROJECTED = ["kind", "id", "bulletin_id"];

/** The indexes in the DynamoDB API's (and CloudFormation's) own shape. */
export const GLOBAL_SECONDARY_INDEXES: GlobalSecondaryIndex[] = [
  {
    IndexName: WORK_INDEX.name,
    KeySchema: [
      { AttributeName: WORK_INDEX.partitionKey, KeyType: "HASH" },
      { AttributeName: WORK_INDEX.sortKey, KeyType: "RANGE" },
    ],
    Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: [...WORK_INDEX_PROJECTED] },
  },
];
