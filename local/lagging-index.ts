/**
 * A test double for the one DynamoDB behaviour the embedded servers hide: a global
 * secondary index is eventually consistent. Behind it, every Query or Scan that names
 * an index answers from the table as it stood `lagMs` ago, as a real GSI may (the
 * base table's reads stay strongly consistent). Used by the local runtime only when
 * $CORDON_TEST_GSI_LAG_MS is set (`npm run test:lagging-index`).
 *
 * How: a lagging replica. A second table with the same definition holds the indexed
 * items; an SDK middleware on the hub's client notes every write (Put, Update, Delete,
 * BatchWrite, TransactWrite), reads the item's new image at once with a consistent
 * GetItem, and applies that image to the replica `lagMs` after the write returned — in
 * write order per key, reads and applies each one after the other, so the replica
 * never steps back. Queries and scans with `IndexName` are
 * sent to the replica, whose own indexes give the exact GSI semantics of the server
 * underneath (dynalite or DynamoDB Local) without a model of ours.
 */
import {
  type AttributeValue,
  BatchWriteItemCommand,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
} from "@aws-sdk/client-dynamodb";
import { PARTITION_KEY, SORT_KEY, WORK_INDEX } from "../shared/store/dynamo/table-definition.js";
import { deleteTables, ensureTable } from "./dynamo.js";

type Key = Record<string, AttributeValue>;
type Image = Record<string, AttributeValue> | undefined;

export interface LaggingIndex {
  /** The replica's table name: a test that cleans up deletes it with the hub's own. */
  replicaTable: string;
  /** Resolves once every write made so far has reached the replica (its index queries). */
  caughtUp(): Promise<void>;
  /** Cancels the writes still waiting for their time; the replica keeps what it has. */
  stop(): Promise<void>;
}

/** The replica table that serves `tableName`'s index queries. */
export function laggingReplicaOf(tableName: string): string {
  return `${tableName}.lagging-index`;
}

/** An item without either attribute is in no index, so the replica need not hold it. */
const INDEX_KEYS = [WORK_INDEX.partitionKey];
const WRITES = new Set([
  "PutItemCommand",
  "UpdateItemCommand",
  "DeleteItemCommand",
  "BatchWriteItemCommand",
  "TransactWriteItemsCommand",
]);

/**
 * Puts `client`'s index queries on `tableName` behind a replica that trails the table
 * by `lagMs`. `connect` gives a second client to the same server, for the double's own
 * requests, so that they pass through none of the hub client's middleware.
 */
export async function lagIndexes(
  client: DynamoDBClient,
  options: { tableName: string; lagMs: number; connect: () => DynamoDBClient },
): Promise<LaggingIndex> {
  const { tableName, lagMs } = options;
  const replicaTable = laggingReplicaOf(tableName);
  const raw = options.connect();
  // A replica left by an earlier run may hold items the table has since lost.
  await deleteTables(raw, [replicaTable]);
  await ensureTable(raw, replicaTable);
  await copyIndexedItems(raw, tableName, replicaTable);

  const lanes = new Map<string, { reads: Promise<Image>; applies: Promise<void> }>();
  const timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  let stopped = false;
  /** A write the replica failed to take: from then on every index query fails, loudly. */
  let broken: unknown;
  const throwIfBroken = () => {
    if (broken !== undefined)
      throw new Error(`the lagging index lost a write: ${String(broken)}`, { cause: broken });
  };

  const readImage = async (key: Key): Promise<Image> => {
    const output = await raw.send(
      new GetItemCommand({ TableName: tableName, Key: key, ConsistentRead: true }),
    );
    return output.Item;
  };

  const apply = async (key: Key, image: Image): Promise<void> => {
    if (image !== undefined && INDEX_KEYS.some((name) => name in image)) {
      await raw.send(new PutItemCommand({ TableName: replicaTable, Item: image }));
    } else {
      await raw.send(new DeleteItemCommand({ TableName: replicaTable, Key: key }));
    }
  };

  const waitUntil = (due: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => done(), Math.max(0, due - Date.now()));
      // A pending apply never keeps a finished test process alive.
      timer.unref();
      const entry = { timer, resolve };
      const done = () => {
        timers.delete(entry);
        resolve();
      };
      timers.add(entry);
    });

  /** Schedules the write just made to `key` to reach the replica `lagMs` from now. */
  const follow = (key: Key) => {
    const due = Date.now() + lagMs;
    const id = `${key[PARTITION_KEY]?.S}\u0000${key[SORT_KEY]?.S}`;
    const lane = lanes.get(id) ?? { reads: Promise.resolve(undefined), applies: Promise.resolve() };
    const image = lane.reads.then(
      () => readImage(key),
      () => readImage(key),
    );
    // Its failure is met by the apply below; one skipped at stop must not go unhandled.
    image.catch(() => {});
    const applied = lane.applies.then(async () => {
      await waitUntil(due);
      if (stopped) return;
      await apply(key, await image);
    });
    const entry = {
      reads: image,
      applies: applied.catch((error: unknown) => {
        if (!stopped) broken ??= error;
      }),
    };
    lanes.set(id, entry);
    void entry.applies.then(() => {
      if (lanes.get(id) === entry) lanes.delete(id);
    });
  };

  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { TableName?: string; IndexName?: string };
      const command = context.commandName;
      const readsIndex =
        (command === "QueryCommand" || command === "ScanCommand") &&
        input.TableName === tableName &&
        input.IndexName !== undefined;
      if (!readsIndex) return next(args);
      throwIfBroken();
      return next({ ...args, input: { ...input, TableName: replicaTable } });
    },
    { step: "initialize", name: "cordonLaggingIndexRoute" },
  );
  // At the build step the document client has marshalled the input: keys are AttributeValues.
  // A write that failed is followed too: it may have been applied before its answer was
  // lost, and re-reading an unchanged item only applies what the replica already has.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (!WRITES.has(context.commandName ?? "")) return next(args);
      try {
        return await next(args);
      } finally {
        if (!stopped) for (const key of keysWritten(args.input, tableName)) follow(key);
      }
    },
    { step: "build", name: "cordonLaggingIndexFeed" },
  );

  return {
    replicaTable,
    caughtUp: async () => {
      await Promise.all([...lanes.values()].map((lane) => lane.applies));
      throwIfBroken();
    },
    stop: async () => {
      stopped = true;
      for (const entry of [...timers]) {
        clearTimeout(entry.timer);
        entry.resolve();
      }
      await Promise.all([...lanes.values()].map((lane) => lane.applies));
      raw.destroy();
    },
  };
}

