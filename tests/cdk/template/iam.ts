/**
 * Least privilege, checked on the synthesized policies rather than on the grant calls:
 * each function's complete `action → resources` map is spelled out, so any new action,
 * any wider resource and any missing condition fails here.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { HubFunction } from "../../../lib/hub-function.js";
import { REPOSITORY_ROOT } from "../../../lib/hub-function.js";
import { TABLE_ITEM_ACTIONS } from "../../../lib/storage.js";
import {
  type HubFunctionName,
  leadingKeyPatterns,
  TABLE_ACCESS,
  type TableAccess,
} from "../../../shared/store/dynamo/key-access.js";
import { accessOf, defaultStack, describeValue, logicalIdOf, productionStack } from "../fixture.js";

const hub = defaultStack();
const { stack } = hub;
const id = (construct: { node: { defaultChild?: unknown } }) => logicalIdOf(hub, construct);

const table = `${id(stack.storage.table)}.Arn`;
const secret = id(stack.hubSecret.secret);
const hubSecretKey = `${id(stack.hubSecret.key)}.Arn via secretsmanager`;
const webhookKey = `${id(stack.storage.webhookSecretsKey)}.Arn`;
const queueArn = (queue: { node: { defaultChild?: unknown } }) => `${id(queue)}.Arn`;
const fanoutQueue = queueArn(stack.queues.fanout.queue);
const deliveryQueue = queueArn(stack.queues.delivery.queue);
const deliveryDlq = queueArn(stack.queues.delivery.deadLetterQueue);
const logQueue = queueArn(stack.logQueue.queue);

/**
 * What every hub function may do: write its own logs, trace, use the table (its own
 * partitions: see "table access by partition" below), query the indexes it uses, read
 * the hub secret.
 */
function commonAccess(handler: HubFunction, indexes: string[]): Record<string, string[]> {
  const access: Record<string, string[]> = {
    "logs:CreateLogStream": [`${id(handler.logGroup)}.Arn`],
    "logs:PutLogEvents": [`${id(handler.logGroup)}.Arn`],
    "xray:PutTraceSegments": ["*"],
    "xray:PutTelemetryRecords": ["*"],
    "secretsmanager:GetSecretValue": [secret],
    "kms:Decrypt": [hubSecretKey],
  };
  for (const action of TABLE_ITEM_ACTIONS) access[action] = [table];
  access["dynamodb:Query"] = [table, ...indexes.map((index) => `${table}/index/${index}`)].sort();
  return access;
}

const sendTo = (...queues: string[]) => ({
  "sqs:SendMessage": queues.sort(),
  "sqs:GetQueueAttributes": queues.sort(),
  "sqs:GetQueueUrl": queues.sort(),
});

