/**
 * What tells an operator the hub is unwell: alarms on dead letters, queue backlogs,
 * Lambda errors and throttles and API 5xx, all to one encrypted SNS topic, and one
 * dashboard with the same metrics next to the business counters the functions emit
 * through Powertools (namespace Cordon, dimension service=cordon).
 */

import { Duration, RemovalPolicy } from "aws-cdk-lib";
import type * as apigwv2 from "aws-cdk-lib/aws-apigatewayv2";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as actions from "aws-cdk-lib/aws-cloudwatch-actions";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import * as sns from "aws-cdk-lib/aws-sns";
import * as subscriptions from "aws-cdk-lib/aws-sns-subscriptions";
import { Construct } from "constructs";
import type { MetricName } from "../shared/observability/types.js";
import type { QueueName } from "../shared/queue/port.js";
import type { HubFunction } from "./hub-function.js";
import { POWERTOOLS_ENVIRONMENT } from "./hub-runtime.js";
import type { LogQueue } from "./transparency-log.js";
import type { WorkQueue } from "./work-queue.js";

/** The custom metrics on the dashboard (names from shared/observability/types.ts). */
export const DASHBOARD_METRICS: readonly MetricName[] = [
  "BulletinsPublished",
  "ScreenCalls",
  "DeliveriesSucceeded",
  "DeliveriesFailed",
];

/**
 * Oldest-message ages that mean a stage is not keeping up. Fan-out should take
 * seconds; five minutes is two failed receives in a row. A delivery is retried later by
 * changing its visibility, but SQS leaves a message that has been received three times
 * out of this metric, so the delivery age reflects new work only.
 */
const BACKLOG_AGE_ALARM: Record<QueueName, Duration> = {
  fanout: Duration.minutes(5),
  delivery: Duration.minutes(10),
};

/**
 * How long a change may wait for a signed checkpoint before someone is told. The
 * writer signs within a second; the sweeper wakes it again every minute; five minutes
 * means it keeps failing (its errors alarm says why).
 */
export const CHECKPOINT_LAG_ALARM = Duration.minutes(5);

/** An alarm's metric and threshold; name, description, actions and missing data are shared. */
type AlarmCondition = Omit<
  cloudwatch.AlarmProps,
  "alarmName" | "alarmDescription" | "treatMissingData"
>;

