/**
 * The analyst console on AWS (DESIGN §16): its build in a private, versioned S3 bucket
 * that only the hub's CloudFront distribution reads (origin access control), and what
 * the distribution needs to serve it as `npm start` does (local/console-site.ts):
 * `/` and `/console` redirect to `/console/`, `/console/` is the console's index.html,
 * and every answer carries the console's headers (shared/http/console-headers.ts, one
 * definition for both hosts) plus HSTS.
 *
 * What is deployed is whatever console/dist holds at synth. Without a build there, the
 * bucket gets a placeholder page that says so, and synth prints a warning (`cdk synth
 * --strict` or `cdk deploy --strict` turns it into an error): the API must stay
 * deployable on a machine that never built the console, but an empty console must never
 * go out without anyone being told.
 */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  Annotations,
  type CfnElement,
  Duration,
  FileSystem,
  RemovalPolicy,
  Stack,
  Validations,
} from "aws-cdk-lib";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import * as origins from "aws-cdk-lib/aws-cloudfront-origins";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as s3assets from "aws-cdk-lib/aws-s3-assets";
import * as s3deploy from "aws-cdk-lib/aws-s3-deployment";
import { Construct } from "constructs";
import { CONSOLE_SECURITY_HEADERS } from "../shared/http/console-headers.js";

/** Where the console lives on the hub's origin, locally and on AWS. */
export const CONSOLE_PATH = "/console/";

/** The bucket's key prefix: the viewer's path is the object's key, with no rewriting. */
const KEY_PREFIX = "console/";

/** What `npm run build:console` writes that is not for browsers. */
const BUILD_ONLY_FILES = ["build-report.json"];

/** Content-hashed files (`assets/app-3F2K….js`) never change; everything else is revalidated. */
export const CACHE_CONTROL = {
  assets: "public, max-age=31536000, immutable",
  pages: "no-cache",
} as const;

/** HSTS for the hub's origin: two years, subdomains included, not preloaded (the operator's call). */
export const HSTS_MAX_AGE = Duration.days(730);

/** What synth found in console/dist. */
export type ConsoleBuild =
  | { kind: "built"; directory: string }
  | { kind: "placeholder"; missing: string };

/** The console's build if `directory` holds one (an index.html), else the placeholder. */
export function findConsoleBuild(directory: string): ConsoleBuild {
  const index = join(directory, "index.html");
  return existsSync(index) ? { kind: "built", directory } : { kind: "placeholder", missing: index };
}

/**
 * Served at /console/ when synth found no build. Plain HTML: the CSP allows no inline
 * script or style.
 */
export const PLACEHOLDER_PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Cordon analyst console: not deployed</title>
  </head>
  <body>
    <h1>The analyst console was not deployed with this hub</h1>
    <p>
      The hub's API works at this address. Its analyst console was not built when the
      hub was deployed, so this page stands in for it.
    </p>
    <p>
      Operators: build the console (<code>npm run build:console</code>) and deploy again
      (docs/deploy.md).
    </p>
  </body>