/** The keys of `tableName`'s items that a write request names (marshalled input). */
function keysWritten(input: unknown, tableName: string): Key[] {
  const request = input as {
    TableName?: string;
    Item?: Key;
    Key?: Key;
    RequestItems?: Record<string, { PutRequest?: { Item: Key }; DeleteRequest?: { Key: Key } }[]>;
    TransactItems?: {
      Put?: { TableName: string; Item: Key };
      Update?: { TableName: string; Key: Key };
      Delete?: { TableName: string; Key: Key };
    }[];
  };
  const keyOf = (item: Key): Key => {
    const key: Key = {};
    for (const name of [PARTITION_KEY, SORT_KEY]) {
      const value = item[name];
      if (value !== undefined) key[name] = value;
    }
    return key;
  };
  if (request.RequestItems !== undefined) {
    return (request.RequestItems[tableName] ?? []).flatMap((write) => {
      const item = write.PutRequest?.Item ?? write.DeleteRequest?.Key;
      return item === undefined ? [] : [keyOf(item)];
    });
  }
  if (request.TransactItems !== undefined) {
    return request.TransactItems.flatMap((action) => {
      const put = action.Put;
      const change = action.Update ?? action.Delete;
      if (put !== undefined && put.TableName === tableName) return [keyOf(put.Item)];
      if (change !== undefined && change.TableName === tableName) return [keyOf(change.Key)];
      return [];
    });
  }
  if (request.TableName !== tableName) return [];
  const item = request.Item ?? request.Key;
  return item === undefined ? [] : [keyOf(item)];
}

/** Copies every item an index lists from `from` into the replica `to`, as it stands now. */
async function copyIndexedItems(raw: DynamoDBClient, from: string, to: string): Promise<void> {
  let start: Key | undefined;
  do {
    const page = await raw.send(
      new ScanCommand({
        TableName: from,
        ConsistentRead: true,
        ExclusiveStartKey: start,
        FilterExpression: INDEX_KEYS.map((_, i) => `attribute_exists(#k${i})`).join(" OR "),
        ExpressionAttributeNames: Object.fromEntries(INDEX_KEYS.map((name, i) => [`#k${i}`, name])),
      }),
    );
    const items = page.Items ?? [];
    for (let i = 0; i < items.length; i += 25) {
      let pending: Record<string, { PutRequest: { Item: Key } }[]> | undefined = {
        [to]: items.slice(i, i + 25).map((item) => ({ PutRequest: { Item: item } })),
      };
      while (pending !== undefined && Object.keys(pending).length > 0) {
        const output = await raw.send(new BatchWriteItemCommand({ RequestItems: pending }));
        pending = output.UnprocessedItems as typeof pending;
      }
    }
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
}
