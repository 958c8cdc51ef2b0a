/** The table as the store design needs it, and as a bank's review expects it. */
import { Match } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import {
  GLOBAL_SECONDARY_INDEXES,
  PARTITION_KEY,
  SORT_KEY,
  TTL_ATTRIBUTE,
} from "../../../shared/store/dynamo/table-definition.js";
import { defaultStack, logicalIdOf, productionStack } from "../fixture.js";

describe("the DynamoDB table", () => {
  const { template } = defaultStack();

  it("is on-demand with the single-table keys", () => {
    template.resourceCountIs("AWS::DynamoDB::Table", 1);
    template.hasResourceProperties("AWS::DynamoDB::Table", {
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: [
        { AttributeName: PARTITION_KEY, KeyType: "HASH" },
        { AttributeName: SORT_KEY, KeyType: "RANGE" },
      ],
    });
  });

  it("has point-in-time recovery, deletion protection and TTL on `ttl`", () => {
    template.hasResourceProperties("AWS::DynamoDB::Table", {
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
      TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
    });
  });

  it("has the one GSI of table-definition.ts, the outbox", () => {
    template.hasResourceProperties("AWS::DynamoDB::Table", {
      GlobalSecondaryIndexes: GLOBAL_SECONDARY_INDEXES,
    });
  });

  it("is encrypted with the AWS-managed key by default and outlives the stack", () => {
    template.hasResource("AWS::DynamoDB::Table", {
      Properties: { SSESpecification: { SSEEnabled: true, KMSMasterKeyId: Match.absent() } },
      DeletionPolicy: "Retain",
      UpdateReplacePolicy: "Retain",
    });
  });

  it("uses a rotating customer-managed key with tableKmsKey=customer-managed", () => {
    const hub = productionStack();
    const key = hub.stack.storage.tableKey;
    if (key === undefined) throw new Error("expected a table key");
    hub.template.hasResourceProperties("AWS::DynamoDB::Table", {
      SSESpecification: {
        SSEEnabled: true,
        SSEType: "KMS",
        KMSMasterKeyId: { "Fn::GetAtt": [logicalIdOf(hub, key), "Arn"] },
      },
    });
    hub.template.hasResource("AWS::KMS::Key", {
      Properties: { EnableKeyRotation: true, Description: Match.stringLikeRegexp("hub table") },
      DeletionPolicy: "Retain",
    });
  });
});

describe("the KMS keys", () => {
  it("all rotate, and the ones that protect retained data are retained", () => {
    const { template, stack } = defaultStack();
    const keys = template.findResources("AWS::KMS::Key");
    for (const key of Object.values(keys)) expect(key.Properties.EnableKeyRotation).toBe(true);
    for (const key of [stack.storage.webhookSecretsKey, stack.hubSecret.key]) {
      expect(keys[logicalIdOf(defaultStack(), key)]?.DeletionPolicy).toBe("Retain");
    }
  });
});
