/** Builds the Store over one DynamoDB table. */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Store } from "../types.js";
import { DynamoChangeStore } from "./changes.js";
import { DynamoDeliveryStore } from "./deliveries.js";
import { DynamoFeedTokenStore } from "./feed-tokens.js";
import { DynamoIntroductionStore } from "./introductions.js";
import { DynamoLogStore } from "./log.js";
import { DynamoOrgStore, DynamoReplayGuard } from "./orgs.js";
import { DynamoRateLimitStore } from "./rate-limits.js";
import { DynamoSightingStore } from "./sightings.js";
import { DynamoSubscriptionStore } from "./subscriptions.js";
import { Table } from "./table.js";
import { DynamoWorkStore } from "./work.js";

export function createDynamoStore(client: DynamoDBClient, tableName: string): Store {
  const table = tableOf(client, tableName);
  return {
    orgs: new DynamoOrgStore(table),
    replay: new DynamoReplayGuard(table),
    changes: new DynamoChangeStore(table),
    log: new DynamoLogStore(table),
    sightings: new DynamoSightingStore(table),
    subscriptions: new DynamoSubscriptionStore(table),
    deliveries: new DynamoDeliveryStore(table),
    work: new DynamoWorkStore(table),
    rateLimits: new DynamoRateLimitStore(table),
    feedTokens: new DynamoFeedTokenStore(table),
    introductions: new DynamoIntroductionStore(table),
  };
}

function tableOf(client: DynamoDBClient, tableName: string): Table {
  const documents = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return new Table(documents, tableName);
}
