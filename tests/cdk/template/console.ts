/**
 * The analyst console on AWS: its private bucket, read only by this distribution through
 * origin access control; what is uploaded and with which Cache-Control; the entry
 * function; the §16 headers, the same as the local runtime's; the placeholder when synth
 * found no build.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import {
  CACHE_CONTROL,
  CONSOLE_ENTRY_FUNCTION,
  CONSOLE_PATH,
  consoleResponseHeaders,
  findConsoleBuild,
  PLACEHOLDER_PAGE,
} from "../../../lib/console.js";
import { CONSOLE_CSP, CONSOLE_SECURITY_HEADERS } from "../../../shared/http/console-headers.js";
import {
  accessOf,
  defaultStack,
  describeValue,
  logicalIdOf,
  placeholderConsoleStack,
  STAND_IN_CONSOLE,
  type SynthesizedHub,
} from "../fixture.js";

const hub = defaultStack();
const { template, stack } = hub;
const edge = stack.edge;
const consoleSite = edge.console;
const resources = template.toJSON().Resources as Record<
  string,
  {
    Type: string;
    Properties: Record<string, unknown>;
    DependsOn?: string[];
    DeletionPolicy?: string;
  }
>;
const bucketId = logicalIdOf(hub, consoleSite.bucket);
const distributionId = logicalIdOf(hub, edge.distribution);

interface Statement {
  Effect: string;
  Action: string | string[];
  Principal?: unknown;
  Resource: unknown;
  Condition?: unknown;
}

function bucketPolicyOf(bucketLogicalId: string): Statement[] {
  const policies = Object.values(resources).filter(
    (resource) =>
      resource.Type === "AWS::S3::BucketPolicy" &&
      describeValue(resource.Properties.Bucket) === bucketLogicalId,
  );
  const [policy, ...others] = policies;
  if (policy === undefined || others.length > 0) throw new Error("expected one bucket policy");
  return (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
}

describe("the console bucket", () => {
  const bucket = resources[bucketId];

  it("is private, encrypted, versioned, owner-enforced, and logs its accesses", () => {
    expect(bucket?.Properties).toMatchObject({
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
      VersioningConfiguration: { Status: "Enabled" },
      OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] },
      LoggingConfiguration: {
        DestinationBucketName: { Ref: logicalIdOf(hub, edge.logBucket) },
        LogFilePrefix: "s3/console/",
      },
    });
    expect(bucket?.Properties.AccessControl).toBeUndefined();
    expect(bucket?.Properties.WebsiteConfiguration).toBeUndefined();
  });

  it("drops replaced versions after 30 days and is kept when the stack is deleted", () => {
    expect(bucket?.Properties.LifecycleConfiguration).toEqual({
      Rules: [
        {
          NoncurrentVersionExpiration: { NoncurrentDays: 30 },
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
          Status: "Enabled",
        },
      ],
    });
    expect(bucket?.DeletionPolicy).toBe("Retain");
  });

  it("lets only this distribution read it (OAC), and refuses every request without TLS", () => {
    const statements = bucketPolicyOf(bucketId);
    expect(statements).toHaveLength(2);
    const [tls, cloudfront] = statements;
    expect(tls).toMatchObject({
      Effect: "Deny",
      Action: "s3:*",
      Principal: { AWS: "*" },
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
    expect(cloudfront).toMatchObject({
      Effect: "Allow",
      Action: "s3:GetObject",
      Principal: { Service: "cloudfront.amazonaws.com" },
    });
    expect(describeValue(cloudfront?.Resource)).toBe(`${bucketId}.Arn/*`);
    const condition = cloudfront?.Condition as { StringEquals: Record<string, unknown> };
    const sourceArn = condition.StringEquals["AWS:SourceArn"];
    expect(describeValue(sourceArn)).toBe(
      `arn:AWS::Partition:cloudfront::AWS::AccountId:distribution/${distributionId}`,
    );
  });

  it("is reached through origin access control (SigV4, every request), not a legacy OAI", () => {
    const controls = Object.entries(resources).filter(
      ([, resource]) => resource.Type === "AWS::CloudFront::OriginAccessControl",
    );
    expect(controls).toHaveLength(1);
    const [controlId, control] = controls[0] ?? [];
    expect(control?.Properties.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: "s3",
      SigningBehavior: "always",
      SigningProtocol: "sigv4",
    });
    template.resourceCountIs("AWS::CloudFront::CloudFrontOriginAccessIdentity", 0);
    const config = resources[distributionId]?.Properties.DistributionConfig as {
      Origins: { S3OriginConfig?: unknown; OriginAccessControlId?: unknown; DomainName: unknown }[];
    };
    const s3Origins = config.Origins.filter((origin) => origin.S3OriginConfig !== undefined);
    expect(s3Origins).toEqual([
      {
        Id: expect.any(String),
        DomainName: { "Fn::GetAtt": [bucketId, "RegionalDomainName"] },
        OriginAccessControlId: { "Fn::GetAtt": [controlId, "Id"] },
        S3OriginConfig: { OriginAccessIdentity: "" },
      },
    ]);
  });
});

type Deployment = {
  Properties: Record<string, unknown>;
  DependsOn?: string[];
};

function deploymentsOf(synthesized: SynthesizedHub): Record<string, Deployment> {
  return synthesized.template.findResources("Custom::CDKBucketDeployment") as Record<
    string,
    Deployment
  >;
}

describe("the console's upload", () => {
  const deployments = deploymentsOf(hub);
  const assetsId = logicalIdOf(hub, { node: { defaultChild: findCustomResource("Assets") } });
  const pagesId = logicalIdOf(hub, { node: { defaultChild: findCustomResource("Pages") } });

  function findCustomResource(name: string) {
    return consoleSite.node.findChild(name).node.findChild("CustomResource").node.defaultChild;
  }

  it("puts the hashed assets under console/assets/ for a year, immutable, pruning old ones", () => {
    expect(Object.keys(deployments).sort()).toEqual([assetsId, pagesId].sort());
    expect(deployments[assetsId]?.Properties).toMatchObject({
      DestinationBucketName: { Ref: bucketId },
      DestinationBucketKeyPrefix: "console/",
      Exclude: ["*"],
      Include: ["assets/*"],
      Prune: true,
      SystemMetadata: { "cache-control": CACHE_CONTROL.assets },
    });
    expect(deployments[assetsId]?.Properties.DistributionId).toBeUndefined();
  });

  it("then the pages, revalidated on every load, and drops CloudFront's copy of /console/*", () => {
    expect(deployments[pagesId]?.Properties).toMatchObject({
      DestinationBucketName: { Ref: bucketId },
      DestinationBucketKeyPrefix: "console/",
      Exclude: ["assets/*", "build-report.json"],
      Prune: true,
      SystemMetadata: { "cache-control": CACHE_CONTROL.pages },
      DistributionId: { Ref: distributionId },
      DistributionPaths: [`${CONSOLE_PATH}*`],
      WaitForDistributionInvalidation: true,
    });
    expect(deployments[pagesId]?.DependsOn).toContain(assetsId);
  });

  it("has the same Cache-Control as the local runtime's console (local/console-site.ts)", () => {
    expect(CACHE_CONTROL).toEqual({
      assets: "public, max-age=31536000, immutable",
      pages: "no-cache",
    });
  });

  it("uploads exactly what the build folder holds, as one asset both deployments read", () => {
    const staged = join(hub.app.outdir, consoleSite.content.assetPath);
    const files = (directory: string): string[] =>
      readdirSync(directory, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => join(entry.parentPath, entry.name).slice(directory.length + 1))
        .sort();
    if (STAND_IN_CONSOLE.kind !== "built") throw new Error("the stand-in is a build");
    expect(files(staged)).toEqual(files(STAND_IN_CONSOLE.directory));
    for (const deployment of Object.values(deployments)) {
      expect(deployment.Properties.SourceObjectKeys).toEqual([consoleSite.content.s3ObjectKey]);
    }
  });

  it("runs with a role that may read that one archive, write console/*, and invalidate this distribution", () => {
    const logs = `${logicalIdOf(hub, consoleSite.publisherLogs)}.Arn`;
    expect(accessOf(hub, consoleSite.publisherRole)).toEqual({
      "logs:CreateLogStream": [logs],
      "logs:PutLogEvents": [logs],
      "s3:GetObject": [
        `arn:AWS::Partition:s3:::cdk-hnb659fds-assets-\${AWS::AccountId}-\${AWS::Region}/${consoleSite.content.s3ObjectKey}`,
      ],
      "s3:ListBucket": [`${bucketId}.Arn`],
      "s3:PutObject": [`${bucketId}.Arn/console/*`],
      "s3:DeleteObject": [`${bucketId}.Arn/console/*`],
      "cloudfront:CreateInvalidation": [
        `arn:AWS::Partition:cloudfront::AWS::AccountId:distribution/${distributionId}`,
      ],
      "cloudfront:GetInvalidation": [
        `arn:AWS::Partition:cloudfront::AWS::AccountId:distribution/${distributionId}`,
      ],
    });
  });

  it("runs in one uploader Lambda whose logs have the stack's retention and are kept", () => {
    const uploaders = Object.values(
      template.findResources("AWS::Lambda::Function", {
        Properties: {
          Role: { "Fn::GetAtt": [logicalIdOf(hub, consoleSite.publisherRole), "Arn"] },
        },
      }),
    );
    expect(uploaders).toHaveLength(1);
    expect(uploaders[0]?.Properties.LoggingConfig).toEqual({
      LogGroup: { Ref: logicalIdOf(hub, consoleSite.publisherLogs) },
    });
    expect(resources[logicalIdOf(hub, consoleSite.publisherLogs)]).toMatchObject({
      Properties: { RetentionInDays: 365 },
      DeletionPolicy: "Retain",
    });
  });
});

describe("without a console build at synth", () => {
  const bare = placeholderConsoleStack();

  it("finds no build in a folder without index.html, and the build in one with it", () => {
    expect(findConsoleBuild("/nonexistent/console/dist")).toEqual({
      kind: "placeholder",
      missing: "/nonexistent/console/dist/index.html",
    });
    if (STAND_IN_CONSOLE.kind !== "built") throw new Error("the stand-in is a build");
    expect(findConsoleBuild(STAND_IN_CONSOLE.directory)).toEqual(STAND_IN_CONSOLE);
  });

  it("deploys the placeholder page alone, and says so in a warning and in an output", () => {
    const deployments = Object.values(deploymentsOf(bare));
    expect(deployments).toHaveLength(1);
    const staged = join(bare.app.outdir, bare.stack.edge.console.content.assetPath);
    expect(readdirSync(staged)).toEqual(["index.html"]);
    expect(readFileSync(join(staged, "index.html"), "utf8")).toBe(PLACEHOLDER_PAGE);

    const warnings = bare.app
      .synth()
      .getStackByName(bare.stack.stackName)
      .messages.filter((message) => message.level === "warning")
      .map((message) => String(message.entry.data));
    expect(warnings).toEqual([expect.stringMatching(/No console build .*placeholder page/)]);
    expect(bare.template.toJSON().Outputs.ConsoleContent.Value).toMatch(/placeholder/);
    expect(template.toJSON().Outputs.ConsoleContent.Value).toMatch(/console build/);
  });

  it("serves a placeholder the CSP allows: no script, no inline style", () => {
    expect(PLACEHOLDER_PAGE).not.toMatch(/<script|<style|\sstyle=|\son[a-z]+=/i);
    expect(PLACEHOLDER_PAGE).toContain("npm run build:console");
  });

  it("warns of nothing when the build is there", () => {
    const warnings = hub.app
      .synth()
      .getStackByName(stack.stackName)
      .messages.filter((message) => message.level === "warning");
    expect(warnings).toEqual([]);
  });
});

describe("the console's entry function", () => {
  interface ViewerRequest {
    uri: string;
    querystring: Record<string, { value: string }>;
  }
  const handler = runInNewContext(`${CONSOLE_ENTRY_FUNCTION}; handler`) as (event: {
    request: ViewerRequest;
  }) => ViewerRequest | { statusCode: number; headers: Record<string, { value: string }> };
  const run = (uri: string) => handler({ request: { uri, querystring: {} } });

  it("is the code the distribution runs, on cloudfront-js-2.0, at viewer request of the console's paths", () => {
    template.hasResourceProperties("AWS::CloudFront::Function", {
      FunctionCode: CONSOLE_ENTRY_FUNCTION,
      FunctionConfig: { Runtime: "cloudfront-js-2.0" },
      AutoPublish: true,
    });
  });

  it.each(["/", "/console"])(
    "redirects %s to /console/ (302, not cached), as npm start does",
    (uri) => {
      expect(run(uri)).toEqual({
        statusCode: 302,
        statusDescription: "Found",
        headers: { location: { value: "/console/" }, "cache-control": { value: "no-store" } },
      });
    },
  );

  it("serves /console/ from console/index.html", () => {
    expect(run("/console/")).toEqual({ uri: "/console/index.html", querystring: {} });
  });

  it.each([
    "/console/index.html",
    "/console/icon.svg",
    "/console/assets/app-TESTHASH.js",
    "/console/missing",
  ])("passes %s to S3 as it is", (uri) => {
    expect(run(uri)).toEqual({ uri, querystring: {} });
  });
});

describe("the console's response headers", () => {
  const policy = resources[logicalIdOf(hub, consoleSite.responseHeadersPolicy)]?.Properties
    .ResponseHeadersPolicyConfig as {
    SecurityHeadersConfig: Record<string, Record<string, unknown>>;
    CustomHeadersConfig: { Items: { Header: string; Value: string; Override: boolean }[] };
    CorsConfig?: unknown;
  };
  const security = policy.SecurityHeadersConfig;
  const csp = String(security.ContentSecurityPolicy?.ContentSecurityPolicy);
  const directives = new Map(
    csp.split(";").map((directive) => {
      const [name = "", ...sources] = directive.trim().split(/\s+/);
      return [name, sources] as const;
    }),
  );

  it("sends the CSP the local runtime sends, overriding anything from S3", () => {
    expect(csp).toBe(CONSOLE_CSP);
    expect(security.ContentSecurityPolicy?.Override).toBe(true);
  });

  it("CSP: nothing by default, and script, style, connect only from the console's own origin", () => {
    expect(directives.get("default-src")).toEqual(["'none'"]);
    expect(directives.get("script-src")).toEqual(["'self'"]);
    expect(directives.get("style-src")).toEqual(["'self'"]);
    expect(directives.get("connect-src")).toEqual(["'self'"]);
  });

  it("CSP: no frames of it, no <base>, no plug-ins", () => {
    expect(directives.get("frame-ancestors")).toEqual(["'none'"]);
    expect(directives.get("base-uri")).toEqual(["'none'"]);
    expect(directives.get("object-src")).toEqual(["'none'"]);
  });

  it("CSP: no inline script or style, no eval, no third-party origin, no scheme source", () => {
    for (const [name, sources] of directives) {
      for (const source of sources) {
        expect(["'self'", "'none'"], `${name} ${source}`).toContain(source);
      }
    }
    expect(csp).not.toMatch(/unsafe-|nonce-|sha256-|data:|blob:|https?:|\*/);
  });

  it("sends HSTS for two years with subdomains, nosniff, no referrer, and no framing", () => {
    expect(security).toMatchObject({
      StrictTransportSecurity: {
        AccessControlMaxAgeSec: 63_072_000,
        IncludeSubdomains: true,
        Preload: false,
        Override: true,
      },
      ContentTypeOptions: { Override: true },
      ReferrerPolicy: { ReferrerPolicy: "no-referrer", Override: true },
      FrameOptions: { FrameOption: "DENY", Override: true },
    });
    expect(policy.CorsConfig).toBeUndefined();
  });

  it("sends every header of shared/http/console-headers.ts with the local runtime's value", () => {
    const sent = new Map<string, string>([
      ["content-security-policy", csp],
      ["x-content-type-options", "nosniff"],
      ["referrer-policy", String(security.ReferrerPolicy?.ReferrerPolicy)],
      ["x-frame-options", String(security.FrameOptions?.FrameOption)],
      ...policy.CustomHeadersConfig.Items.map((item) => [item.Header, item.Value] as const),
    ]);
    expect(Object.fromEntries(sent)).toEqual(CONSOLE_SECURITY_HEADERS);
    for (const item of policy.CustomHeadersConfig.Items) expect(item.Override).toBe(true);
  });

  it("refuses a console header CloudFront cannot send as it is", () => {
    expect(() => consoleResponseHeaders({ "x-frame-options": "ALLOW-FROM x" })).toThrow();
    expect(() => consoleResponseHeaders({ "referrer-policy": "never" })).toThrow();
    expect(() => consoleResponseHeaders({ "strict-transport-security": "max-age=1" })).toThrow();
  });
});
