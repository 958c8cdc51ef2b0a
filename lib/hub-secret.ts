/**
 * The hub secret: the Ed25519 keys the hub signs receipts and webhooks with, and the
 * key behind sighting pseudonyms (shared/hub/hub-secret.ts), in Secrets Manager under
 * a customer-managed KMS key. A custom resource fills it at the first deploy from
 * inside the account (lambdas/init-hub-secret.ts), so the private keys are never in
 * the template, on an operator's machine, or in CI.
 */
import {
  type CfnElement,
  CustomResource,
  Duration,
  RemovalPolicy,
  Stack,
  Validations,
} from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import * as logs from "aws-cdk-lib/aws-logs";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import * as cr from "aws-cdk-lib/custom-resources";
import { Construct } from "constructs";
import { defaultPolicyOf, HubFunction } from "./hub-function.js";

export interface HubSecretProps {
  stage: string;
  logRetention: logs.RetentionDays;
}

export class HubSecret extends Construct {
  readonly secret: secretsmanager.Secret;
  readonly key: kms.Key;
  /** Deploy-time only: writes the first hub secret. */
  readonly initialiser: HubFunction;

  constructor(scope: Construct, id: string, props: HubSecretProps) {
    super(scope, id);

    // Its own key, so that its key policy and CloudTrail record concern the hub's
    // signing keys alone, and reading the secret needs both IAM grants below.
    this.key = new kms.Key(this, "Key", {
      description: `Cordon ${props.stage}: encrypts the hub secret (signing and pseudonym keys)`,
      alias: `alias/cordon-${props.stage}/hub-secret`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // CloudFormation creates the secret with a random placeholder that is not a
    // hub-secret document; the initialiser replaces it once. Never change
    // generateSecretString: CloudFormation would generate a new value over the keys.
    this.secret = new secretsmanager.Secret(this, "Secret", {
      description: `Cordon ${props.stage}: hub signing keys and pseudonym key (JSON, see shared/hub/hub-secret.ts)`,
      encryptionKey: this.key,
      generateSecretString: { passwordLength: 32, excludePunctuation: true },
      // Webhook and receipt signatures made with these keys must stay verifiable.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.secret).acknowledge({
      id: "AwsSolutions-SMG4",
      reason:
        "The hub signing keys are rotated by an operator, not on a schedule: a new key must be published in /.well-known/jwks.json before it signs and the old one kept until nothing signed with it needs verifying, which a rotation Lambda cannot know. The procedure is in docs/deploy.md (Key rotation).",
    });

    this.initialiser = new HubFunction(this, "Initialiser", {
      entry: "lambdas/init-hub-secret.ts",
      description: "Cordon: writes the first hub secret at deploy time (never overwrites one)",
      memorySize: 256,
      timeout: Duration.seconds(30),
      environment: {},
      logRetention: props.logRetention,
      tracing: false,
    });
    const initialiserRole = this.initialiser.role;
    iam.Grant.addToPrincipal({
      grantee: initialiserRole,
      actions: ["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"],
      resourceArns: [this.secret.secretArn],
    });
    // Secrets Manager encrypts a new value with a data key from KMS and decrypts the
    // current one for GetSecretValue, both on the caller's behalf.
    this.grantKeyViaSecretsManager(initialiserRole, ["kms:Decrypt", "kms:GenerateDataKey"]);

    const frameworkLogs = new logs.LogGroup(this, "ProviderLogs", {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const frameworkRole = new iam.Role(this, "ProviderRole", {
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
      description: "Runs the CDK custom-resource framework that invokes the hub secret initialiser",
    });
    frameworkLogs.grantWrite(frameworkRole);
    const provider = new cr.Provider(this, "Provider", {
      onEventHandler: this.initialiser.function,
      logGroup: frameworkLogs,
      frameworkOnEventRole: frameworkRole,
    });
    Validations.of(defaultPolicyOf(frameworkRole)).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(
        this.initialiser.function.node.defaultChild as CfnElement,
      )}.Arn>:*]`,
      reason:
        "The CDK provider framework grants lambda:InvokeFunction on the initialiser's ARN and its qualified versions (ARN:*); the resource is this one function, nothing else.",
    });

    new CustomResource(this, "Initialisation", {
      serviceToken: provider.serviceToken,
      resourceType: "Custom::CordonHubSecret",
      properties: { SecretId: this.secret.secretArn },
    });
  }

  /** GetSecretValue on this secret, and Decrypt on its key only when Secrets Manager asks. */
  grantRead(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({
      grantee,
      actions: ["secretsmanager:GetSecretValue"],
      resourceArns: [this.secret.secretArn],
    });
    this.grantKeyViaSecretsManager(grantee, ["kms:Decrypt"]);
  }

  private grantKeyViaSecretsManager(grantee: iam.IGrantable, actions: string[]): void {
    iam.Grant.addToPrincipal({
      grantee,
      actions,
      resourceArns: [this.key.keyArn],
      conditions: {
        StringEquals: {
          "kms:ViaService": `secretsmanager.${Stack.of(this).region}.amazonaws.com`,
        },
      },
    });
  }
}
