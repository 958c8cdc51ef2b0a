/** Organisations, each one item holding its keys, so authentication is one read. */
import type { Organisation } from "../../orgs/types.js";
import type { OrgStore, ReplayGuard } from "../types.js";
import { key, LIST_ORGS } from "./keys.js";
import { recordOf, type Table } from "./table.js";
import { LIST_INDEX } from "./table-definition.js";

export class DynamoOrgStore implements OrgStore {
  constructor(private readonly table: Table) {}

  async getOrg(id: string): Promise<Organisation | undefined> {
    const item = await this.table.get(key.org(id));
    return item === undefined ? undefined : recordOf<Organisation>(item);
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
      IndexName: LIST_INDEX.name,
      KeyConditionExpression: "#pk = :pk",
      ExpressionAttributeNames: { "#pk": LIST_INDEX.partitionKey },
      ExpressionAttributeValues: { ":pk": LIST_ORGS },
    });
    return items.map((item) => recordOf<Organisation>(item));
  }

  private itemOf(org: Organisation) {
    return { ...key.org(org.id), kind: "org", gsi1pk: LIST_ORGS, gsi1sk: org.id, ...org };
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
