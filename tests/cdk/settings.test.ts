/** Stage settings from CDK context: defaults, and refusals that name the bad option. */
import { App } from "aws-cdk-lib";
import { RetentionDays } from "aws-cdk-lib/aws-logs";
import { describe, expect, it } from "vitest";
import { readStageSettings } from "../../lib/settings.js";

const CERTIFICATE =
  "arn:aws:acm:us-east-1:123456789012:certificate/0f0e0d0c-0b0a-4909-8807-060504030201";

const settingsFrom = (context: Record<string, unknown>) =>
  readStageSettings(new App({ context }).node);

describe("stage settings", () => {
  it("default to a dev stage with no CORS, a year of logs and the AWS-managed table key", () => {
    expect(settingsFrom({})).toEqual({
      stage: "dev",
      audience: undefined,
      domain: undefined,
      logRetention: RetentionDays.ONE_YEAR,
      alarmEmail: undefined,
      alarmTopicArn: undefined,
      corsOrigins: [],
      tableKey: "aws-managed",
      throttleRate: 1000,
      throttleBurst: 2000,
      rateLimits: undefined,
    });
  });

  it("read strings from -c and values from cdk.json alike", () => {
    expect(
      settingsFrom({
        stage: "prod",
        audience: "https://cordon.example.org/",
        domainName: "cordon.example.org",
        certificateArn: CERTIFICATE,
        logRetentionDays: "3653",
        corsOrigins: ["https://a.example.org"],
        tableKmsKey: "customer-managed",
        throttleRate: 50,
        throttleBurst: "75",
      }),
    ).toMatchObject({
      stage: "prod",
      audience: "https://cordon.example.org",
      domain: { name: "cordon.example.org", certificateArn: CERTIFICATE },
      logRetention: RetentionDays.TEN_YEARS,
      corsOrigins: ["https://a.example.org"],
      tableKey: "customer-managed",
      throttleRate: 50,
      throttleBurst: 75,
    });
  });

  it.each([
    [{ audience: "http://cordon.example.org" }, "audience"],
    [{ audience: "https://cordon.example.org/v1" }, "audience"],
    [{ stage: "Prod" }, "stage"],
    [{ logRetentionDays: "42" }, "logRetentionDays"],
    [{ tableKmsKey: "mine" }, "tableKmsKey"],
    [{ corsOrigins: "https://a.example.org/path" }, "corsOrigins"],
    [{ alarmEmail: "not-an-address" }, "alarmEmail"],
    [{ throttleRate: "fast" }, "throttleRate"],
    [
      { alarmEmail: "soc@example.org", alarmTopicArn: "arn:aws:sns:eu-west-1:123456789012:t" },
      "not both",
    ],
    [{ throttleRate: "100", throttleBurst: "10" }, "throttleBurst"],
    [{ rateLimits: "publish=0" }, "rateLimits"],
    [{ rateLimits: "writes=10" }, "rateLimits"],
    [{ domainName: "cordon.example.org" }, "together"],
    [{ certificateArn: CERTIFICATE }, "together"],
    [{ domainName: "https://cordon.example.org", certificateArn: CERTIFICATE }, "domainName"],
    [{ domainName: "Cordon.Example.org", certificateArn: CERTIFICATE }, "domainName"],
    [
      {
        domainName: "cordon.example.org",
        certificateArn: CERTIFICATE.replace("us-east-1", "eu-central-1"),
      },
      "us-east-1",
    ],
  ])("refuse %o", (context, named) => {
    expect(() => settingsFrom(context)).toThrow(named);
  });
});
