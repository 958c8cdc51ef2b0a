/**
 * Counts the requests a DynamoDB client sends, by operation, through an SDK
 * middleware: how the benchmark learns what a publish, a screen or a fan-out really
 * costs in DynamoDB requests (and so how many writes the publish floor must do). The
 * integration tests count with it too (tests/helpers/dynamo-requests.ts).
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { sleep } from "./stats.js";

export type OperationCounts = Record<string, number>;

const WRITES = new Set(["PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem"]);

export interface RequestCounter {
  snapshot(): OperationCounts;
  /** Requests since the last reset (or since the counter was added). */
  total(): number;
  reset(): void;
}

export function countDynamoRequests(client: DynamoDBClient): RequestCounter {
  let counts: OperationCounts = {};
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = String(context.commandName ?? "unknown").replace(/Command$/, "");
      counts[operation] = (counts[operation] ?? 0) + 1;
      return next(args);
    },
    { step: "initialize", name: "cordonRequestCounter" },
  );
  return {
    snapshot: () => ({ ...counts }),
    total: () => totalOf(counts),
    reset: () => {
      counts = {};
    },
  };
}

/** Waits until the client has sent no request for `quietMs` (background work has settled). */
export async function quiescence(counter: RequestCounter, quietMs = 600): Promise<void> {
  let last = -1;
  let stableSince = Date.now();
  for (;;) {
    const total = counter.total();
    if (total !== last) {
      last = total;
      stableSince = Date.now();
    } else if (Date.now() - stableSince >= quietMs) {
      return;
    }
    await sleep(50);
  }
}

export function totalOf(counts: OperationCounts): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

export function writesOf(counts: OperationCounts): number {
  return Object.entries(counts)
    .filter(([operation]) => WRITES.has(operation))
    .reduce((sum, [, n]) => sum + n, 0);
}

export function subtract(a: OperationCounts, b: OperationCounts): OperationCounts {
  const out: OperationCounts = {};
  for (const operation of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const value = (a[operation] ?? 0) - (b[operation] ?? 0);
    if (value !== 0) out[operation] = value;
  }
  return out;
}

export function scale(counts: OperationCounts, divisor: number): OperationCounts {
  const out: OperationCounts = {};
  for (const [operation, n] of Object.entries(counts)) out[operation] = n / divisor;
  return out;
}
