/**
 * cdk-nag's AWS Solutions checks report nothing unacknowledged, for the default stack
 * and for the customer-managed table key option, and every acknowledgment is one we
 * meant, with its reason, visible in the template.
 */
import { App, Stack } from "aws-cdk-lib";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { describe, expect, it } from "vitest";
import { addComplianceChecks } from "../../../lib/compliance.js";
import {
  defaultStack,
  existingAlarmTopicStack,
  placeholderConsoleStack,
  productionStack,
  type SynthesizedHub,
} from "../fixture.js";

/** Every rule the stack acknowledges whatever its settings, each with the reason given in lib/. */
const ALWAYS_ACKNOWLEDGED = [
  // X-Ray: xray:PutTraceSegments/PutTelemetryRecords have no resource-level permissions.
  "AwsSolutions-IAM5[Resource::*]",
  // The provider framework may invoke the initialiser's ARN and its versions (ARN:*).
  "AwsSolutions-IAM5[Resource::<HubSecretInitialiserFunction8675758D.Arn>:*]",
  // Authentication is the signed request token, checked by the api Lambda.
  "AwsSolutions-APIG4",
  // Hub signing keys are rotated by the documented procedure, not on a schedule.
  "AwsSolutions-SMG4",
  // The log bucket is where access logs go; its own would loop or need another bucket.
  "AwsSolutions-S1",
  // No geo restriction: partners are in many countries; every request is authenticated.
  "AwsSolutions-CFR1",
  // No WAF by default (optional, docs/deploy.md): per-request tokens and per-organisation limits.
  "AwsSolutions-CFR2",
  // The s3-deployment uploader runs the Python runtime aws-cdk-lib pins for it.
  "AwsSolutions-L1",
  // The console uploader writes the objects under console/ of the console bucket.
  "AwsSolutions-IAM5[Resource::<EdgeConsoleBucket9B828889.Arn>/console/*]",
];

/** CloudFront's default certificate allows TLSv1: acknowledged only without a custom domain. */
const DEFAULT_CERTIFICATE = "AwsSolutions-CFR4";

function acknowledgmentsIn(hub: SynthesizedHub): Map<string, string> {
  const acknowledged = new Map<string, string>();
  const resources = hub.template.toJSON().Resources as Record<
    string,
    { Metadata?: { cdk_nag?: { rules_to_suppress: { id: string; reason: string }[] } } }
  >;
  for (const resource of Object.values(resources)) {
    for (const rule of resource.Metadata?.cdk_nag?.rules_to_suppress ?? []) {
      acknowledged.set(rule.id, rule.reason);
    }
  }
  return acknowledged;
}

describe.each([
  ["default settings", defaultStack, [DEFAULT_CERTIFICATE]],
  [
    "production settings (custom domain, customer-managed table key, alarm e-mail, CORS)",
    productionStack,
    [],
  ],
  ["an existing alarm topic", existingAlarmTopicStack, [DEFAULT_CERTIFICATE]],
  ["no console build (the placeholder page)", placeholderConsoleStack, [DEFAULT_CERTIFICATE]],
] as const)("cdk-nag AwsSolutions with %s", (_label, build, alsoAcknowledged) => {
  const hub = build();

  it("reports no unacknowledged finding, error or warning", () => {
    const report = hub.checks.validateScope(hub.app);
    const findings = report.violations.map(
      (violation) =>
        `${violation.severity} ${violation.ruleName}: ${violation.violatingResources
          .map((resource) => resource.constructPath)
          .join(", ")}`,
    );
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });

  it("acknowledges only the expected rules, each with a reason written into the template", () => {
    const acknowledged = acknowledgmentsIn(hub);
    expect([...acknowledged.keys()].sort()).toEqual(
      [...ALWAYS_ACKNOWLEDGED, ...alsoAcknowledged].sort(),
    );
    for (const reason of acknowledged.values()) expect(reason.length).toBeGreaterThan(80);
  });
});

describe("the compliance plugin of bin/cdk.ts", () => {
  it("fails the synth on an unacknowledged finding", () => {
    const app = new App({ builtinCloudFormationValidation: false, analyticsReporting: false });
    // A queue without encryption, TLS enforcement or a DLQ: three AwsSolutions errors.
    new sqs.Queue(new Stack(app, "Careless"), "Queue", {
      encryption: sqs.QueueEncryption.UNENCRYPTED,
    });
    addComplianceChecks(app);
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/);
  });
});
