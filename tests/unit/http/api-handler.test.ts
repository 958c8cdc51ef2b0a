/**
 * The api handler with DynamoDB mocked (aws-sdk-client-mock): what each route reads
 * and writes, and that failures of the table never leak into responses.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type { Context } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createApiHandler } from "../../../lambdas/api.js";
import type { HubDeps } from "../../../shared/hub/deps.js";
import { CountingMetrics, silentLogger } from "../../../shared/observability/types.js";
import type { Organisation } from "../../../shared/orgs/types.js";
import type { QueuePort } from "../../../shared/queue/port.js";
import { DEFAULT_RATE_LIMITS } from "../../../shared/ratelimits/types.js";
import { generateHubKeySet } from "../../../shared/signatures/hub-keys.js";
import { generateSigningKey } from "../../../shared/signatures/keys.js";
import { signRequestToken } from "../../../shared/signatures/request-token.js";
import type { PublicJwk, SigningKey } from "../../../shared/signatures/types.js";
import { createDynamoStore } from "../../../shared/store/dynamo/store.js";
import { AesGcmSecretBox } from "../../../shared/webhooks/secret-box.js";
import { apiEvent } from "../../helpers/api-event.js";

const documents = mockClient(DynamoDBDocumentClient);
const context = { awsRequestId: "test-request" } as Context;
const noQueue: QueuePort = {
  sendFanout: async () => {},
  sendDeliveries: async () => {},
  retryAfter: async () => {},
  sendToDeadLetter: async () => {},
};

describe("the api handler over a mocked table", () => {
  let key: SigningKey;
  let jwk: PublicJwk;
  let handler: ReturnType<typeof createApiHandler>;

  const org = (): Organisation => ({
    id: "binance",
    name: "Binance",
    type: "exchange",
    roles: ["screen"],
    groups: [],
    status: "active",
    keys: { [jwk.kid]: { jwk, status: "active", created_at: "2026-11-25T00:00:00Z" } },
    created_at: "2026-11-25T00:00:00Z",
    updated_at: "2026-11-25T00:00:00Z",
    version: 1,
  });
  const signed = async (method: string, path: string, iss = "binance") =>
    apiEvent(method, path, {
      headers: {
        authorization: `Bearer ${await signRequestToken({ iss, aud: "cordon", method, pathAndQuery: path, key })}`,
      },
    });

  /** A handler as one Lambda container builds it (what it knows of buckets is its own). */
  const newHandler = async () => {
    const deps: HubDeps = {
      store: createDynamoStore(new DynamoDBClient({ region: "us-east-1" }), "cordon"),
      queue: noQueue,
      clock: { now: () => new Date() },
      hubKeys: await generateHubKeySet(),
      pseudonymKey: new Uint8Array(32),
      audience: "cordon",
      secrets: new AesGcmSecretBox(new Uint8Array(32)),
      webhooks: {
        policy: { allowInsecure: false },
        sender: {
          post: async () => ({
            status: null,
            error: "ECONNREFUSED",
            excerpt: null,
            retryAfter: undefined,
            durationMs: 0,
          }),
        },
        resolver: async () => [],
      },
      logger: silentLogger,
      metrics: new CountingMetrics(),
      newId: () => "01JDX3Q8Z6V2M4N5P6R7S8T9VW",
      rateLimits: DEFAULT_RATE_LIMITS,
    };
    return createApiHandler(deps);
  };

  beforeAll(async () => {
    ({ signingKey: key, publicJwk: jwk } = await generateSigningKey("Ed25519"));
    handler = await newHandler();
  });
  afterEach(() => documents.reset());

  /** The rate-limit bucket's conditional update answers the TAT it wrote. */
  const bucketAdmits = () =>
    documents
      .on(UpdateCommand)
      .callsFake((input: { ExpressionAttributeValues: Record<string, number> }) => ({
        Attributes: {
          tat:
            (input.ExpressionAttributeValues[":tat"] ?? 0) +
            (input.ExpressionAttributeValues[":interval"] ?? 0),
        },
      }));

  it("GET /v1/me: one read of the organisation, one take from its bucket, then the replay guard's conditional put", async () => {
    // Prepare
    documents
      .on(GetCommand, { Key: { pk: "ORGS", sk: "binance" } })
      .resolves({ Item: { pk: "ORGS", sk: "binance", ...org() } });
    documents.on(PutCommand).resolves({});
    bucketAdmits();
    // Act
    const result = await handler(await signed("GET", "/v1/me"), context);
    // Assess
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body ?? "")).toMatchObject({
      id: "binance",
      roles: ["screen"],
      keys: [{ kid: jwk.kid, status: "active" }],
    });
    expect(documents.commandCalls(GetCommand)).toHaveLength(1);
    const puts = documents.commandCalls(PutCommand);
    expect(puts).toHaveLength(1);
    expect(puts[0]?.args[0].input).toMatchObject({
      Item: { pk: expect.stringMatching(/^JTI#binance#/), ttl: expect.any(Number) },
      ConditionExpression: "attribute_not_exists(pk) OR #ttl < :now",
    });
    const takes = documents.commandCalls(UpdateCommand);
    expect(takes).toHaveLength(1);
    expect(takes[0]?.args[0].input).toMatchObject({
      Key: { pk: "RL#org#binance#read", sk: "RL" },
      ConditionExpression: "attribute_not_exists(tat) OR tat <= :now",
    });
    expect(result.headers).toMatchObject({
      "ratelimit-policy": '"read";q=100;w=2',
      ratelimit: '"read";r=99;t=1',
    });
  });

  it("a request over its rate is a 429 that leaves its token unspent (no replay guard written)", async () => {
    documents.on(GetCommand).resolves({ Item: { pk: "ORGS", sk: "binance", ...org() } });
    // DynamoDB answers a failed condition with the stored TAT: far ahead, the bucket is empty.
    documents.on(UpdateCommand).rejects(
      Object.assign(new Error("empty"), {
        name: "ConditionalCheckFailedException",
        Item: { tat: { N: String((Date.now() + 60_000) * 1000) } },
      }),
    );
    const container = await newHandler();
    const result = await container(await signed("GET", "/v1/me"), context);
    expect(result.statusCode).toBe(429);
    expect(result.headers).toMatchObject({
      "content-type": "application/problem+json",
      "retry-after": "1",
      "ratelimit-policy": '"read";q=100;w=2',
      ratelimit: '"read";r=0;t=1',
    });
    expect(JSON.parse(result.body ?? "")).toMatchObject({
      status: 429,
      title: "Too many requests",
    });
    expect(documents.commandCalls(PutCommand)).toHaveLength(0);
    // It now knows the bucket is empty: the next refusal asks the table nothing.
    documents.resetHistory();
    expect((await container(await signed("GET", "/v1/me"), context)).statusCode).toBe(429);
    expect(documents.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it("an unknown issuer costs one read and writes nothing", async () => {
    documents.on(GetCommand).resolves({});
    const result = await handler(await signed("GET", "/v1/me", "nobody"), context);
    expect(result.statusCode).toBe(401);
    expect(documents.commandCalls(GetCommand)).toHaveLength(1);
    expect(documents.commandCalls(PutCommand)).toHaveLength(0);
  });

  it("a spent jti (the conditional put fails) is a 401", async () => {
    documents.on(GetCommand).resolves({ Item: { pk: "ORGS", sk: "binance", ...org() } });
    bucketAdmits();
    documents
      .on(PutCommand)
      .rejects(Object.assign(new Error("spent"), { name: "ConditionalCheckFailedException" }));
    const result = await handler(await signed("GET", "/v1/me"), context);
    expect(result.statusCode).toBe(401);
  });

  it("a failing table is a generic 500 that says nothing of the cause", async () => {
    documents
      .on(GetCommand)
      .rejects(new Error("ProvisionedThroughputExceeded at arn:aws:dynamodb:secret-table"));
    const result = await handler(await signed("GET", "/v1/me"), context);
    expect(result.statusCode).toBe(500);
    expect(result.headers?.["content-type"]).toBe("application/problem+json");
    expect(result.body).not.toContain("arn:");
    expect(JSON.parse(result.body ?? "")).toMatchObject({ status: 500, title: "Internal error" });
  });

  it("decodes base64 bodies before checking the body hash", async () => {
    documents.on(GetCommand).resolves({ Item: { pk: "ORGS", sk: "binance", ...org() } });
    documents.on(PutCommand).resolves({});
    bucketAdmits();
    const body = JSON.stringify({
      indicators: [{ type: "telegram_channel", value: "@example_channel" }],
    });
    const token = await signRequestToken({
      iss: "binance",
      aud: "cordon",
      method: "POST",
      pathAndQuery: "/v1/screen",
      body,
      key,
    });
    documents.on(BatchGetCommand).resolves({ Responses: { cordon: [] } });
    const result = await handler(
      apiEvent("POST", "/v1/screen", {
        body,
        base64: true,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      }),
      context,
    );
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body ?? "").results[0]).toMatchObject({
      normalised: "telegram:example_channel",
      match_count: 0,
    });
    expect(
      documents.commandCalls(BatchGetCommand)[0]?.args[0].input.RequestItems?.cordon?.Keys,
    ).toEqual([{ pk: "IND#telegram:example_channel", sk: "HEAD" }]);
  });

  it("answers 404 and 405 without reading anything", async () => {
    expect((await handler(apiEvent("GET", "/v2/me"), context)).statusCode).toBe(404);
    const wrong = await handler(apiEvent("POST", "/v1/me"), context);
    expect(wrong.statusCode).toBe(405);
    expect(wrong.headers?.allow).toBe("GET");
    expect(documents.calls()).toHaveLength(0);
  });
});
