/**
 * The change feed: one partition whose sort key is a gapless sequence. A change takes
 * position N only with a conditional put that fails if N is taken, and a writer only
 * tries N after seeing N−1, so N+1 can never be visible before N: a reader paging by
 * sequence never passes a change that a slower writer has yet to commit.
 */
import type { ChangeKind } from "../../bulletins/types.js";
import type { FeedEntry, FeedStore } from "../types.js";
import { FEED_PK, key } from "./keys.js";
import type { Table } from "./table.js";

const MAX_APPEND_TRIES = 64;

export class DynamoFeedStore implements FeedStore {
  /** This process's best guess of the last position; a wrong guess costs one retry. */
  private lastSeq = 0;

  constructor(private readonly table: Table) {}

  async appendChange(bulletinId: string, change: ChangeKind): Promise<number> {
    let candidate = this.lastSeq + 1;
    for (let attempt = 0; attempt < MAX_APPEND_TRIES; attempt += 1) {
      const taken = !(await this.table.putIf({
        Item: {
          ...key.feed(candidate),
          kind: "feed",
          seq: candidate,
          bulletin_id: bulletinId,
          change,
        },
        ConditionExpression: "attribute_not_exists(pk)",
      }));
      if (!taken) {
        this.lastSeq = Math.max(this.lastSeq, candidate);
        return candidate;
      }
      candidate = (await this.tail()) + 1;
    }
    throw new Error("could not take a place in the change feed");
  }

  async readFeed(afterSeq: number, limit: number): Promise<FeedEntry[]> {
    const { items } = await this.table.query({
      KeyConditionExpression: "pk = :pk AND sk > :after",
      ExpressionAttributeValues: { ":pk": FEED_PK, ":after": key.feed(afterSeq).sk },
      ConsistentRead: true,
      Limit: limit,
    });
    return items.map((item) => ({
      seq: Number(item.seq),
      bulletin_id: String(item.bulletin_id),
      change: item.change as ChangeKind,
    }));
  }

  private async tail(): Promise<number> {
    const { items } = await this.table.query({
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": FEED_PK },
      ScanIndexForward: false,
      ConsistentRead: true,
      Limit: 1,
      ProjectionExpression: "seq",
    });
    const last = Number(items[0]?.seq ?? 0);
    this.lastSeq = Math.max(this.lastSeq, last);
    return last;
  }
}
