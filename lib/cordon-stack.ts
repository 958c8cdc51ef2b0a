/**
 * One deployed hub: storage, the hub secret, the two work queues and the log's queue,
 * the API and the four background Lambdas, and their monitoring. The order below is the order of
 * dependency: every hub Lambda's environment names the table, the secret, all four
 * queues and the audience (the API's own URL unless configured), so those exist first.
 */
import { CfnOutput, Stack, type StackProps, Tags } from "aws-cdk-lib";
import type { Construct } from "constructs";
import { QUEUE_SETTINGS } from "../shared/queue/settings.js";
import { Api } from "./api.js";
import { Delivery } from "./delivery.js";
import { FanOut } from "./fanout.js";
import type { HubFunction } from "./hub-function.js";
import type { HubResources } from "./hub-runtime.js";
import { HubSecret } from "./hub-secret.js";
import { Monitoring } from "./monitoring.js";
import type { StageSettings } from "./settings.js";
import { Storage } from "./storage.js";
import { Sweeper } from "./sweeper.js";
import { LogQueue, LogWriter } from "./transparency-log.js";
import { WorkQueue } from "./work-queue.js";

export interface CordonStackProps extends StackProps {
  settings: StageSettings;
}

export class CordonStack extends Stack {
  readonly storage: Storage;
  readonly hubSecret: HubSecret;
  readonly api: Api;
  readonly functions: Readonly<
    Record<"api" | "fanout" | "deliver" | "sweeper" | "log", HubFunction>
  >;
  readonly queues: Readonly<Record<"fanout" | "delivery", WorkQueue>>;
  readonly logQueue: LogQueue;
  readonly sweeper: Sweeper;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: CordonStackProps) {
    const { settings, ...stackProps } = props;
    super(scope, id, {
      description: `Cordon hub (${settings.stage}): signed indicator bulletins`,
      ...stackProps,
    });
    Tags.of(this).add("project", "cordon");
    Tags.of(this).add("stage", settings.stage);

    this.storage = new Storage(this, "Storage", {
      stage: settings.stage,
      tableKey: settings.tableKey,
    });
    this.hubSecret = new HubSecret(this, "HubSecret", {
      stage: settings.stage,
      logRetention: settings.logRetention,
    });
    this.queues = {
      fanout: new WorkQueue(this, "FanoutQueue", { settings: QUEUE_SETTINGS.fanout }),
      delivery: new WorkQueue(this, "DeliveryQueue", { settings: QUEUE_SETTINGS.delivery }),
    };
    this.logQueue = new LogQueue(this, "LogQueue");
    this.api = new Api(this, "Api", {
      stage: settings.stage,
      logRetention: settings.logRetention,
      throttleRate: settings.throttleRate,
      throttleBurst: settings.throttleBurst,
      corsOrigins: settings.corsOrigins,
    });

    // The audience is referenced by the functions, the API by the route only, so
    // defaulting it to the API's own endpoint creates no cycle.
    const audience = settings.audience ?? this.api.url;
    const resources: HubResources = {
      storage: this.storage,
      hubSecret: this.hubSecret,
      fanout: this.queues.fanout,
      delivery: this.queues.delivery,
      log: this.logQueue,
      audience,
      logRetention: settings.logRetention,
      rateLimits: settings.rateLimits,
    };
    const api = this.api.addHandler(resources);
    const fanout = new FanOut(this, "FanOut", { resources });
    const delivery = new Delivery(this, "Delivery", { resources });
    this.sweeper = new Sweeper(this, "Sweeper", { resources });
    const logWriter = new LogWriter(this, "LogWriter", { resources });
    this.functions = {
      api,
      fanout: fanout.handler,
      deliver: delivery.handler,
      sweeper: this.sweeper.handler,
      log: logWriter.handler,
    };

    this.monitoring = new Monitoring(this, "Monitoring", {
      stage: settings.stage,
      api: this.api.httpApi,
      functions: this.functions,
      queues: this.queues,
      logQueue: this.logQueue,
      alarmEmail: settings.alarmEmail,
      alarmTopicArn: settings.alarmTopicArn,
    });

    new CfnOutput(this, "ApiUrl", {
      description: "The API endpoint (execute-api)",
      value: this.api.url,
    });
    new CfnOutput(this, "Audience", {
      description: "The aud claim every request token must carry",
      value: audience,
    });
    new CfnOutput(this, "TableName", {
      description: "For `npx cordon admin bootstrap --table`",
      value: this.storage.table.tableName,
    });
    new CfnOutput(this, "HubSecretArn", {
      description: "The hub signing keys (rotation: docs/deploy.md)",
      value: this.hubSecret.secret.secretArn,
    });
    new CfnOutput(this, "AlarmTopicArn", {
      description: "Subscribe on-call here",
      value: this.monitoring.topic.topicArn,
    });
    new CfnOutput(this, "DashboardName", { value: this.monitoring.dashboard.dashboardName });
  }
}
