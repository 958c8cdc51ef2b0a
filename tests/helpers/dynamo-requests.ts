/**
 * Counts the requests a DynamoDB client sends, by operation: the benchmark's counter
 * (bench/dynamo-counter.ts), with the names the integration tests use.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  countDynamoRequests as countRequests,
  type OperationCounts,
  quiescence,
} from "../../bench/dynamo-counter.js";

export interface RequestCounter {
  total(): number;
  byOperation(): OperationCounts;
  reset(): void;
  /** Waits until background work (fan-out, outbox) has sent nothing for a while, then resets. */
  settle(quietMs?: number): Promise<void>;
}

export function countDynamoRequests(client: DynamoDBClient): RequestCounter {
  const counter = countRequests(client);
  return {
    total: counter.total,
    byOperation: counter.snapshot,
    reset: counter.reset,
    settle: async (quietMs = 300) => {
      await quiescence(counter, quietMs);
      counter.reset();
    },
  };
}
