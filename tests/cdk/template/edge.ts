/**
 * The hub's one origin: which behaviour (and so which origin) every path reaches, what the
 * API behaviour forwards and caches, the access logs, the custom domain, and the audience
 * every hub Lambda is given.
 */
import { describe, expect, it } from "vitest";
import { API_PATHS, CONSOLE_PATH_PATTERNS } from "../../../lib/edge.js";
import {
  CUSTOM_DOMAIN_CONTEXT,
  customDomainStack,
  defaultStack,
  describeValue,
  logicalIdOf,
  PRODUCTION_CONTEXT,
  productionStack,
  type SynthesizedHub,
  synthesizeHub,
} from "../fixture.js";

/** AWS's managed policies, by the ids AWS documents for them. */
const MANAGED = {
  cachingOptimized: "658327ea-f89d-4fab-a63d-7e88639e58f6",
  allViewerExceptHostHeader: "b689b0a8-53d0-40ab-baf2-68738e2966ac",
};

interface Behaviour {
  PathPattern?: string;
  TargetOriginId: string;
  AllowedMethods: string[];
  CachePolicyId: string;
  OriginRequestPolicyId?: string;
  ResponseHeadersPolicyId: unknown;
  ViewerProtocolPolicy: string;
  Compress: boolean;
  FunctionAssociations?: { EventType: string; FunctionARN: unknown }[];
  LambdaFunctionAssociations?: unknown[];
}

interface DistributionConfig {
  DefaultCacheBehavior: Behaviour;
  CacheBehaviors: Behaviour[];
  Origins: {
    Id: string;
    DomainName: unknown;
    CustomOriginConfig?: Record<string, unknown>;
    S3OriginConfig?: unknown;
  }[];
  Logging: Record<string, unknown>;
  Aliases?: string[];
  ViewerCertificate?: Record<string, unknown>;
  HttpVersion: string;
  IPV6Enabled: boolean;
  PriceClass: string;
  DefaultRootObject?: string;
  CustomErrorResponses?: Record<string, unknown>[];
  WebACLId?: string;
}

function configOf(synthesized: SynthesizedHub): DistributionConfig {
  const distributions = Object.values(
    synthesized.template.findResources("AWS::CloudFront::Distribution"),
  );
  expect(distributions).toHaveLength(1);
  return distributions[0]?.Properties.DistributionConfig as DistributionConfig;
}

/** CloudFront's path patterns: `*` any run of characters, `?` one, case-sensitive, whole path. */
function matches(pattern: string, path: string): boolean {
  const expression = pattern
    .split("")
    .map((character) =>
      character === "*"
        ? ".*"
        : character === "?"
          ? "."
          : character.replace(/[.+^${}()|[\]\\/]/g, "\\$&"),
    )
    .join("");
  return new RegExp(`^${expression}$`, "s").test(path);
}

/** The behaviour CloudFront picks: the first listed whose pattern matches, else the default. */
function behaviourFor(config: DistributionConfig, path: string): Behaviour {
  return (
    config.CacheBehaviors.find((behaviour) => matches(behaviour.PathPattern ?? "", path)) ??
    config.DefaultCacheBehavior
  );
}

const hub = defaultStack();
const { stack } = hub;
const config = configOf(hub);
const apiOriginId = config.Origins.find((origin) => origin.CustomOriginConfig !== undefined)?.Id;
const consoleOriginId = config.Origins.find((origin) => origin.S3OriginConfig !== undefined)?.Id;
const apiId = logicalIdOf(hub, stack.api.httpApi);

