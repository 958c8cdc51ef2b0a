/** The Lambda functions: runtime, architecture, logs, tracing, sizing and configuration. */
import { Match } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { HUB_RUNTIME } from "../../../lib/hub-function.js";
import { POWERTOOLS_ENVIRONMENT } from "../../../lib/hub-runtime.js";
import { defaultStack, logicalIdOf, productionStack, synthesizeHub } from "../fixture.js";

const hub = defaultStack();
const { template, stack } = hub;
const functions = Object.entries(stack.functions);
type LambdaProperties = {
  Runtime: string;
  Architectures: string[];
  MemorySize: number;
  Timeout: number;
  TracingConfig?: { Mode: string };
  LoggingConfig: { LogGroup: { Ref: string }; LogFormat: string };
  Environment: { Variables: Record<string, unknown> };
  Handler: string;
};
const propertiesOf = (construct: { node: { defaultChild?: unknown } }) =>
  (template.toJSON().Resources[logicalIdOf(hub, construct)] as { Properties: LambdaProperties })
    .Properties;

describe.each(functions)("the %s function", (_name, handler) => {
  const properties = propertiesOf(handler.function);

  it("runs on nodejs24.x (not the deprecated nodejs20.x) on arm64", () => {
    expect(HUB_RUNTIME.name).toBe("nodejs24.x");
    expect(properties.Runtime).toBe("nodejs24.x");
    expect(properties.Architectures).toEqual(["arm64"]);
    expect(properties.Handler).toBe("index.handler");
  });

  it("logs JSON to its own log group, kept 365 days by default and retained", () => {
    expect(properties.LoggingConfig).toMatchObject({
      LogFormat: "JSON",
      LogGroup: { Ref: logicalIdOf(hub, handler.logGroup) },
    });
    const group = template.toJSON().Resources[logicalIdOf(hub, handler.logGroup)];
    expect(group).toMatchObject({
      Properties: { RetentionInDays: 365 },
      DeletionPolicy: "Retain",
    });
  });

  it("is traced by X-Ray and configured for Powertools and source maps", () => {
    expect(properties.TracingConfig).toEqual({ Mode: "Active" });
    expect(properties.Environment.Variables).toMatchObject({
      ...POWERTOOLS_ENVIRONMENT,
      NODE_OPTIONS: "--enable-source-maps",
    });
  });

  it("gets every variable shared/config/env.ts requires, the audience being the hub's one origin", () => {
    const variables = properties.Environment.Variables;
    expect(Object.keys(variables)).toEqual(
      expect.arrayContaining([
        "CORDON_TABLE_NAME",
        "CORDON_AUDIENCE",
        "CORDON_FANOUT_QUEUE_URL",
        "CORDON_DELIVERY_QUEUE_URL",
        "CORDON_FANOUT_DLQ_URL",
        "CORDON_DELIVERY_DLQ_URL",
        "CORDON_HUB_SECRET_ID",
        "CORDON_SECRETS_KMS_KEY_ID",
      ]),
    );
    // https://<id>.cloudfront.net, no trailing slash (tests/cdk/template/edge.ts: the
    // custom domain and -c audience=… variants).
    expect(variables.CORDON_AUDIENCE).toEqual({
      "Fn::Join": [
        "",
        ["https://", { "Fn::GetAtt": [logicalIdOf(hub, stack.edge.distribution), "DomainName"] }],
      ],
    });
  });
});

describe("sizing", () => {
  it("matches docs/deploy.md", () => {
    const sizing = Object.fromEntries(
      functions.map(([name, handler]) => {
        const { MemorySize, Timeout } = propertiesOf(handler.function);
        return [name, { MemorySize, Timeout }];
      }),
    );
    expect(sizing).toEqual({
      api: { MemorySize: 1024, Timeout: 10 },
      fanout: { MemorySize: 512, Timeout: 60 },
      deliver: { MemorySize: 512, Timeout: 30 },
      sweeper: { MemorySize: 512, Timeout: 50 },
      log: { MemorySize: 256, Timeout: 30 },
    });
  });
});

describe("configuration from context", () => {
  it("sets the audience given with -c audience=…", () => {
    const custom = productionStack();
    const api = custom.stack.functions.api.function;
    const resources = custom.template.toJSON().Resources;
    expect(
      resources[logicalIdOf(custom, api)].Properties.Environment.Variables.CORDON_AUDIENCE,
    ).toBe("https://cordon.example.org");
    expect(custom.stack.stackName).toBe("Cordon-prod");
  });

  it("hands the rates given with -c rateLimits=… to every function, and none by default", () => {
    const custom = synthesizeHub({ rateLimits: "publish=25,read=200" });
    for (const handler of Object.values(custom.stack.functions)) {
      const resources = custom.template.toJSON().Resources;
      expect(
        resources[logicalIdOf(custom, handler.function)].Properties.Environment.Variables
          .CORDON_RATE_LIMITS,
      ).toBe("publish=25,read=200");
    }
    expect(
      propertiesOf(stack.functions.api.function).Environment.Variables.CORDON_RATE_LIMITS,
    ).toBeUndefined();
  });

  it("uses the log retention given with -c logRetentionDays=…", () => {
    const custom = productionStack();
    for (const group of Object.values(custom.template.findResources("AWS::Logs::LogGroup"))) {
      expect(group.Properties.RetentionInDays).toBe(731);
    }
  });
});

describe("the sweeper", () => {
  it("runs every minute, without retries (the next sweep is the retry)", () => {
    template.hasResourceProperties("AWS::Events::Rule", {
      ScheduleExpression: "rate(1 minute)",
      State: "ENABLED",
      Targets: [
        Match.objectLike({
          Arn: { "Fn::GetAtt": [logicalIdOf(hub, stack.functions.sweeper.function), "Arn"] },
          RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 },
        }),
      ],
    });
    template.hasResourceProperties("AWS::Lambda::EventInvokeConfig", {
      MaximumRetryAttempts: 0,
    });
  });
});
