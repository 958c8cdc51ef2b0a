/**
 * Builds the Cordon stack the way bin/cdk.ts does, for template assertions: the same
 * settings reader and the same cdk-nag pack, but with asset bundling skipped
 * (`aws:cdk:bundling-stacks: []`) and aws-cdk-lib's built-in CloudFormation validation
 * off, which together take a synth from about 30 s to about one. Bundles are built for
 * real in bundling.test.ts and by `npm run synth`. The pack is not registered as a
 * plugin here (a finding would abort the synth and every test with it); the nag tests
 * run it and list what it finds. The console deployed is a small stand-in build
 * (console-build/), so the template does not depend on whether console/dist exists.
 */
import { fileURLToPath } from "node:url";
import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import type { AwsSolutionsChecks } from "cdk-nag";
import { createComplianceChecks } from "../../lib/compliance.js";
import type { ConsoleBuild } from "../../lib/console.js";
import { CordonStack } from "../../lib/cordon-stack.js";
import { readStageSettings } from "../../lib/settings.js";

export interface SynthesizedHub {
  app: App;
  stack: CordonStack;
  template: Template;
  checks: AwsSolutionsChecks;
}

/** A console build as `npm run build:console` lays it out, small and fixed. */
export const STAND_IN_CONSOLE: ConsoleBuild = {
  kind: "built",
  directory: fileURLToPath(new URL("console-build", import.meta.url)),
};

/** What synth deploys when console/dist holds no build. */
export const NO_CONSOLE: ConsoleBuild = {
  kind: "placeholder",
  missing: "console/dist/index.html",
};

const synthesized = new Map<string, SynthesizedHub>();

/** The stack synthesized with these context values, built once per test process. */
export function synthesizeHub(
  context: Record<string, unknown> = {},
  consoleBuild: ConsoleBuild = STAND_IN_CONSOLE,
): SynthesizedHub {
  const key = JSON.stringify([context, consoleBuild]);
  let hub = synthesized.get(key);
  if (hub === undefined) {
    hub = buildHub(context, consoleBuild);
    synthesized.set(key, hub);
  }
  return hub;
}

function buildHub(context: Record<string, unknown>, consoleBuild: ConsoleBuild): SynthesizedHub {
  const app = new App({
    context: { "aws:cdk:bundling-stacks": [], ...context },
    builtinCloudFormationValidation: false,
    analyticsReporting: false,
  });
  const settings = readStageSettings(app.node);
  const stack = new CordonStack(app, `Cordon-${settings.stage}`, { settings, consoleBuild });
  const checks = createComplianceChecks(app);
  const template = Template.fromStack(stack);
  return { app, stack, template, checks };
}

/** The stack with default settings. */
export function defaultStack(): SynthesizedHub {
  return synthesizeHub();
}

/** Every option set to a non-default value (except alarmTopicArn, which excludes alarmEmail). */
export const PRODUCTION_CONTEXT = {
  stage: "prod",
  audience: "https://cordon.example.org",
  domainName: "cordon.example.org",
  certificateArn:
    "arn:aws:acm:us-east-1:123456789012:certificate/0f0e0d0c-0b0a-4909-8807-060504030201",
  logRetentionDays: "731",
  alarmEmail: "soc@example.org",
  corsOrigins: "https://console.example.org, https://ops.example.org",
  tableKmsKey: "customer-managed",
  throttleRate: "20",
  throttleBurst: "40",
};

/** The stack as a production deployment would configure it. */
export function productionStack(): SynthesizedHub {
  return synthesizeHub(PRODUCTION_CONTEXT);
}

/** A custom domain without an explicit audience: the audience follows the domain. */
export const CUSTOM_DOMAIN_CONTEXT = {
  domainName: PRODUCTION_CONTEXT.domainName,
  certificateArn: PRODUCTION_CONTEXT.certificateArn,
};

export function customDomainStack(): SynthesizedHub {
  return synthesizeHub(CUSTOM_DOMAIN_CONTEXT);
}

/** The default stack synthesized where console/dist held no build. */
export function placeholderConsoleStack(): SynthesizedHub {
  return synthesizeHub({}, NO_CONSOLE);
}

export type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

export function logicalIdOf(hub: SynthesizedHub, construct: { node: { defaultChild?: unknown } }) {
  const child = construct.node.defaultChild;
  if (child === undefined) throw new Error("construct has no default child");
  return hub.stack.getLogicalId(child as Parameters<CordonStack["getLogicalId"]>[0]);
}

/**
 * A CloudFormation value as readable text: `{Ref: X}` → `X`, `Fn::GetAtt [X, Arn]` →
 * `X.Arn`, `Fn::Sub` → its template.
 */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    if (typeof record.Ref === "string") return record.Ref;
    if (typeof record["Fn::Sub"] === "string") return record["Fn::Sub"];
    const getAtt = record["Fn::GetAtt"];
    if (Array.isArray(getAtt)) return getAtt.join(".");
    const join = record["Fn::Join"];
    if (Array.isArray(join) && Array.isArray(join[1])) {
      return join[1].map(describeValue).join(String(join[0]));
    }
  }
  return JSON.stringify(value);
}

interface PolicyStatement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/**
 * What a role may do, as `action → resources`. A resource reached only through a
 * service (`kms:ViaService`) is written `<resource> via <service>`.
 */
export function accessOf(
  hub: SynthesizedHub,
  role: { node: { defaultChild?: unknown } },
): Record<string, string[]> {
  const roleId = logicalIdOf(hub, role);
  const policies = hub.template.findResources("AWS::IAM::Policy", {
    Properties: { Roles: [{ Ref: roleId }] },
  });
  const access: Record<string, string[]> = {};
  for (const policy of Object.values(policies)) {
    const statements = policy.Properties.PolicyDocument.Statement as PolicyStatement[];
    for (const statement of statements) {
      if (statement.Effect !== "Allow") throw new Error("only Allow statements are expected");
      const via = statement.Condition?.StringEquals?.["kms:ViaService"];
      const suffix = via === undefined ? "" : ` via ${describeValue(via).split(".")[0]}`;
      const resources = (
        Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource]
      ).map((resource) => `${describeValue(resource)}${suffix}`);
      for (const action of [statement.Action].flat()) {
        access[action] = [...new Set([...(access[action] ?? []), ...resources])].sort();
      }
    }
  }
  return access;
}

export const EXISTING_ALARM_TOPIC = "arn:aws:sns:eu-central-1:123456789012:soc-alarms";

/** The stack sending alarms to a topic the operator already has. */
export function existingAlarmTopicStack(): SynthesizedHub {
  return synthesizeHub({ alarmTopicArn: EXISTING_ALARM_TOPIC });
}