describe("the distribution's routes", () => {
  it("has two origins: the HTTP API over TLS 1.2 and the console bucket", () => {
    expect(config.Origins).toHaveLength(2);
    const api = config.Origins.find((origin) => origin.Id === apiOriginId);
    expect(describeValue(api?.DomainName)).toBe(`${apiId}.execute-api.AWS::Region.AWS::URLSuffix`);
    expect(api?.CustomOriginConfig).toEqual({
      OriginProtocolPolicy: "https-only",
      OriginSSLProtocols: ["TLSv1.2"],
    });
  });

  it.each([
    "/v1/bulletins",
    "/v1/bulletins/01JABCDEFGHJKMNPQRSTVWXYZ0",
    "/v1/log/checkpoint",
    "/taxii2/",
    "/taxii2/cordon/collections/",
    "/misp/manifest.json",
    "/.well-known/jwks.json",
    "/health",
    "/nothing-here",
    "/consoles",
    "/Console/",
  ])("sends %s to the API", (path) => {
    expect(behaviourFor(config, path).TargetOriginId).toBe(apiOriginId);
  });

  it.each(["/", "/console", "/console/", "/console/index.html", "/console/assets/app-TESTHASH.js"])(
    "serves %s from the console bucket",
    (path) => {
      expect(behaviourFor(config, path).TargetOriginId).toBe(consoleOriginId);
    },
  );

  it("covers every API path DESIGN names with the default behaviour", () => {
    for (const pattern of API_PATHS) {
      const example = pattern.replace("*", "x");
      expect(behaviourFor(config, example), pattern).toBe(config.DefaultCacheBehavior);
    }
    expect(config.CacheBehaviors.map((behaviour) => behaviour.PathPattern)).toEqual([
      ...CONSOLE_PATH_PATTERNS,
    ]);
  });

  it("answers no path with a page of its own: no default root object, no error page", () => {
    // A distribution-wide error page would replace the API's problem+json 403s and 404s.
    expect(config.DefaultRootObject).toBeUndefined();
    for (const response of config.CustomErrorResponses ?? []) {
      expect(Object.keys(response).sort()).toEqual(["ErrorCachingMinTTL", "ErrorCode"]);
    }
  });

  it("keeps no error answer: every status CloudFront would cache for 10 s is kept 0 s", () => {
    expect(config.CustomErrorResponses).toEqual(
      [400, 403, 404, 405, 414, 500, 501, 502, 503, 504].map((code) => ({
        ErrorCode: code,
        ErrorCachingMinTTL: 0,
      })),
    );
  });
});

describe("the API behaviour", () => {
  const api = config.DefaultCacheBehavior;

  it("allows every method", () => {
    expect(api.AllowedMethods.sort()).toEqual(
      ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"].sort(),
    );
  });

  it("caches nothing, and gives each caller's request a cache key of its own (Authorization and query)", () => {
    expect(api.CachePolicyId).toEqual({ Ref: logicalIdOf(hub, stack.edge.apiCachePolicy) });
    const policy =
      hub.template.toJSON().Resources[logicalIdOf(hub, stack.edge.apiCachePolicy)].Properties
        .CachePolicyConfig;
    expect(policy).toMatchObject({
      MinTTL: 0,
      DefaultTTL: 0,
      MaxTTL: 1,
      ParametersInCacheKeyAndForwardedToOrigin: {
        HeadersConfig: { HeaderBehavior: "whitelist", Headers: ["Authorization"] },
        QueryStringsConfig: { QueryStringBehavior: "all" },
        CookiesConfig: { CookieBehavior: "none" },
        EnableAcceptEncodingGzip: false,
        EnableAcceptEncodingBrotli: false,
      },
    });
  });

  it("forwards every viewer header (Authorization, Content-Type, Accept, Date…), every query string as sent, but not Host", () => {
    expect(api.OriginRequestPolicyId).toBe(MANAGED.allViewerExceptHostHeader);
  });

  it("runs no function on the request, so path and query reach API Gateway as the token signed them", () => {
    expect(api.FunctionAssociations).toBeUndefined();
    expect(api.LambdaFunctionAssociations).toBeUndefined();
  });

  it("is HTTPS only (a token sent in the clear is not redirected) and leaves compression to the API", () => {
    expect(api.ViewerProtocolPolicy).toBe("https-only");
    expect(api.Compress).toBe(false);
  });

  it("adds HSTS and keeps the API's own headers: no Cache-Control, no CSP, no CORS from CloudFront", () => {
    expect(describeValue(api.ResponseHeadersPolicyId)).toBe(
      logicalIdOf(hub, stack.edge.apiResponseHeadersPolicy),
    );
    const policy = hub.template.toJSON().Resources[
      logicalIdOf(hub, stack.edge.apiResponseHeadersPolicy)
    ].Properties.ResponseHeadersPolicyConfig as Record<string, unknown>;
    expect(policy.SecurityHeadersConfig).toEqual({
      StrictTransportSecurity: {
        AccessControlMaxAgeSec: 63_072_000,
        IncludeSubdomains: true,
        Preload: false,
        Override: true,
      },
      ContentTypeOptions: { Override: false },
    });
    expect(policy.CustomHeadersConfig).toBeUndefined();
    expect(policy.CorsConfig).toBeUndefined();
    expect(policy.RemoveHeadersConfig).toBeUndefined();
  });
});

