/**
 * Introductions of shared STIX objects (shared/taxii/introductions.ts): one item per
 * object, one attribute per class of readers (`c_<class>` = the change's `seq`), each
 * written once with `if_not_exists` and never changed, so any reader may record one
 * and every reader then agrees.
 */
import type { IntroductionStore } from "../types.js";
import { key } from "./keys.js";
import type { Item, Table } from "./table.js";

const CLASS_PREFIX = "c_";
/** DynamoDB's bound on an update expression is 4 KB; a change names few classes of one object. */
const MAX_CLASSES_PER_UPDATE = 50;

export class DynamoIntroductionStore implements IntroductionStore {
  constructor(private readonly table: Table) {}

  async introductions(objectIds: readonly string[]): Promise<Map<string, Record<string, number>>> {
    const found = new Map<string, Record<string, number>>();
    if (objectIds.length === 0) return found;
    const items = await this.table.batchGet([...new Set(objectIds)].map(key.introductions));
    for (const item of items) {
      found.set(String(item.pk).slice("STIXINTRO#".length), classesOf(item));
    }
    return found;
  }

  async introduce(
    objectId: string,
    classes: Record<string, number>,
  ): Promise<Record<string, number>> {
    const entries = Object.entries(classes);
    let recorded: Record<string, number> = {};
    for (let start = 0; start < entries.length; start += MAX_CLASSES_PER_UPDATE) {
      const part = entries.slice(start, start + MAX_CLASSES_PER_UPDATE);
      const names: Record<string, string> = {};
      const values: Record<string, number> = {};
      const sets = part.map(([name, seq], i) => {
        names[`#c${i}`] = `${CLASS_PREFIX}${name}`;
        values[`:c${i}`] = seq;
        return `#c${i} = if_not_exists(#c${i}, :c${i})`;
      });
      const item = await this.table.updateReturning({
        Key: key.introductions(objectId),
        UpdateExpression: `SET ${sets.join(", ")}, kind = :kind`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ...values, ":kind": "stix-introductions" },
      });
      if (item !== undefined) recorded = classesOf(item);
    }
    return recorded;
  }
}

function classesOf(item: Item): Record<string, number> {
  const classes: Record<string, number> = {};
  for (const [name, value] of Object.entries(item)) {
    if (name.startsWith(CLASS_PREFIX) && typeof value === "number") {
      classes[name.slice(CLASS_PREFIX.length)] = value;
    }
  }
  return classes;
}