describe("least privilege", () => {
  it("api: the table, the hub secret, SendMessage to both work queues and the log's, kms:Encrypt on the webhook key", () => {
    const handler = stack.functions.api;
    expect(accessOf(hub, handler.role)).toEqual({
      ...commonAccess(handler, []),
      ...sendTo(fanoutQueue, deliveryQueue, logQueue),
      "kms:Encrypt": [webhookKey],
    });
  });

  it("api can neither receive from a queue nor open a webhook secret", () => {
    const access = accessOf(hub, stack.functions.api.role);
    expect(access["sqs:ReceiveMessage"]).toBeUndefined();
    expect(access["kms:Decrypt"]).not.toContain(webhookKey);
    // Its only Decrypt is the hub secret's, and only through Secrets Manager.
    expect(access["kms:Decrypt"]).toEqual([hubSecretKey]);
  });

  it("fanout: consumes the fan-out queue and sends to the delivery queue, nothing else", () => {
    const handler = stack.functions.fanout;
    expect(accessOf(hub, handler.role)).toEqual({
      ...commonAccess(handler, []),
      ...sendTo(deliveryQueue),
      "sqs:GetQueueAttributes": [deliveryQueue, fanoutQueue].sort(),
      "sqs:GetQueueUrl": [deliveryQueue, fanoutQueue].sort(),
      "sqs:ReceiveMessage": [fanoutQueue],
      "sqs:DeleteMessage": [fanoutQueue],
      "sqs:ChangeMessageVisibility": [fanoutQueue],
    });
  });

  it("deliver: consumes the delivery queue (incl. ChangeMessageVisibility), sends to its DLQ, decrypts webhook secrets", () => {
    const handler = stack.functions.deliver;
    expect(accessOf(hub, handler.role)).toEqual({
      ...commonAccess(handler, []),
      ...sendTo(deliveryDlq),
      "sqs:GetQueueAttributes": [deliveryDlq, deliveryQueue].sort(),
      "sqs:GetQueueUrl": [deliveryDlq, deliveryQueue].sort(),
      "sqs:ReceiveMessage": [deliveryQueue],
      "sqs:DeleteMessage": [deliveryQueue],
      "sqs:ChangeMessageVisibility": [deliveryQueue],
      "kms:Decrypt": [hubSecretKey, webhookKey].sort(),
    });
  });

  it("sweeper: SendMessage to both work queues and the log's, nothing else beyond the common grants", () => {
    const handler = stack.functions.sweeper;
    expect(accessOf(hub, handler.role)).toEqual({
      ...commonAccess(handler, ["work"]),
      ...sendTo(fanoutQueue, deliveryQueue, logQueue),
    });
  });

  it("log: consumes the log queue, nothing else beyond the common grants", () => {
    const handler = stack.functions.log;
    expect(accessOf(hub, handler.role)).toEqual({
      ...commonAccess(handler, []),
      "sqs:GetQueueAttributes": [logQueue],
      "sqs:GetQueueUrl": [logQueue],
      "sqs:ReceiveMessage": [logQueue],
      "sqs:DeleteMessage": [logQueue],
      "sqs:ChangeMessageVisibility": [logQueue],
    });
  });

  it("the hub secret initialiser reads and writes that one secret, through Secrets Manager only", () => {
    const initialiser = stack.hubSecret.initialiser;
    expect(accessOf(hub, initialiser.role)).toEqual({
      "logs:CreateLogStream": [`${id(initialiser.logGroup)}.Arn`],
      "logs:PutLogEvents": [`${id(initialiser.logGroup)}.Arn`],
      "secretsmanager:GetSecretValue": [secret],
      "secretsmanager:PutSecretValue": [secret],
      "kms:Decrypt": [hubSecretKey],
      "kms:GenerateDataKey": [hubSecretKey],
    });
  });

  it("no role has a managed policy, and only X-Ray actions use Resource '*'", () => {
    for (const role of Object.values(hub.template.findResources("AWS::IAM::Role"))) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
    for (const handler of Object.values(stack.functions)) {
      const wildcard = Object.entries(accessOf(hub, handler.role))
        .filter(([, resources]) => resources.includes("*"))
        .map(([action]) => action);
      expect(wildcard.sort()).toEqual(["xray:PutTelemetryRecords", "xray:PutTraceSegments"]);
    }
  });

  it("with a customer-managed table key, the functions use it through DynamoDB only", () => {
    const cmk = productionStack();
    const tableKey = cmk.stack.storage.tableKey;
    expect(tableKey).toBeDefined();
    if (tableKey === undefined) return;
    const keyArn = `${logicalIdOf(cmk, tableKey)}.Arn via dynamodb`;
    const access = accessOf(cmk, cmk.stack.functions.api.role);
    for (const action of ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"]) {
      expect(access[action]).toContain(keyArn);
    }
  });
});