describe("the console behaviours", () => {
  it.each([...CONSOLE_PATH_PATTERNS])(
    "%s: cached, GET and HEAD only, entry function, §16 headers",
    (pattern) => {
      const behaviour = config.CacheBehaviors.find(
        (candidate) => candidate.PathPattern === pattern,
      );
      expect(behaviour).toMatchObject({
        TargetOriginId: consoleOriginId,
        CachePolicyId: MANAGED.cachingOptimized,
        AllowedMethods: ["GET", "HEAD"],
        ViewerProtocolPolicy: "redirect-to-https",
        Compress: true,
        ResponseHeadersPolicyId: {
          Ref: logicalIdOf(hub, stack.edge.console.responseHeadersPolicy),
        },
        FunctionAssociations: [
          {
            EventType: "viewer-request",
            FunctionARN: {
              "Fn::GetAtt": [logicalIdOf(hub, stack.edge.console.entryFunction), "FunctionARN"],
            },
          },
        ],
      });
      expect(behaviour?.OriginRequestPolicyId).toBeUndefined();
    },
  );
});

describe("the distribution", () => {
  it("speaks HTTP/2 and 3 over IPv4 and IPv6 from every edge, without WAF by default", () => {
    expect(config).toMatchObject({
      HttpVersion: "http2and3",
      IPV6Enabled: true,
      PriceClass: "PriceClass_All",
    });
    expect(config.WebACLId).toBeUndefined();
  });

  it("logs every request, without cookies, to the log bucket", () => {
    expect(config.Logging).toEqual({
      Bucket: { "Fn::GetAtt": [logicalIdOf(hub, stack.edge.logBucket), "RegionalDomainName"] },
      Prefix: "cloudfront/",
      IncludeCookies: false,
    });
  });

  it("uses CloudFront's own certificate and name unless a custom domain is configured", () => {
    expect(config.Aliases).toBeUndefined();
    expect(config.ViewerCertificate).toBeUndefined();
  });

  it("serves a custom domain with its ACM certificate, SNI and TLS 1.2 at least", () => {
    const custom = configOf(customDomainStack());
    expect(custom.Aliases).toEqual([PRODUCTION_CONTEXT.domainName]);
    expect(custom.ViewerCertificate).toEqual({
      AcmCertificateArn: PRODUCTION_CONTEXT.certificateArn,
      SslSupportMethod: "sni-only",
      MinimumProtocolVersion: "TLSv1.2_2021",
    });
  });
});