/** Fires when the metric counts at least one in five minutes. */
function anyInFiveMinutes(
  metricOf: (options: cloudwatch.MetricOptions) => cloudwatch.IMetric,
): AlarmCondition {
  return {
    metric: metricOf({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
  };
}

export interface MonitoringProps {
  stage: string;
  api: apigwv2.HttpApi;
  functions: Record<string, HubFunction>;
  queues: Readonly<Record<QueueName, WorkQueue>>;
  logQueue: LogQueue;
  /** Subscribed to the topic this construct creates. */
  alarmEmail: string | undefined;
  /** Send alarms to this existing topic instead of creating one. */
  alarmTopicArn: string | undefined;
}

export class Monitoring extends Construct {
  readonly topic: sns.ITopic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);

    this.topic =
      props.alarmTopicArn !== undefined
        ? sns.Topic.fromTopicArn(this, "AlarmTopic", props.alarmTopicArn)
        : this.createTopic(props.stage, props.alarmEmail);
    const notify = new actions.SnsAction(this.topic);

    const alarm = (name: string, description: string, options: AlarmCondition) => {
      const created = new cloudwatch.Alarm(this, name, {
        alarmName: `cordon-${props.stage}-${name}`,
        alarmDescription: description,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        ...options,
      });
      created.addAlarmAction(notify);
      created.addOkAction(notify);
      this.alarms.push(created);
      return created;
    };

    for (const [name, queue] of Object.entries(props.queues) as [QueueName, WorkQueue][]) {
      alarm(
        `${name}-dead-letters`,
        `Messages on the ${name} dead-letter queue: work that failed every try. Inspect, fix, then redrive (docs/deploy.md).`,
        {
          metric: queue.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            period: Duration.minutes(1),
            statistic: cloudwatch.Stats.MAXIMUM,
          }),
          threshold: 0,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 1,
        },
      );
      const age = BACKLOG_AGE_ALARM[name];
      alarm(
        `${name}-backlog`,
        `The oldest message on the ${name} queue has waited over ${age.toHumanString()}: its consumer is failing or not keeping up.`,
        {
          metric: queue.queue.metricApproximateAgeOfOldestMessage({
            period: Duration.minutes(1),
            statistic: cloudwatch.Stats.MAXIMUM,
          }),
          threshold: age.toSeconds(),
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 3,
        },
      );
    }

    for (const [name, handler] of Object.entries(props.functions)) {
      alarm(
        `${name}-errors`,
        `The ${name} Lambda failed invocations (uncaught errors or timeouts).`,
        anyInFiveMinutes((options) => handler.function.metricErrors(options)),
      );
      alarm(
        `${name}-throttles`,
        `The ${name} Lambda was throttled.`,
        anyInFiveMinutes((options) => handler.function.metricThrottles(options)),
      );
    }

    alarm(
      "log-dead-letters",
      "Checkpoint wake-ups on the log dead-letter queue: the log writer failed every try. The sweeper keeps asking; see the log Lambda's errors.",
      {
        metric: props.logQueue.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
      },
    );
    alarm(
      "log-checkpoint-lag",
      `A logged change has waited over ${CHECKPOINT_LAG_ALARM.toHumanString()} for a signed checkpoint: the transparency log's writer is failing (DESIGN §14). Auditors see a stale checkpoint meanwhile.`,
      {
        metric: checkpointLag({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM }),
        threshold: CHECKPOINT_LAG_ALARM.toSeconds(),
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 2,
      },
    );

    alarm(
      "api-5xx",
      "The API answered 5xx: the api Lambda or its integration failed.",
      anyInFiveMinutes((options) => props.api.metricServerError(options)),
    );

    this.dashboard = this.createDashboard(props);
  }

  private createTopic(stage: string, email: string | undefined): sns.Topic {
    // A customer-managed key because CloudWatch cannot publish to a topic under the
    // AWS-managed aws/sns key: that key's policy cannot be extended to CloudWatch.
    const key = new kms.Key(this, "AlarmTopicKey", {
      description: `Cordon ${stage}: encrypts the alarm topic`,
      alias: `alias/cordon-${stage}/alarms`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "CloudWatchAlarmsPublish",
        principals: [new iam.ServicePrincipal("cloudwatch.amazonaws.com")],
        actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
        resources: ["*"],
      }),
    );
    const topic = new sns.Topic(this, "AlarmTopic", {
      displayName: `Cordon ${stage} alarms`,
      masterKey: key,
      enforceSSL: true,
    });
    if (email !== undefined) topic.addSubscription(new subscriptions.EmailSubscription(email));
    return topic;
  }

  private createDashboard(props: MonitoringProps): cloudwatch.Dashboard {
    const period = Duration.minutes(5);
    const sum = { period, statistic: cloudwatch.Stats.SUM };
    const functions = Object.entries(props.functions);
    const queues = Object.entries(props.queues);
    const labelled = (metric: cloudwatch.Metric, label: string) => metric.with({ label });

    const business = DASHBOARD_METRICS.map(
      (metricName) =>
        new cloudwatch.Metric({
          namespace: POWERTOOLS_ENVIRONMENT.POWERTOOLS_METRICS_NAMESPACE,
          metricName,
          dimensionsMap: { service: POWERTOOLS_ENVIRONMENT.POWERTOOLS_SERVICE_NAME },
          ...sum,
        }),
    );

    const dashboard = new cloudwatch.Dashboard(this, "Dashboard", {
      dashboardName: `cordon-${props.stage}`,
      defaultInterval: Duration.hours(24),
    });
    dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: "Alarms", alarms: this.alarms, width: 24 }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: "Hub activity", left: business, width: 12 }),
      new cloudwatch.GraphWidget({
        title: "API requests",
        left: [
          labelled(props.api.metricCount(sum), "requests"),
          labelled(props.api.metricClientError(sum), "4xx"),
          labelled(props.api.metricServerError(sum), "5xx"),
        ],
        width: 12,
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: "API latency (p50, p99)",
        left: [
          labelled(props.api.metricLatency({ period, statistic: cloudwatch.Stats.p(50) }), "p50"),
          labelled(props.api.metricLatency({ period, statistic: cloudwatch.Stats.p(99) }), "p99"),
        ],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: "Lambda duration (p99)",
        left: functions.map(([name, handler]) =>
          labelled(
            handler.function.metricDuration({ period, statistic: cloudwatch.Stats.p(99) }),
            name,
          ),
        ),
        width: 12,
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: "Lambda invocations",
        left: functions.map(([name, handler]) =>
          labelled(handler.function.metricInvocations(sum), name),
        ),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: "Lambda errors",
        left: functions.map(([name, handler]) =>
          labelled(handler.function.metricErrors(sum), name),
        ),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: "Lambda throttles",
        left: functions.map(([name, handler]) =>
          labelled(handler.function.metricThrottles(sum), name),
        ),
        width: 8,
      }),
    );
    const max = { period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM };
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: "Transparency log: checkpoint lag (s)",
        left: [labelled(checkpointLag(max), "oldest change not yet signed")],
        right: [
          labelled(
            new cloudwatch.Metric({
              namespace: POWERTOOLS_ENVIRONMENT.POWERTOOLS_METRICS_NAMESPACE,
              metricName: "LogCheckpointsSigned",
              dimensionsMap: { service: POWERTOOLS_ENVIRONMENT.POWERTOOLS_SERVICE_NAME },
              ...sum,
            }),
            "checkpoints signed",
          ),
        ],
        width: 24,
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: "Queue depth",
        left: queues.map(([name, queue]) =>
          labelled(queue.queue.metricApproximateNumberOfMessagesVisible(max), name),
        ),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: "Age of oldest message (s)",
        left: queues.map(([name, queue]) =>
          labelled(queue.queue.metricApproximateAgeOfOldestMessage(max), name),
        ),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: "Dead letters",
        left: queues.map(([name, queue]) =>
          labelled(queue.deadLetterQueue.metricApproximateNumberOfMessagesVisible(max), name),
        ),
        width: 8,
      }),
    );
    return dashboard;
  }
}

/** `LogCheckpointLag` (shared/transparency/watch.ts), which the sweeper emits every minute. */
function checkpointLag(options: cloudwatch.MetricOptions): cloudwatch.Metric {
  const name: MetricName = "LogCheckpointLag";
  return new cloudwatch.Metric({
    namespace: POWERTOOLS_ENVIRONMENT.POWERTOOLS_METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { service: POWERTOOLS_ENVIRONMENT.POWERTOOLS_SERVICE_NAME },
    ...options,
  });
}
