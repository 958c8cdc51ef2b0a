/**
 * A thin layer over the DynamoDB document client: batching with retries of
 * unprocessed items, conditional-write outcomes as booleans, and opaque cursors.
 */
import {
  BatchGetCommand,
  type BatchGetCommandInput,
  type BatchGetCommandOutput,
  BatchWriteCommand,
  type BatchWriteCommandOutput,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  type NativeAttributeValue,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from "@aws-sdk/lib-dynamodb";
import { chunk, mapConcurrent } from "../../async/concurrency.js";
import { ValidationError } from "../../errors/errors.js";
import type { ItemKey } from "./keys.js";

export type Item = Record<string, NativeAttributeValue>;

const BATCH_GET_SIZE = 100;
const BATCH_WRITE_SIZE = 25;
const BATCH_CONCURRENCY = 8;
const MAX_BATCH_ROUNDS = 8;

export class Table {
  constructor(
    readonly client: DynamoDBDocumentClient,
    readonly name: string,
  ) {}

  async get(key: ItemKey, projection?: Projection): Promise<Item | undefined> {
    if (!isStorableKey(key)) return undefined;
    const output = await this.client.send(
      new GetCommand({ TableName: this.name, Key: key, ConsistentRead: true, ...projection }),
    );
    return output.Item;
  }

  /** Conditional put: false when the condition failed. */
  async putIf(input: Omit<PutCommandInput, "TableName">): Promise<boolean> {
    try {
      await this.client.send(new PutCommand({ TableName: this.name, ...input }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Deletes an item that exists: false when there was none. */
  async deleteIfExists(key: ItemKey): Promise<boolean> {
    if (!isStorableKey(key)) return false;
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.name,
          Key: key,
          ConditionExpression: "attribute_exists(pk)",
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async put(item: Item): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.name, Item: item }));
  }

  /** Conditional update: false when the condition failed. */
  async updateIf(input: Omit<UpdateCommandInput, "TableName">): Promise<boolean> {
    if (!isStorableKey(input.Key as ItemKey)) return false;
    try {
      await this.client.send(new UpdateCommand({ TableName: this.name, ...input }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * Conditional update answering the item as it now is (or only the attributes it
   * set): undefined when the condition failed.
   */
  async updateReturning(
    input: Omit<UpdateCommandInput, "TableName">,
    returning: "ALL_NEW" | "UPDATED_NEW" = "ALL_NEW",
  ): Promise<Item | undefined> {
    if (!isStorableKey(input.Key as ItemKey)) return undefined;
    try {
      const output = await this.client.send(
        new UpdateCommand({ TableName: this.name, ...input, ReturnValues: returning }),
      );
      return output.Attributes;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async query(
    input: Omit<QueryCommandInput, "TableName">,
  ): Promise<{ items: Item[]; last: Item | undefined }> {
    const output = await this.client.send(new QueryCommand({ TableName: this.name, ...input }));
    return { items: output.Items ?? [], last: output.LastEvaluatedKey };
  }

  /** Every item of a query, following pages. */
  async queryAll(input: Omit<QueryCommandInput, "TableName">): Promise<Item[]> {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const page = await this.query({ ...input, ExclusiveStartKey: start });
      items.push(...page.items);
      start = page.last;
    } while (start !== undefined);
    return items;
  }

  /** BatchGetItem in chunks of 100, run concurrently, retrying unprocessed keys. */
  async batchGet(keys: readonly ItemKey[], projection?: Projection): Promise<Item[]> {
    // A key no item can have is left out: sent, it would fail the whole batch.
    const unique = uniqueKeys(keys).filter(isStorableKey);
    const chunks = chunk(unique, BATCH_GET_SIZE);
    const results = await mapConcurrent(chunks, BATCH_CONCURRENCY, (part) =>
      this.batchGetChunk(part, projection),
    );
    return results.flat();
  }

  /**
   * A round can leave keys unprocessed for two reasons: throttling, which answers
   * little or nothing and is waited out with backoff, or the answer's size limit
   * (16 MB on DynamoDB, about 1 MB on dynalite), which answers what fits. Only rounds
   * that answered nothing count towards giving up, so a batch of large items takes as
   * many rounds as it needs (each one shrinks it).
   */
  private async batchGetChunk(keys: ItemKey[], projection?: Projection): Promise<Item[]> {
    const items: Item[] = [];
    let pending: BatchGetCommandInput["RequestItems"] = {
      [this.name]: { Keys: keys, ConsistentRead: true, ...projection },
    };
    for (let stalled = 0; pending && Object.keys(pending).length > 0; ) {
      if (stalled === MAX_BATCH_ROUNDS) throw new Error("BatchGetItem left keys unprocessed");
      if (stalled > 0) await backoff(stalled);
      const output: BatchGetCommandOutput = await this.client.send(
        new BatchGetCommand({ RequestItems: pending }),
      );
      const answered = output.Responses?.[this.name] ?? [];
      items.push(...answered);
      stalled = answered.length > 0 ? 0 : stalled + 1;
      pending = output.UnprocessedKeys;
    }
    return items;
  }

  /** BatchWriteItem puts in chunks of 25, run concurrently, retrying unprocessed items. */
  async batchPut(items: readonly Item[]): Promise<void> {
    await mapConcurrent(chunk(items, BATCH_WRITE_SIZE), BATCH_CONCURRENCY, async (part) => {
      let pending: Record<string, { PutRequest: { Item: Item } }[]> | undefined = {
        [this.name]: part.map((item) => ({ PutRequest: { Item: item } })),
      };
      for (let round = 0; pending && Object.keys(pending).length > 0; round += 1) {
        if (round === MAX_BATCH_ROUNDS) throw new Error("BatchWriteItem left items unprocessed");
        if (round > 0) await backoff(round);
        const output: BatchWriteCommandOutput = await this.client.send(
          new BatchWriteCommand({ RequestItems: pending }),
        );
        pending = output.UnprocessedItems as typeof pending;
      }
    });
  }
}

export interface Projection {
  ProjectionExpression: string;
  ExpressionAttributeNames?: Record<string, string>;
}

/** A projection of plain top-level attribute names, safe against reserved words. */
export function projectionOf(names: readonly string[]): Projection {
  const attributeNames: Record<string, string> = {};
  const expression = names.map((name, i) => {
    attributeNames[`#p${i}`] = name;
    return `#p${i}`;
  });
  return { ProjectionExpression: expression.join(", "), ExpressionAttributeNames: attributeNames };
}

export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === "ConditionalCheckFailedException";
}

/** Drops the table's own attributes from an item, leaving the record. */
export function recordOf<T>(item: Item): T {
  const {
    pk: _pk,
    sk: _sk,
    kind: _kind,
    work_pk: _w,
    work_due: _wd,
    work_tries: _wt,
    view_bytes: _vb,
    ttl: _t,
    ...record
  } = item;
  return record as T;
}

/** Cursors carry only the sort key; the partition comes from the request, never from the caller. */
export function encodeCursor(sk: string): string {
  return Buffer.from(JSON.stringify({ sk }), "utf8").toString("base64url");
}

/** DynamoDB's bounds on key attributes: a request naming a longer key fails outright. */
const MAX_PARTITION_KEY_BYTES = 2048;
const MAX_SORT_KEY_BYTES = 1024;

/**
 * Whether an item could have this key. Ids from a request's path reach keys as they
 * came; one past DynamoDB's bounds names no item, so it is answered as missing
 * rather than sent to fail the request.
 */
function isStorableKey(key: ItemKey): boolean {
  return isWithin(key.pk, MAX_PARTITION_KEY_BYTES) && isWithin(key.sk, MAX_SORT_KEY_BYTES);
}

/** A non-empty string of at most `maxBytes` UTF-8 bytes. */
function isWithin(value: unknown, maxBytes: number): value is string {
  return typeof value === "string" && value !== "" && Buffer.byteLength(value, "utf8") <= maxBytes;
}

/**
 * The sort key a cursor carries. A caller can craft one, so it must also be a key the
 * query could have returned (`within`, e.g. the query's `begins_with`): DynamoDB fails
 * a query whose start key is empty, too long or outside its key condition.
 */
export function decodeCursor(
  cursor: string | undefined,
  within: (sk: string) => boolean = () => true,
): string | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (
      typeof parsed === "object" &&
      parsed !== null &&
      "sk" in parsed &&
      isWithin(parsed.sk, MAX_SORT_KEY_BYTES) &&
      within(parsed.sk)
    ) {
      return parsed.sk;
    }
  } catch {
    // fall through to the refusal below
  }
  throw ValidationError.at("/cursor", "the cursor is not one this hub issued");
}

function uniqueKeys(keys: readonly ItemKey[]): ItemKey[] {
  const seen = new Map<string, ItemKey>();
  for (const k of keys) seen.set(`${k.pk}\u0000${k.sk}`, k);
  return [...seen.values()];
}

function backoff(round: number): Promise<void> {
  const ms = Math.min(1000, 25 * 2 ** round) * (0.5 + Math.random() / 2);
  return new Promise((resolve) => setTimeout(resolve, ms));
}