describe("table access by partition (dynamodb:LeadingKeys)", () => {
  interface Statement {
    Action: string | string[];
    Resource: unknown;
    Condition?: Record<string, Record<string, unknown>>;
  }

  /** Each table action (on the table itself, not an index) → the LeadingKeys patterns it is limited to. */
  function leadingKeysOf(handler: HubFunction): Record<string, string[] | "unconditioned"> {
    const policies = hub.template.findResources("AWS::IAM::Policy", {
      Properties: { Roles: [{ Ref: id(handler.role) }] },
    });
    const limits: Record<string, string[] | "unconditioned"> = {};
    for (const policy of Object.values(policies)) {
      for (const statement of policy.Properties.PolicyDocument.Statement as Statement[]) {
        const resources = [statement.Resource].flat().map((r) => describeValue(r));
        if (!resources.includes(table)) continue;
        const keys = statement.Condition?.["ForAllValues:StringLike"]?.["dynamodb:LeadingKeys"];
        for (const action of [statement.Action].flat()) {
          limits[action] = Array.isArray(keys) ? [...(keys as string[])].sort() : "unconditioned";
        }
      }
    }
    return limits;
  }

  const expected = (access: TableAccess) => {
    const reads = leadingKeyPatterns([...access.reads, ...access.writes]);
    const writes = leadingKeyPatterns(access.writes);
    return {
      "dynamodb:GetItem": reads,
      "dynamodb:BatchGetItem": reads,
      "dynamodb:Query": reads,
      "dynamodb:PutItem": writes,
      "dynamodb:UpdateItem": writes,
      "dynamodb:DeleteItem": writes,
      "dynamodb:BatchWriteItem": writes,
    };
  };

  it.each(Object.keys(TABLE_ACCESS) as HubFunctionName[])(
    "%s reaches only the partitions key-access.ts gives it",
    (name) => {
      expect(leadingKeysOf(stack.functions[name])).toEqual(expected(TABLE_ACCESS[name]));
    },
  );

  it("deliver, which talks to partners' servers, cannot reach replay guards, indicators, the log or rate limits, nor write bulletins or organisations", () => {
    const limits = leadingKeysOf(stack.functions.deliver);
    expect(limits["dynamodb:GetItem"]).toEqual(["BUL#*", "DLV#*", "ORGS", "SUBS"]);
    expect(limits["dynamodb:PutItem"]).toEqual(["DLV#*", "SUBS"]);
  });

  it("one-partition lists are exact partition keys, every other partition a prefix", () => {
    expect(
      leadingKeyPatterns(["log", "organisation", "roster", "delivery", "deliveryRef"]),
    ).toEqual(["DLV#*", "DLVW#*", "LOG", "ORG#*", "ORGS"]);
  });
});

describe("the table grant keeps up with the store", () => {
  /** The IAM action each DynamoDB document-client command needs. */
  const ACTION_OF_COMMAND: Record<string, string> = {
    GetCommand: "dynamodb:GetItem",
    BatchGetCommand: "dynamodb:BatchGetItem",
    QueryCommand: "dynamodb:Query",
    ScanCommand: "dynamodb:Scan",
    PutCommand: "dynamodb:PutItem",
    UpdateCommand: "dynamodb:UpdateItem",
    DeleteCommand: "dynamodb:DeleteItem",
    BatchWriteCommand: "dynamodb:BatchWriteItem",
    TransactWriteCommand: "dynamodb:TransactWriteItems",
    TransactGetCommand: "dynamodb:TransactGetItems",
  };

  it("every DynamoDB command the store sends is granted", () => {
    const storeDir = join(REPOSITORY_ROOT, "shared/store/dynamo");
    const source = readdirSync(storeDir)
      .filter((file) => file.endsWith(".ts"))
      .map((file) => readFileSync(join(storeDir, file), "utf8"))
      .join("\n");
    const commands = new Set([...source.matchAll(/new (\w+Command)\(/g)].map((match) => match[1]));
    expect(commands.size).toBeGreaterThan(0);
    for (const command of commands) {
      const action = command === undefined ? undefined : ACTION_OF_COMMAND[command];
      expect(
        action,
        `${command} has no known IAM action; add it here and to the grant`,
      ).toBeDefined();
      expect(TABLE_ITEM_ACTIONS as readonly string[]).toContain(action);
    }
  });
});
