/** Alarms to one encrypted topic, and the dashboard with the hub's own counters. */
import { Match } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { DASHBOARD_METRICS } from "../../../lib/monitoring.js";
import {
  defaultStack,
  EXISTING_ALARM_TOPIC,
  existingAlarmTopicStack,
  logicalIdOf,
  productionStack,
} from "../fixture.js";

const hub = defaultStack();
const { template, stack } = hub;

type Alarm = {
  Properties: {
    AlarmName: string;
    MetricName: string;
    Namespace: string;
    Threshold: number;
    ComparisonOperator: string;
    AlarmActions: unknown[];
    OKActions: unknown[];
    Dimensions: { Name: string; Value: unknown }[];
  };
};
const alarms = Object.values(template.findResources("AWS::CloudWatch::Alarm")) as Alarm[];
const alarmNamed = (suffix: string) => {
  const alarm = alarms.find(
    (candidate) => candidate.Properties.AlarmName === `cordon-dev-${suffix}`,
  );
  if (alarm === undefined) throw new Error(`no alarm cordon-dev-${suffix}`);
  return alarm.Properties;
};

describe("alarms", () => {
  it("cover DLQ depth, queue age, Lambda errors and throttles, API 5xx and the checkpoint's lag", () => {
    expect(alarms.map((alarm) => alarm.Properties.AlarmName).sort()).toEqual(
      [
        "fanout-dead-letters",
        "fanout-backlog",
        "delivery-dead-letters",
        "delivery-backlog",
        "log-dead-letters",
        "log-checkpoint-lag",
        ...["api", "fanout", "deliver", "sweeper", "log"].flatMap((name) => [
          `${name}-errors`,
          `${name}-throttles`,
        ]),
        "api-5xx",
      ]
        .map((name) => `cordon-dev-${name}`)
        .sort(),
    );
  });

  it("fire on the first dead letter", () => {
    for (const name of ["fanout", "delivery"] as const) {
      expect(alarmNamed(`${name}-dead-letters`)).toMatchObject({
        Namespace: "AWS/SQS",
        MetricName: "ApproximateNumberOfMessagesVisible",
        Threshold: 0,
        ComparisonOperator: "GreaterThanThreshold",
        Dimensions: [
          {
            Name: "QueueName",
            Value: {
              "Fn::GetAtt": [logicalIdOf(hub, stack.queues[name].deadLetterQueue), "QueueName"],
            },
          },
        ],
      });
    }
    expect(alarmNamed("fanout-backlog")).toMatchObject({
      MetricName: "ApproximateAgeOfOldestMessage",
      Threshold: 300,
    });
    expect(alarmNamed("delivery-backlog")).toMatchObject({
      MetricName: "ApproximateAgeOfOldestMessage",
      Threshold: 600,
    });
    expect(alarmNamed("api-5xx")).toMatchObject({ Namespace: "AWS/ApiGateway", MetricName: "5xx" });
    expect(alarmNamed("deliver-errors")).toMatchObject({
      Namespace: "AWS/Lambda",
      MetricName: "Errors",
    });
  });

  it("tell when a change waits five minutes for a signed checkpoint, or the log writer dead-letters", () => {
    expect(alarmNamed("log-checkpoint-lag")).toMatchObject({
      Namespace: "Cordon",
      MetricName: "LogCheckpointLag",
      Threshold: 300,
      ComparisonOperator: "GreaterThanThreshold",
      Dimensions: [{ Name: "service", Value: "cordon" }],
    });
    expect(alarmNamed("log-dead-letters")).toMatchObject({
      MetricName: "ApproximateNumberOfMessagesVisible",
      Threshold: 0,
    });
  });

  it("all notify (and clear) on the alarm topic", () => {
    const topic = { Ref: logicalIdOf(hub, stack.monitoring.topic) };
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([topic]);
      expect(alarm.Properties.OKActions).toEqual([topic]);
    }
  });
});

describe("the alarm topic", () => {
  it("is KMS-encrypted with a key CloudWatch may use, and TLS-only", () => {
    template.hasResourceProperties("AWS::SNS::Topic", {
      KmsMasterKeyId: Match.objectLike({ "Fn::GetAtt": Match.anyValue() }),
    });
    template.hasResourceProperties("AWS::KMS::Key", {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
          }),
        ]),
      },
    });
    template.hasResourceProperties("AWS::SNS::TopicPolicy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: "Deny",
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          }),
        ]),
      },
    });
    template.resourceCountIs("AWS::SNS::Subscription", 0);
  });

  it("gets an e-mail subscription with -c alarmEmail=…", () => {
    const withEmail = productionStack();
    withEmail.template.hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "email",
      Endpoint: "soc@example.org",
    });
  });

  it("is replaced by an existing topic with -c alarmTopicArn=…", () => {
    const withTopic = existingAlarmTopicStack();
    withTopic.template.resourceCountIs("AWS::SNS::Topic", 0);
    for (const alarm of Object.values(withTopic.template.findResources("AWS::CloudWatch::Alarm"))) {
      expect(alarm.Properties.AlarmActions).toEqual([EXISTING_ALARM_TOPIC]);
    }
  });
});

describe("the dashboard", () => {
  it("charts the Powertools counters (namespace Cordon, service=cordon) and the alarms", () => {
    const dashboards = Object.values(template.findResources("AWS::CloudWatch::Dashboard"));
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(dashboards[0]?.Properties.DashboardBody);
    for (const metric of DASHBOARD_METRICS) {
      expect(body).toContain(`[\\"Cordon\\",\\"${metric}\\",\\"service\\",\\"cordon\\"`);
    }
    expect(DASHBOARD_METRICS).toEqual(
      expect.arrayContaining([
        "BulletinsPublished",
        "DeliveriesSucceeded",
        "DeliveriesFailed",
        "ScreenCalls",
      ]),
    );
    expect(body).toContain("ApproximateAgeOfOldestMessage");
    expect(body).toContain('\\"type\\":\\"alarm\\"');
  });
});
