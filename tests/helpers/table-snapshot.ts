/**
 * The whole table, read with a Scan, as a map from item key to a canonical text of the
 * item: what a test compares before and after a request to prove it stored nothing.
 */
import { type AttributeValue, ScanCommand } from "@aws-sdk/client-dynamodb";
import type { LocalHub } from "../../local/hub.js";

export type TableSnapshot = ReadonlyMap<string, string>;

export interface SnapshotDiff {
  added: string[];
  removed: string[];
  changed: string[];
}

export async function snapshotTable(
  hub: Pick<LocalHub, "dynamoClient" | "table">,
): Promise<TableSnapshot> {
  const items = new Map<string, string>();
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await hub.dynamoClient.send(
      new ScanCommand({
        TableName: hub.table.name,
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      items.set(`${item.pk?.S}\u0000${item.sk?.S}`, canonical(item));
    }
    start = page.LastEvaluatedKey;
  } while (start !== undefined);
  return items;
}

export function diffSnapshots(before: TableSnapshot, after: TableSnapshot): SnapshotDiff {
  const diff: SnapshotDiff = { added: [], removed: [], changed: [] };
  for (const [key, value] of after) {
    const previous = before.get(key);
    if (previous === undefined) diff.added.push(key);
    else if (previous !== value) diff.changed.push(key);
  }
  for (const key of before.keys()) if (!after.has(key)) diff.removed.push(key);
  return diff;
}

export function isEmptyDiff(diff: SnapshotDiff): boolean {
  return diff.added.length + diff.removed.length + diff.changed.length === 0;
}

/** The key of a request token's replay guard (shared/store/dynamo/keys.ts), as a snapshot key. */
export function replayGuardKey(iss: string, jti: string): string {
  return `JTI#${iss}#${jti}\u0000JTI`;
}

/** JSON with object members in sorted order, so equal items give equal text. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}
