/**
 * The local hub's DynamoDB settings (local/dynamo.ts): what $CORDON_DYNAMODB_ENDPOINT,
 * $CORDON_TABLE_NAME and $CORDON_TEST_GSI_LAG_MS may say, and a table at an endpoint —
 * here an embedded server reached as any other — created once, reused after, and
 * refused when it is not a Cordon table.
 */
import { CreateTableCommand, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  dynamoSettingsFromEnv,
  type HubDynamo,
  LocalDynamoError,
  openDynamo,
  startEmbeddedDynamo,
} from "../../local/dynamo.js";

describe("the local hub's DynamoDB settings", () => {
  it("default to the embedded server and the table cordon, with no lag", () => {
    expect(dynamoSettingsFromEnv({ CORDON_DYNAMODB_ENDPOINT: "", PATH: "/bin" })).toEqual({
      endpoint: undefined,
      tableName: "cordon",
      gsiLagMs: undefined,
    });
  });

  it("take an http(s) endpoint, a table name and a lag", () => {
    const settings = dynamoSettingsFromEnv({
      CORDON_DYNAMODB_ENDPOINT: "https://dynamodb.eu-west-1.amazonaws.com",
      CORDON_TABLE_NAME: "cordon-test.1_a",
      CORDON_TEST_GSI_LAG_MS: "250",
    });
    expect(settings).toEqual({
      endpoint: "https://dynamodb.eu-west-1.amazonaws.com",
      tableName: "cordon-test.1_a",
      gsiLagMs: 250,
    });
  });

  it("refuse anything else, naming every bad variable", () => {
    const refused = (() => {
      try {
        dynamoSettingsFromEnv({
          CORDON_DYNAMODB_ENDPOINT: "file:///etc/passwd",
          CORDON_TABLE_NAME: "a b",
          CORDON_TEST_GSI_LAG_MS: "-1",
        });
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toBeInstanceOf(LocalDynamoError);
    expect(refused).toMatchObject({ code: "ERR_LOCAL_DYNAMO" });
    for (const name of ["CORDON_DYNAMODB_ENDPOINT", "CORDON_TABLE_NAME", "CORDON_TEST_GSI_LAG_MS"])
      expect(String(refused)).toContain(name);
  });
});

describe("a table at an endpoint", () => {
  let server: HubDynamo;
  beforeAll(async () => {
    server = await startEmbeddedDynamo(undefined);
  });
  afterAll(async () => {
    await server.stop();
  });

  it("is created when missing, and found again with its items", async () => {
    // Prepare
    const first = await openDynamo(
      { endpoint: server.endpoint, tableName: "at-endpoint" },
      undefined,
    );
    await first.client.send(
      new PutItemCommand({ TableName: "at-endpoint", Item: { pk: { S: "A" }, sk: { S: "B" } } }),
    );
    await first.stop();
    // Act
    const second = await openDynamo(
      { endpoint: server.endpoint, tableName: "at-endpoint" },
      undefined,
    );
    // Assess
    expect(second).toMatchObject({ endpoint: server.endpoint, embedded: false });
    const { Item } = await second.client.send(
      new GetItemCommand({
        TableName: "at-endpoint",
        Key: { pk: { S: "A" }, sk: { S: "B" } },
      }),
    );
    expect(Item).toEqual({ pk: { S: "A" }, sk: { S: "B" } });
    await second.stop();
  });

  it("is refused when it exists without Cordon's keys and indexes", async () => {
    // Prepare
    await server.client.send(
      new CreateTableCommand({
        TableName: "someone-elses",
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      }),
    );
    // Act
    const opened = openDynamo({ endpoint: server.endpoint, tableName: "someone-elses" }, undefined);
    // Assess
    await expect(opened).rejects.toThrow(/someone-elses exists but is not a Cordon table/);
  });

  it("answers a server that cannot be reached with the endpoint and the table", async () => {
    const opened = openDynamo({ endpoint: "http://127.0.0.1:1", tableName: "cordon" }, undefined);
    await expect(opened).rejects.toThrow(
      /DynamoDB at http:\/\/127\.0\.0\.1:1 could not open the table cordon/,
    );
  });
});