describe("the log bucket", () => {
  const logBucketId = logicalIdOf(hub, stack.edge.logBucket);
  const resources = hub.template.toJSON().Resources;

  it("is private, encrypted, TLS-only, accepts CloudFront's ACL writes, and keeps logs as long as the log groups", () => {
    expect(resources[logBucketId]).toMatchObject({
      Properties: {
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            { ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } },
          ],
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerPreferred" }] },
        LifecycleConfiguration: { Rules: [{ ExpirationInDays: 365, Status: "Enabled" }] },
      },
      DeletionPolicy: "Retain",
    });
    expect(resources[logBucketId].Properties.AccessControl).toBeUndefined();
    const production = productionStack();
    expect(
      production.template.toJSON().Resources[
        logicalIdOf(production, production.stack.edge.logBucket)
      ].Properties.LifecycleConfiguration,
    ).toEqual({ Rules: [{ ExpirationInDays: 731, Status: "Enabled" }] });
  });

  it("lets S3 deliver the console bucket's access logs, and nothing else in", () => {
    const policies = Object.values(
      hub.template.findResources("AWS::S3::BucketPolicy", {
        Properties: { Bucket: { Ref: logBucketId } },
      }),
    );
    const statements = policies[0]?.Properties.PolicyDocument.Statement as {
      Effect: string;
      Principal: unknown;
      Action: string;
      Resource: unknown;
      Condition: Record<string, Record<string, unknown>>;
    }[];
    const allows = statements.filter((statement) => statement.Effect === "Allow");
    expect(allows).toHaveLength(1);
    expect(allows[0]).toMatchObject({
      Principal: { Service: "logging.s3.amazonaws.com" },
      Action: "s3:PutObject",
    });
    expect(describeValue(allows[0]?.Resource)).toBe(`${logBucketId}.Arn/s3/console/*`);
    expect(describeValue(allows[0]?.Condition.ArnLike?.["aws:SourceArn"])).toBe(
      `${logicalIdOf(hub, stack.edge.console.bucket)}.Arn`,
    );
  });
});

describe("the audience", () => {
  const audiences = (synthesized: SynthesizedHub) =>
    Object.values(synthesized.stack.functions).map(
      (handler) =>
        synthesized.template.toJSON().Resources[logicalIdOf(synthesized, handler.function)]
          .Properties.Environment.Variables.CORDON_AUDIENCE as unknown,
    );

  it("is the distribution's https origin on every hub Lambda by default, and so is the hub URL", () => {
    const origin = {
      "Fn::Join": [
        "",
        ["https://", { "Fn::GetAtt": [logicalIdOf(hub, stack.edge.distribution), "DomainName"] }],
      ],
    };
    // Every hub Lambda: api, fanout, deliver, sweeper and log.
    expect(audiences(hub)).toEqual(Array(5).fill(origin));
    const outputs = hub.template.toJSON().Outputs;
    expect(outputs.Audience.Value).toEqual(origin);
    expect(outputs.HubUrl.Value).toEqual(origin);
  });

  it("is the custom domain's origin when one is configured", () => {
    const custom = customDomainStack();
    const origin = `https://${PRODUCTION_CONTEXT.domainName}`;
    expect(audiences(custom)).toEqual(Array(5).fill(origin));
    expect(custom.template.toJSON().Outputs.HubUrl.Value).toBe(origin);
  });

  it("is -c audience=… when given, whatever the domain", () => {
    const audience = "https://hub.example.net";
    const configured = synthesizeHub({ ...CUSTOM_DOMAIN_CONTEXT, audience });
    expect(audiences(configured)).toEqual(Array(5).fill(audience));
    expect(configured.template.toJSON().Outputs.Audience.Value).toBe(audience);
    expect(configured.template.toJSON().Outputs.HubUrl.Value).toBe(
      `https://${PRODUCTION_CONTEXT.domainName}`,
    );
  });

  it("still leaves the execute-api endpoint as an output, for diagnosis", () => {
    expect(hub.template.toJSON().Outputs.ApiUrl.Value).toEqual({
      "Fn::GetAtt": [logicalIdOf(hub, stack.api.httpApi), "ApiEndpoint"],
    });
  });
});
