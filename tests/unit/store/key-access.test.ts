/**
 * The partitions each Lambda's IAM policy names (shared/store/dynamo/key-access.ts)
 * must cover every key keys.ts builds: a new kind of key without a partition fails here.
 */
import { describe, expect, it } from "vitest";
import { PARTITIONS, partitionOf, TABLE_ACCESS } from "../../../shared/store/dynamo/key-access.js";
import { key, LOG_PK } from "../../../shared/store/dynamo/keys.js";

describe("the table's partitions", () => {
  it("name the partition of every key keys.ts builds", () => {
    for (const [kind, build] of Object.entries(key)) {
      const built = (build as (...args: string[]) => { pk: string })("a", "b", "c");
      expect(partitionOf(built.pk), `key.${kind} (${built.pk})`).toBeDefined();
    }
    expect(partitionOf(LOG_PK)).toBe("log");
  });

  it("tell prefixes apart that share letters", () => {
    expect(partitionOf("DLV#sub")).toBe("delivery");
    expect(partitionOf("DLVW#sub#msg")).toBe("deliveryRef");
    expect(partitionOf("LOGS")).toBeUndefined();
    expect(partitionOf("ORGS")).toBe("organisation");
    expect(partitionOf("ORG#x")).toBe("roster");
    expect(partitionOf("TLOG")).toBe("logHead");
    expect(partitionOf("TLOG#0/x001")).toBe("logTile");
  });

  it("leave replay guards, rate limits, rosters, the admin guard, feed tokens and TAXII introductions to the api alone", () => {
    const used = new Set(
      Object.entries(TABLE_ACCESS)
        .filter(([name]) => name !== "api")
        .flatMap(([, access]) => [...access.reads, ...access.writes]),
    );
    const apiOnly = Object.keys(PARTITIONS).filter((name) => !used.has(name as never));
    expect(apiOnly.sort()).toEqual([
      "adminGuard",
      "feedToken",
      "introduction",
      "layout",
      "rateLimit",
      "replayGuard",
      "roster",
    ]);
  });
});
