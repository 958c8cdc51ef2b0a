/**
 * Organisations: one item each, holding its keys, so authentication is one read — all
 * in one partition, so the directory (group resolution at acceptance, the admin list)
 * is a strongly consistent query rather than an index that may lag (DESIGN §10).
 */
import type { Organisation } from "../../orgs/types.js";
import type { OrgStore, ReplayGuard } from "../types.js";
import { key, ORGS_PK } from "./keys.js";
import { recordOf, type Table } from "./table.js";

export class DynamoOrgStore implements OrgStore {
  constructor(private readonly table: Table) {}

  async getOrg(id: string): Promise<Organisation | undefined> {
    const item = await this.table.get(key.org(id));
    return item === undefined ? undefined : recordOf<Organisation>(item);
  }

  async getOrgs(ids: readonly string[]): Promise<Map<string, Organisation>> {
    const items = await this.table.batchGet(ids.map(key.org));
    return new Map(
      items.map((item) => recordOf<Organisation>(item)).map((org) => [org.id, org] as const),
    );
  }

  createOrg(org: Organisation): Promise<boolean> {
    return this.table.putIf({
      Item: this.itemOf(org),
      ConditionExpression: "attribute_not_exists(pk)",
    });
  }

  saveOrg(org: Organisation, expectedVersion: number): Promise<boolean> {
    return this.table.putIf({
      Item: this.itemOf(org),
      ConditionExpression: "#version = :expected",
      ExpressionAttributeNames: { "#version": "version" },
      ExpressionAttributeValues: { ":expected": expectedVersion },
    });
  }

  async listOrgs(): Promise<Organisation[]> {
    const items = await this.table.queryAll({
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": ORGS_PK },
      ConsistentRead: true,
    });
    return items.map((item) => recordOf<Organisation>(item));
  }

  takeActiveAdmin(): Promise<boolean> {
    return this.table.updateIf({
      Key: key.adminGuard(),
      UpdateExpression: "SET admins = admins - :one",
      ConditionExpression: "admins > :one",
      ExpressionAttributeValues: { ":one": 1 },
    });
  }

  async giveActiveAdmin(): Promise<void> {
    await this.table.updateIf({
      Key: key.adminGuard(),
      UpdateExpression: "SET admins = if_not_exists(admins, :zero) + :one, kind = :kind",
      ExpressionAttributeValues: { ":zero": 0, ":one": 1, ":kind": "guard" },
    });
  }

  async recountActiveAdmins(count: number): Promise<void> {
    await this.table.put({ ...key.adminGuard(), kind: "guard", admins: count });
  }

  private itemOf(org: Organisation) {
    return { ...key.org(org.id), kind: "org", ...org };
  }
}

export class DynamoReplayGuard implements ReplayGuard {
  constructor(private readonly table: Table) {}

  /**
   * DynamoDB's TTL deletes spent guards eventually (and never, on the local server),
   * so an expired guard counts as absent here.
   */
  claimJti(iss: string, jti: string, keepUntilEpochSeconds: number, now: Date): Promise<boolean> {
    return this.table.putIf({
      Item: { ...key.jti(iss, jti), kind: "jti", ttl: keepUntilEpochSeconds },
      ConditionExpression: "attribute_not_exists(pk) OR #ttl < :now",
      ExpressionAttributeNames: { "#ttl": "ttl" },
      ExpressionAttributeValues: { ":now": Math.floor(now.getTime() / 1000) },
    });
  }
}
