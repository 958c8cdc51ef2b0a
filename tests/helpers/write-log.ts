/**
 * Records every write a DynamoDB client makes that took effect — puts, updates,
 * deletes, batch writes — by item key. A conditional write the table refused is not
 * a side effect, so it is left out. Used beside whole-table Scans to say which
 * request stored what.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";

export interface WriteLog {
  /** `PutItem pk|sk` entries since the last `take()`, and clears them. */
  take(): string[];
}

const WRITES = new Set([
  "PutItem",
  "UpdateItem",
  "DeleteItem",
  "BatchWriteItem",
  "TransactWriteItems",
]);

export function logWrites(client: DynamoDBClient): WriteLog {
  let entries: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = String(context.commandName ?? "").replace(/Command$/, "");
      if (!WRITES.has(operation)) return next(args);
      const keys = keysOf(operation, args.input as Record<string, unknown>);
      const output = await next(args);
      entries.push(...keys.map((key) => `${operation} ${key}`));
      return output;
    },
    { step: "initialize", name: "cordonWriteLog" },
  );
  return {
    take: () => {
      const taken = entries;
      entries = [];
      return taken;
    },
  };
}

/** The snapshot key (`pk\u0000sk`) of each item a write names, marshalled or not. */
function keysOf(operation: string, input: Record<string, unknown>): string[] {
  const one = (item: unknown) => {
    const record = (item ?? {}) as Record<string, unknown>;
    return `${text(record.pk)}\u0000${text(record.sk)}`;
  };
  switch (operation) {
    case "PutItem":
      return [one(input.Item)];
    case "UpdateItem":
    case "DeleteItem":
      return [one(input.Key)];
    case "BatchWriteItem":
      return Object.values((input.RequestItems ?? {}) as Record<string, unknown[]>).flatMap(
        (requests) =>
          requests.map((request) => {
            const r = request as {
              PutRequest?: { Item: unknown };
              DeleteRequest?: { Key: unknown };
            };
            return one(r.PutRequest?.Item ?? r.DeleteRequest?.Key);
          }),
      );
    default:
      return ["(transaction)"];
  }
}

function text(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "object" && value !== null && "S" in value) return String(value.S);
  return String(value);
}
