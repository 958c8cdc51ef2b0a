/**
 * The hub's state: the single DynamoDB table (keys and indexes from
 * shared/store/dynamo/table-definition.ts, so the local runtime and AWS cannot drift)
 * and the KMS key that seals webhook secrets. Both outlive the stack.
 */
import { RemovalPolicy, Stack } from "aws-cdk-lib";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import { Construct } from "constructs";
import { leadingKeyPatterns, type TableAccess } from "../shared/store/dynamo/key-access.js";
import {
  PARTITION_KEY,
  SORT_KEY,
  TTL_ATTRIBUTE,
  WORK_INDEX,
  WORK_INDEX_PROJECTED,
} from "../shared/store/dynamo/table-definition.js";
import type { TableKeyChoice } from "./settings.js";

/**
 * The item operations the store sends (shared/store/dynamo). No Scan, no
 * transactions (the store avoids them so dynalite can run it), no DescribeTable, no
 * stream reads: tests/cdk/template/iam.ts fails if the store starts sending a command
 * that is not in this list.
 */
export const TABLE_READ_ACTIONS = [
  "dynamodb:GetItem",
  "dynamodb:BatchGetItem",
  "dynamodb:Query",
] as const;
export const TABLE_WRITE_ACTIONS = [
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:DeleteItem",
  "dynamodb:BatchWriteItem",
] as const;
export const TABLE_ITEM_ACTIONS = [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS] as const;

/** What a caller of a table encrypted with a customer-managed key needs, through DynamoDB only. */
const TABLE_KEY_ACTIONS = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"];

export interface StorageProps {
  stage: string;
  tableKey: TableKeyChoice;
}

export class Storage extends Construct {
  readonly table: dynamodb.Table;
  /** Present only with `tableKmsKey=customer-managed`. */
  readonly tableKey: kms.Key | undefined;
  /** Seals webhook secrets; the subscription id is the encryption context (shared/webhooks/kms-secret-box.ts). */
  readonly webhookSecretsKey: kms.Key;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);

    this.tableKey =
      props.tableKey === "customer-managed"
        ? new kms.Key(this, "TableKey", {
            description: `Cordon ${props.stage}: encrypts the hub table at rest`,
            alias: `alias/cordon-${props.stage}/table`,
            enableKeyRotation: true,
            // The retained table cannot be read without it.
            removalPolicy: RemovalPolicy.RETAIN,
          })
        : undefined;

    this.table = new dynamodb.Table(this, "Table", {
      partitionKey: { name: PARTITION_KEY, type: dynamodb.AttributeType.STRING },
      sortKey: { name: SORT_KEY, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      ...(this.tableKey === undefined
        ? { encryption: dynamodb.TableEncryption.AWS_MANAGED }
        : {
            encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
            encryptionKey: this.tableKey,
          }),
      // Deleting the stack must never delete bulletins, keys or delivery history.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: WORK_INDEX.name,
      partitionKey: { name: WORK_INDEX.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: WORK_INDEX.sortKey, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.INCLUDE,
      nonKeyAttributes: [...WORK_INDEX_PROJECTED],
    });

    this.webhookSecretsKey = new kms.Key(this, "WebhookSecretsKey", {
      description: `Cordon ${props.stage}: seals webhook signing secrets (encryption context: subscription id)`,
      alias: `alias/cordon-${props.stage}/webhook-secrets`,
      enableKeyRotation: true,
      // Sealed secrets in the retained table open only with this key.
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /**
   * Item reads and writes on the table, each narrowed by `dynamodb:LeadingKeys` to the
   * partitions the function uses (shared/store/dynamo/key-access.ts), and queries on the
   * indexes it uses, by name (not `index/*`).
   */
  grantData(grantee: iam.IGrantable, access: TableAccess): void {
    const readable = leadingKeyPatterns([...access.reads, ...access.writes]);
    iam.Grant.addToPrincipal({
      grantee,
      actions: [...TABLE_READ_ACTIONS],
      resourceArns: [this.table.tableArn],
      conditions: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": readable } },
    });
    if (access.writes.length > 0) {
      iam.Grant.addToPrincipal({
        grantee,
        actions: [...TABLE_WRITE_ACTIONS],
        resourceArns: [this.table.tableArn],
        conditions: {
          "ForAllValues:StringLike": { "dynamodb:LeadingKeys": leadingKeyPatterns(access.writes) },
        },
      });
    }
    if (access.indexes.length > 0) {
      iam.Grant.addToPrincipal({
        grantee,
        actions: ["dynamodb:Query"],
        resourceArns: access.indexes.map((index) => `${this.table.tableArn}/index/${index}`),
      });
    }
    if (this.tableKey !== undefined) {
      iam.Grant.addToPrincipal({
        grantee,
        actions: TABLE_KEY_ACTIONS,
        resourceArns: [this.tableKey.keyArn],
        conditions: {
          StringEquals: { "kms:ViaService": `dynamodb.${Stack.of(this).region}.amazonaws.com` },
        },
      });
    }
  }
}