</html>
`;

/**
 * The viewer-request function of the console's paths (cloudfront-js-2.0), the same
 * entry rules as local/console-site.ts: `/` and `/console` redirect to `/console/`, which
 * is the console's index.html. Pages are addressed by the URL's fragment, so no other
 * path needs rewriting; a missing file is S3's 403. It never runs on the API's paths.
 */
export const CONSOLE_ENTRY_FUNCTION = `function handler(event) {
  var request = event.request;
  if (request.uri === "/" || request.uri === "/console") {
    return {
      statusCode: 302,
      statusDescription: "Found",
      headers: {
        location: { value: "${CONSOLE_PATH}" },
        "cache-control": { value: "no-store" }
      }
    };
  }
  if (request.uri === "${CONSOLE_PATH}") request.uri = "${CONSOLE_PATH}index.html";
  return request;
}
`;

/**
 * The console's headers as a CloudFront response headers policy: the ones CloudFront
 * names (CSP, nosniff, Referrer-Policy, X-Frame-Options, HSTS) as security headers, the
 * rest as custom headers. CloudFront refuses a custom header that duplicates a security
 * header, hence the split; every value is the local runtime's, and every one overrides
 * whatever S3 might send.
 */
export function consoleResponseHeaders(
  headers: Readonly<Record<string, string>> = CONSOLE_SECURITY_HEADERS,
): Pick<
  cloudfront.ResponseHeadersPolicyProps,
  "securityHeadersBehavior" | "customHeadersBehavior"
> {
  const security: Writable<cloudfront.ResponseSecurityHeadersBehavior> = {
    strictTransportSecurity: {
      accessControlMaxAge: HSTS_MAX_AGE,
      includeSubdomains: true,
      preload: false,
      override: true,
    },
  };
  const custom: cloudfront.ResponseCustomHeader[] = [];
  for (const [name, value] of Object.entries(headers)) {
    switch (name.toLowerCase()) {
      case "content-security-policy":
        security.contentSecurityPolicy = { contentSecurityPolicy: value, override: true };
        break;
      case "x-content-type-options":
        if (value !== "nosniff") {
          throw new Error(`X-Content-Type-Options ${value}: CloudFront sends only nosniff`);
        }
        security.contentTypeOptions = { override: true };
        break;
      case "referrer-policy":
        security.referrerPolicy = { referrerPolicy: referrerPolicyOf(value), override: true };
        break;
      case "x-frame-options":
        security.frameOptions = { frameOption: frameOptionOf(value), override: true };
        break;
      case "strict-transport-security":
        throw new Error("HSTS is the edge's (HSTS_MAX_AGE), not a console file header");
      default:
        custom.push({ header: name, value, override: true });
    }
  }
  return {
    securityHeadersBehavior: security,
    ...(custom.length > 0 ? { customHeadersBehavior: { customHeaders: custom } } : {}),
  };
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };

function referrerPolicyOf(value: string): cloudfront.HeadersReferrerPolicy {
  const policy = Object.values(cloudfront.HeadersReferrerPolicy).find((known) => known === value);
  if (policy === undefined) throw new Error(`Referrer-Policy ${value} is not one CloudFront sends`);
  return policy;
}

function frameOptionOf(value: string): cloudfront.HeadersFrameOption {
  const option = Object.values(cloudfront.HeadersFrameOption).find(
    (known) => known === value.toUpperCase(),
  );
  if (option === undefined) throw new Error(`X-Frame-Options ${value} is not one CloudFront sends`);
  return option;
}

export interface ConsoleProps {
  stage: string;
  build: ConsoleBuild;
  /** Receives the bucket's server access logs (prefix `s3/console/`). */
  logBucket: s3.IBucket;
  logRetention: logs.RetentionDays;
}

export class Console extends Construct {
  /** Build output only: the console's files under `console/`. */
  readonly bucket: s3.Bucket;
  readonly responseHeadersPolicy: cloudfront.ResponseHeadersPolicy;
  readonly entryFunction: cloudfront.Function;
  /** How the distribution serves `/`, `/console` and `/console/*`. */
  readonly behavior: cloudfront.BehaviorOptions;
  readonly build: ConsoleBuild;
  /** Runs the uploads (the s3-deployment custom resource's Lambda). */
  readonly publisherRole: iam.Role;
  readonly publisherLogs: logs.LogGroup;
  /** The build (or the placeholder) as a synth-time asset: one archive, uploaded by cdk deploy. */
  readonly content: s3assets.Asset;

  constructor(scope: Construct, id: string, props: ConsoleProps) {
    super(scope, id);
    this.build = props.build;

    // Retained on stack deletion although it holds only build output: CloudFormation
    // cannot delete a versioned bucket that still has objects, and emptying it on
    // deletion takes another custom-resource Lambda, whose role CDK gives AWS's managed
    // basic-execution policy. Kept, it costs cents; docs/deploy.md (Teardown) lists it.
    this.bucket = new s3.Bucket(this, "Bucket", {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: props.logBucket,
      serverAccessLogsPrefix: "s3/console/",
      lifecycleRules: [
        {
          // A deploy replaces the files; earlier versions are only for a quick rollback.
          noncurrentVersionExpiration: Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.responseHeadersPolicy = new cloudfront.ResponseHeadersPolicy(this, "Headers", {
      responseHeadersPolicyName: `cordon-${props.stage}-console`,
      comment: "Cordon console: the CSP and security headers of DESIGN §16, and HSTS",
      ...consoleResponseHeaders(),
    });

    this.entryFunction = new cloudfront.Function(this, "Entry", {
      functionName: `cordon-${props.stage}-console-entry`,
      comment: "Cordon console: / and /console redirect to /console/, its index.html",
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(CONSOLE_ENTRY_FUNCTION),
    });

    this.behavior = {
      origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket, {
        originAccessLevels: [cloudfront.AccessLevel.READ],
      }),
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
      responseHeadersPolicy: this.responseHeadersPolicy,
      functionAssociations: [
        { function: this.entryFunction, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
      ],
      compress: true,
    };

    this.content = new s3assets.Asset(this, "Content", {
      path: props.build.kind === "built" ? props.build.directory : placeholderDirectory(),
    });
    if (props.build.kind === "placeholder") {
      Annotations.of(this).addWarningV2(
        "@cordon/console:placeholder",
        `No console build at ${props.build.missing}: deploying a placeholder page at /console/ instead of the analyst console. Build it first (npm run build:console); --strict makes this an error.`,
      );
    }

    this.publisherLogs = new logs.LogGroup(this, "PublisherLogs", {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.publisherRole = new iam.Role(this, "PublisherRole", {
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
      description: "Copies the console's build into its bucket and invalidates CloudFront's copy",
    });
  }

  /**
   * Uploads the build (hashed assets first, then the pages that name them) and has the
   * distribution drop its cached pages. The upload runs in the s3-deployment Lambda with
   * a role of our own whose policy is written here, action by action: the grants
   * s3-deployment would add are wider (every object of the bootstrap asset bucket,
   * `s3:DeleteObject*` and `s3:List*` on all of this bucket, invalidations of every
   * distribution in the account).
   */
  publish(distribution: cloudfront.Distribution): void {
    const policy = new iam.Policy(this, "PublisherPolicy", {
      roles: [this.publisherRole],
      statements: [
        new iam.PolicyStatement({
          actions: ["s3:GetObject"],
          resources: [this.content.bucket.arnForObjects(this.content.s3ObjectKey)],
        }),
        new iam.PolicyStatement({ actions: ["s3:ListBucket"], resources: [this.bucket.bucketArn] }),
        new iam.PolicyStatement({
          actions: ["s3:PutObject", "s3:DeleteObject"],
          resources: [this.bucket.arnForObjects(`${KEY_PREFIX}*`)],
        }),
        new iam.PolicyStatement({
          actions: ["cloudfront:CreateInvalidation", "cloudfront:GetInvalidation"],
          resources: [distribution.distributionArn],
        }),
      ],
    });
    this.publisherLogs.grantWrite(this.publisherRole);
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(
        this.bucket.node.defaultChild as CfnElement,
      )}.Arn>/${KEY_PREFIX}*]`,
      reason:
        "The console's uploader writes, replaces and prunes the files of a build it has not seen before synth, so it is granted the objects under the console/ prefix of the console's own bucket, which holds nothing else.",
    });

    // The role's grants come from `policy` only: s3-deployment's own are dropped.
    const role = this.publisherRole.withoutPolicyUpdates();
    const source = s3deploy.Source.bucket(this.content.bucket, this.content.s3ObjectKey);
    const common = {
      sources: [source],
      destinationBucket: this.bucket,
      destinationKeyPrefix: KEY_PREFIX,
      role,
      logGroup: this.publisherLogs,
      prune: true,
    } satisfies Partial<s3deploy.BucketDeploymentProps>;

    // Hashed assets first (they are created first, so the uploader's shared layer is
    // theirs), then the pages that name them: a new page never names a missing asset.
    const assets =
      this.build.kind === "built"
        ? new s3deploy.BucketDeployment(this, "Assets", {
            ...common,
            exclude: ["*"],
            include: ["assets/*"],
            cacheControl: [s3deploy.CacheControl.fromString(CACHE_CONTROL.assets)],
          })
        : undefined;
    const pages = new s3deploy.BucketDeployment(this, "Pages", {
      ...common,
      exclude: ["assets/*", ...BUILD_ONLY_FILES],
      cacheControl: [s3deploy.CacheControl.fromString(CACHE_CONTROL.pages)],
      distribution,
      distributionPaths: [`${CONSOLE_PATH}*`],
    });
    for (const deployment of [assets, pages]) deployment?.node.addDependency(policy);
    if (assets !== undefined) pages.node.addDependency(assets);
    this.acknowledgeUploaderRuntime();
  }

  /** The s3-deployment Lambda is a singleton of the stack; its runtime is aws-cdk-lib's choice. */
  private acknowledgeUploaderRuntime(): void {
    const uploader = Stack.of(this).node.children.find(
      (child) =>
        child instanceof lambda.Function && child.node.id.startsWith("Custom::CDKBucketDeployment"),
    );
    if (uploader === undefined) throw new Error("the s3-deployment Lambda was not found");
    Validations.of(uploader).acknowledge({
      id: "AwsSolutions-L1",
      reason:
        "The s3-deployment uploader runs the Python runtime aws-cdk-lib pins for it and its AWS CLI layer (python3.13 in aws-cdk-lib 2.276), not the newest one CDK knows; it runs only while deploying, on the console's build archive, and takes no other input.",
    });
  }
}

/** A directory holding only the placeholder's index.html, for the asset to stage. */
function placeholderDirectory(): string {
  const directory = FileSystem.mkdtemp("cordon-console-placeholder");
  writeFileSync(join(directory, "index.html"), PLACEHOLDER_PAGE);
  return directory;
}
