/** The HTTP API: one catch-all route to the api Lambda, access logs without headers, throttling, CORS only on request. */
import { Match } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { ACCESS_LOG_FIELDS } from "../../../lib/api.js";
import { defaultStack, logicalIdOf, productionStack } from "../fixture.js";

const hub = defaultStack();
const { template, stack } = hub;

describe("the HTTP API", () => {
  it("sends every request to the api Lambda with payload format 2.0", () => {
    template.resourceCountIs("AWS::ApiGatewayV2::Route", 1);
    template.hasResourceProperties("AWS::ApiGatewayV2::Route", {
      RouteKey: "$default",
      AuthorizationType: "NONE",
    });
    template.hasResourceProperties("AWS::ApiGatewayV2::Integration", {
      IntegrationType: "AWS_PROXY",
      PayloadFormatVersion: "2.0",
      IntegrationUri: {
        "Fn::GetAtt": [logicalIdOf(hub, stack.functions.api.function), "Arn"],
      },
    });
  });

  it("has one `$default` stage (no stage prefix in rawPath) with throttling and JSON access logs", () => {
    template.resourceCountIs("AWS::ApiGatewayV2::Stage", 1);
    template.hasResourceProperties("AWS::ApiGatewayV2::Stage", {
      StageName: "$default",
      AutoDeploy: true,
      // Far above what partners send within their own limits (DESIGN §15): the stage's
      // throttle is shared by every caller, authenticated or not, and must not be what
      // limits a partner.
      DefaultRouteSettings: { ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 2000 },
      AccessLogSettings: {
        DestinationArn: { "Fn::GetAtt": [logicalIdOf(hub, stack.api.accessLogs), "Arn"] },
        Format: JSON.stringify(ACCESS_LOG_FIELDS),
      },
    });
  });

  it("logs request id, ip, method, path, status, latency and integration error, but no header", () => {
    expect(ACCESS_LOG_FIELDS).toMatchObject({
      requestId: "$context.requestId",
      ip: "$context.identity.sourceIp",
      method: "$context.httpMethod",
      path: "$context.path",
      status: "$context.status",
      latencyMs: "$context.responseLatency",
      integrationError: "$context.integrationErrorMessage",
    });
    const format = JSON.stringify(ACCESS_LOG_FIELDS).toLowerCase();
    expect(format).not.toContain("authorization");
    expect(format).not.toContain("header");
  });

  it("has no CORS unless origins are configured", () => {
    template.hasResourceProperties("AWS::ApiGatewayV2::Api", {
      ProtocolType: "HTTP",
      CorsConfiguration: Match.absent(),
    });
    const withCors = productionStack();
    withCors.template.hasResourceProperties("AWS::ApiGatewayV2::Api", {
      CorsConfiguration: {
        AllowOrigins: ["https://console.example.org", "https://ops.example.org"],
        AllowHeaders: ["authorization", "content-type"],
      },
    });
    withCors.template.hasResourceProperties("AWS::ApiGatewayV2::Stage", {
      DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
    });
  });

  it("may invoke the api Lambda, and only through this API", () => {
    template.hasResourceProperties("AWS::Lambda::Permission", {
      Action: "lambda:InvokeFunction",
      Principal: "apigateway.amazonaws.com",
      FunctionName: { "Fn::GetAtt": [logicalIdOf(hub, stack.functions.api.function), "Arn"] },
      SourceArn: Match.objectLike({
        "Fn::Join": Match.arrayWith([
          Match.arrayWith([{ Ref: logicalIdOf(hub, stack.api.httpApi) }]),
        ]),
      }),
    });
  });
});
