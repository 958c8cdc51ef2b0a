/**
 * Feed tokens (DESIGN §11): one item per token, keyed by its id, so authenticating a
 * request is one strongly consistent read; the organisation's roster (roster.ts) holds
 * the cap of live tokens exactly under concurrent creates and lists its tokens. A
 * token's place is given back when it is revoked, or — once expired — when the roster
 * is full, so expired tokens never count; DynamoDB's TTL removes them 30 days after.
 */
import { isExpired } from "../../feed-tokens/manage.js";
import type { FeedTokenRecord } from "../../feed-tokens/types.js";
import type { FeedTokenStore } from "../types.js";
import { key } from "./keys.js";
import { Roster } from "./roster.js";
import { recordOf, type Table } from "./table.js";

const KEEP_EXPIRED_SECONDS = 30 * 24 * 60 * 60;

export class DynamoFeedTokenStore implements FeedTokenStore {
  private readonly roster: Roster;

  constructor(private readonly table: Table) {
    this.roster = new Roster(table, "feed-tokens");
  }

  async addFeedToken(record: FeedTokenRecord, max: number, now: Date): Promise<boolean> {
    const placed = await this.roster.take(record.org_id, record.id, max, now, async (ids) => {
      const held = await this.tokens(ids);
      return new Set(held.filter((token) => !isExpired(token, now)).map((token) => token.id));
    });
    if (!placed) return false;
    try {
      await this.table.put({
        ...key.feedToken(record.id),
        kind: "feed-token",
        ttl: Math.floor(Date.parse(record.expires_at) / 1000) + KEEP_EXPIRED_SECONDS,
        ...record,
      });
    } catch (error) {
      await this.roster.release(record.org_id, record.id);
      throw error;
    }
    return true;
  }

  async getFeedToken(id: string): Promise<FeedTokenRecord | undefined> {
    const item = await this.table.get(key.feedToken(id));
    return item === undefined ? undefined : recordOf<FeedTokenRecord>(item);
  }

  async listFeedTokens(orgId: string): Promise<FeedTokenRecord[]> {
    const held = await this.tokens(await this.roster.held(orgId));
    return held.filter((token) => token.org_id === orgId);
  }

  async deleteFeedToken(orgId: string, id: string): Promise<boolean> {
    const deleted = await this.table.updateIf({
      Key: key.feedToken(id),
      // A delete that names the owner: another organisation's token is not this one's.
      UpdateExpression: "REMOVE token_sha256",
      ConditionExpression: "org_id = :org AND attribute_exists(token_sha256)",
      ExpressionAttributeValues: { ":org": orgId },
    });
    if (!deleted) return false;
    await this.table.deleteIfExists(key.feedToken(id));
    await this.roster.release(orgId, id);
    return true;
  }

  private async tokens(ids: readonly string[]): Promise<FeedTokenRecord[]> {
    if (ids.length === 0) return [];
    const items = await this.table.batchGet(ids.map(key.feedToken));
    return items
      .filter((item) => typeof item.token_sha256 === "string")
      .map((item) => recordOf<FeedTokenRecord>(item));
  }
}
