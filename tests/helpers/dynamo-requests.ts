/** Counts the requests a DynamoDB client sends, by operation. */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";

export interface RequestCounter {
  total(): number;
  byOperation(): Record<string, number>;
  reset(): void;
  /** Waits until background work (fan-out, outbox) has sent nothing for a while, then resets. */
  settle(quietMs?: number): Promise<void>;
}

export function countDynamoRequests(client: DynamoDBClient): RequestCounter {
  let counts: Record<string, number> = {};
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = String(context.commandName ?? "unknown").replace(/Command$/, "");
      counts[operation] = (counts[operation] ?? 0) + 1;
      return next(args);
    },
    { step: "initialize", name: "cordonRequestCounter" },
  );
  return {
    total: () => Object.values(counts).reduce((sum, n) => sum + n, 0),
    byOperation: () => ({ ...counts }),
    reset: () => {
      counts = {};
    },
    settle: async (quietMs = 300) => {
      let last = -1;
      for (;;) {
        const now = Object.values(counts).reduce((sum, n) => sum + n, 0);
        if (now === last) break;
        last = now;
        await new Promise((resolve) => setTimeout(resolve, quietMs));
      }
      counts = {};
    },
  };
}
