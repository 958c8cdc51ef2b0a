/**
 * The public edge: an API Gateway HTTP API whose `$default` stage logs every request
 * (JSON, without headers) and throttles, with one `$default` route to the api Lambda.
 *
 * Why one catch-all route: the api Lambda routes itself, because the wire contract
 * (DESIGN §7, §9) makes an unknown path a problem+json 404 and a known path with another
 * method a 405, after the body-size check and before the token check. A route table at
 * the gateway would answer unmatched requests itself, with a plain-JSON 404 that is not
 * problem+json.
 *
 * Why `$default` as the stage: with a named stage, API Gateway prefixes `rawPath` with
 * the stage name, and the request token's `htu` claim is compared with `rawPath`.
 */
import { Duration, RemovalPolicy, Validations } from "aws-cdk-lib";
import { AccessLogFormat } from "aws-cdk-lib/aws-apigateway";
import * as apigwv2 from "aws-cdk-lib/aws-apigatewayv2";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import type { HubFunction } from "./hub-function.js";
import { type HubResources, hubHandler } from "./hub-runtime.js";

export interface ApiProps {
  stage: string;
  logRetention: logs.RetentionDays;
  throttleRate: number;
  throttleBurst: number;
  /** Browser origins for CORS; none by default. */
  corsOrigins: string[];
}

/**
 * One JSON object per request. Deliberately no headers: the Authorization header holds a
 * bearer token, and nothing else in a request is needed to trace it. `requestId` is the
 * id the api Lambda logs as well.
 */
export const ACCESS_LOG_FIELDS = {
  requestId: "$context.requestId",
  ip: "$context.identity.sourceIp",
  requestTime: "$context.requestTime",
  method: "$context.httpMethod",
  path: "$context.path",
  routeKey: "$context.routeKey",
  protocol: "$context.protocol",
  status: "$context.status",
  responseLength: "$context.responseLength",
  latencyMs: "$context.responseLatency",
  integrationLatencyMs: "$context.integrationLatency",
  integrationStatus: "$context.integrationStatus",
  integrationError: "$context.integrationErrorMessage",
  error: "$context.error.message",
  userAgent: "$context.identity.userAgent",
} as const;

/** The api function's budget; the gateway's own integration timeout (30 s) is above it. */
const API_TIMEOUT = Duration.seconds(10);

export class Api extends Construct {
  readonly httpApi: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  readonly accessLogs: logs.LogGroup;
  /** `https://<api-id>.execute-api.<region>.amazonaws.com`: the default audience. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);

    this.httpApi = new apigwv2.HttpApi(this, "HttpApi", {
      apiName: `cordon-${props.stage}`,
      description: "Cordon: signed indicator bulletins between exchanges, forensics firms and FIUs",
      createDefaultStage: false,
      ...(props.corsOrigins.length > 0
        ? {
            corsPreflight: {
              allowOrigins: props.corsOrigins,
              allowMethods: [
                apigwv2.CorsHttpMethod.GET,
                apigwv2.CorsHttpMethod.POST,
                apigwv2.CorsHttpMethod.PATCH,
                apigwv2.CorsHttpMethod.DELETE,
              ],
              allowHeaders: ["authorization", "content-type"],
              maxAge: Duration.hours(1),
            },
          }
        : {}),
    });

    this.accessLogs = new logs.LogGroup(this, "AccessLogs", {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.stage = new apigwv2.HttpStage(this, "DefaultStage", {
      httpApi: this.httpApi,
      stageName: "$default",
      autoDeploy: true,
      throttle: { rateLimit: props.throttleRate, burstLimit: props.throttleBurst },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });

    this.url = this.httpApi.apiEndpoint;
  }

  /** Builds the api Lambda and sends every request to it. */
  addHandler(resources: HubResources): HubFunction {
    const handler = hubHandler(this, "Handler", {
      resources,
      name: "api",
      entry: "lambdas/api.ts",
      description: "Cordon: the signed HTTP API (routing, tokens, problem+json)",
      // CPU scales with memory: token and JWS verification and the JSON of a
      // 1,000-indicator bulletin are CPU-bound, and the request waits on them.
      memorySize: 1024,
      timeout: API_TIMEOUT,
    });
    // Publishing enqueues the fan-out; a subscription test ping enqueues a delivery.
    resources.fanout.queue.grantSendMessages(handler.role);
    resources.delivery.queue.grantSendMessages(handler.role);
    // A logged change wakes the transparency log's writer.
    resources.log.queue.grantSendMessages(handler.role);
    // Seals a new subscription's webhook secret; opening one is the deliver Lambda's job.
    resources.storage.webhookSecretsKey.grant(handler.role, "kms:Encrypt");

    const route = new apigwv2.HttpRoute(this, "DefaultRoute", {
      httpApi: this.httpApi,
      routeKey: apigwv2.HttpRouteKey.DEFAULT,
      integration: new HttpLambdaIntegration("ApiIntegration", handler.function, {
        payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
      }),
    });
    const cfnRoute = route.node.defaultChild;
    if (cfnRoute === undefined) throw new Error("HttpRoute has no CfnRoute");
    Validations.of(cfnRoute).acknowledge({
      id: "AwsSolutions-APIG4",
      reason:
        "Every request is authenticated by the api Lambda: a per-request JWT signed with the partner's own registered key and bound to method, path, query and body hash (DESIGN §3). A gateway authorizer cannot see the body, so it cannot check the body hash; the Lambda answers 401 before any route code runs.",
    });
    return handler;
  }
}
