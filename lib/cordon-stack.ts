/**
 * One deployed hub: storage, the hub secret, the two work queues and the log's queue,
 * the API, the edge (the CloudFront distribution that is the hub's one origin, serving
 * the analyst console and the API), the four background Lambdas, and their monitoring.
 * The order below is the order of dependency: every hub Lambda's environment names the
 * table, the secret, all the queues and the audience (the edge's URL unless
 * configured), so those exist first.
 */
import { CfnOutput, Stack, type StackProps, Tags } from "aws-cdk-lib";
import type { Construct } from "constructs";
import { QUEUE_SETTINGS } from "../shared/queue/settings.js";
import { Api } from "./api.js";
import { type ConsoleBuild, findConsoleBuild } from "./console.js";
import { Delivery } from "./delivery.js";
import { Edge } from "./edge.js";
import { FanOut } from "./fanout.js";
import { type HubFunction, REPOSITORY_ROOT } from "./hub-function.js";
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
  /** The console to deploy; by default whatever console/dist holds at synth. */
  consoleBuild?: ConsoleBuild;
}

export class CordonStack extends Stack {
  readonly storage: Storage;
  readonly hubSecret: HubSecret;
  readonly api: Api;
  readonly edge: Edge;
  readonly functions: Readonly<
    Record<"api" | "fanout" | "deliver" | "sweeper" | "log", HubFunction>
  >;
  readonly queues: Readonly<Record<"fanout" | "delivery", WorkQueue>>;
  readonly logQueue: LogQueue;
  readonly sweeper: Sweeper;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: CordonStackProps) {
    const { settings, consoleBuild, ...stackProps } = props;
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

    this.edge = new Edge(this, "Edge", {
      stage: settings.stage,
      api: this.api.httpApi,
      console: consoleBuild ?? findConsoleBuild(`${REPOSITORY_ROOT}console/dist`),
      domain: settings.domain,
      logRetention: settings.logRetention,
    });

    // The hub's audience is its one origin. The distribution refers to the API itself
    // (its id), not to the route or the api Lambda, so the functions can name the
    // distribution without a cycle: CloudFront → API ← route → Lambda → CloudFront.
    const audience = settings.audience ?? this.edge.url;
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

    new CfnOutput(this, "HubUrl", {
      description: "The hub's one origin: partners' --hub; the console is at /console/",
      value: this.edge.url,
    });
    new CfnOutput(this, "DistributionDomainName", {
      description: "Where a custom domain's DNS record points (CNAME or alias)",
      value: this.edge.distribution.distributionDomainName,
    });
    new CfnOutput(this, "ConsoleContent", {
      description: "What synth deployed at /console/",
      value:
        this.edge.console.build.kind === "built"
          ? "the console build from console/dist"
          : "a placeholder page: console/dist held no build at synth",
    });
    new CfnOutput(this, "ApiUrl", {
      description: "The API Gateway endpoint behind the distribution (execute-api)",
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
