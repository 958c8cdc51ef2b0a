/**
 * The hub's one origin: a CloudFront distribution that serves the analyst console from
 * its S3 bucket (lib/console.ts) and sends every other path to the HTTP API, so the
 * console and the API share an origin and need no CORS (DESIGN §16). The distribution's
 * URL, or the custom domain in front of it, is what partners call and what request
 * tokens name as their audience (DESIGN §3).
 *
 * Why the API is the default behaviour rather than a list of its paths: every path that
 * is not the console's is the API's — `/v1/*`, `/taxii2/*`, `/misp/*`, `/.well-known/*`,
 * `/health` and any route added later — and an unknown path must get the hub's own
 * problem+json 404 (DESIGN §7), not S3's XML 403.
 *
 * Why the API behaviour is plain: nothing cached (every answer is per caller, and the API
 * sets its own Cache-Control), every method, every viewer header and the query string as
 * sent, but not `Host` (API Gateway routes on its own host name), and no CloudFront
 * Function or Lambda@Edge, so nothing rewrites the path or re-serialises the query that
 * a request token's `htu` signs (docs/deploy.md, "One origin").
 *
 * Why not the managed CachingDisabled policy: its cache key is the path alone, and
 * CloudFront still uses the cache key where caching is off — it caches some error answers
 * (500, 502, 503, 504, 404, 405, 414, 501) for 10 s whatever their Cache-Control, and it
 * may answer simultaneous requests with the same key from one origin response (request
 * collapsing). Keyed by path alone, one organisation's answer could reach another. The
 * API's policy below caches nothing either, but puts the Authorization header (a request
 * token is single-use, a feed token is one organisation's) and the whole query into the
 * key, so no two callers ever share one; and the distribution keeps no error answer.
 */
import { Duration, RemovalPolicy, Stack, Validations } from "aws-cdk-lib";
import type * as apigwv2 from "aws-cdk-lib/aws-apigatewayv2";
import * as acm from "aws-cdk-lib/aws-certificatemanager";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import * as origins from "aws-cdk-lib/aws-cloudfront-origins";
import * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from "aws-cdk-lib/cx-api";
import { Construct } from "constructs";
import { Console, type ConsoleBuild, HSTS_MAX_AGE } from "./console.js";
import type { CustomDomain } from "./settings.js";

/** The console's paths; everything else is the API's (the default behaviour). */
export const CONSOLE_PATH_PATTERNS = ["/", "/console", "/console/*"] as const;

/** The API's path prefixes, as DESIGN names them: all reach the API through the default behaviour. */
export const API_PATHS = ["/v1/*", "/taxii2/*", "/misp/*", "/.well-known/*", "/health"] as const;

/**
 * The error statuses CloudFront caches by default (10 s) and lets a distribution
 * configure; each is given an error-caching TTL of 0 and no page of its own, so the
 * origin's answer passes through untouched and is never served again.
 */
export const UNCACHED_ERROR_STATUSES = [400, 403, 404, 405, 414, 500, 501, 502, 503, 504] as const;

export interface EdgeProps {
  stage: string;
  api: apigwv2.IHttpApi;
  console: ConsoleBuild;
  domain: CustomDomain | undefined;
  logRetention: logs.RetentionDays;
}

export class Edge extends Construct {
  readonly distribution: cloudfront.Distribution;
  readonly console: Console;
  /** CloudFront's access logs and the console bucket's server access logs. */
  readonly logBucket: s3.Bucket;
  readonly apiResponseHeadersPolicy: cloudfront.ResponseHeadersPolicy;
  readonly apiCachePolicy: cloudfront.CachePolicy;
  /** `https://<custom domain>`, or `https://<id>.cloudfront.net`: the hub's origin. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: EdgeProps) {
    super(scope, id);
    // S3 delivers the console bucket's access logs under a statement of the log bucket's
    // policy (for that bucket and prefix only), not under the log-delivery canned ACL.
    this.node.setContext(S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);

    this.logBucket = new s3.Bucket(this, "Logs", {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      // CloudFront's standard logs are written with an ACL, so the bucket must accept
      // ACLs; the writer grants the bucket owner full control and the owner owns them.
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      lifecycleRules:
        props.logRetention === logs.RetentionDays.INFINITE
          ? []
          : [{ expiration: Duration.days(props.logRetention) }],
      // Access logs are evidence, like every log group of the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.logBucket.node.defaultChild as s3.CfnBucket).acknowledge({
      id: "AwsSolutions-S1",
      reason:
        "This bucket is where the stack's S3 and CloudFront access logs go. Its own access logs would have to go to yet another bucket, or log every log delivery into itself; who reads or deletes them is in CloudTrail.",
    });

    this.console = new Console(this, "Console", {
      stage: props.stage,
      build: props.console,
      logBucket: this.logBucket,
      logRetention: props.logRetention,
    });

    this.apiResponseHeadersPolicy = new cloudfront.ResponseHeadersPolicy(this, "ApiHeaders", {
      responseHeadersPolicyName: `cordon-${props.stage}-api`,
      comment: "Cordon API: HSTS and nosniff; Cache-Control and the rest are the API's own",
      securityHeadersBehavior: {
        strictTransportSecurity: {
          accessControlMaxAge: HSTS_MAX_AGE,
          includeSubdomains: true,
          preload: false,
          override: true,
        },
        contentTypeOptions: { override: false },
      },
    });

    this.apiCachePolicy = new cloudfront.CachePolicy(this, "ApiCache", {
      cachePolicyName: `cordon-${props.stage}-api`,
      comment: "Cordon API: nothing cached; each caller's request is a cache key of its own",
      // TTL 0 unless the answer says otherwise, and at most a second when it does: the API
      // answers no-store except for immutable log tiles, read by one organisation's key.
      // (A policy whose TTLs are all 0 may not name headers or query strings in its key.)
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.seconds(0),
      maxTtl: Duration.seconds(1),
      headerBehavior: cloudfront.CacheHeaderBehavior.allowList("Authorization"),
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.all(),
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
      enableAcceptEncodingGzip: false,
      enableAcceptEncodingBrotli: false,
    });

    const stack = Stack.of(this);
    const api: cloudfront.BehaviorOptions = {
      origin: new origins.HttpOrigin(
        `${props.api.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`,
        {
          protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
          originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
        },
      ),
      // A token sent over plain HTTP is already exposed: refuse rather than redirect.
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachePolicy: this.apiCachePolicy,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: this.apiResponseHeadersPolicy,
      // CloudFront compresses only where the cache policy lets it; the API answers as is.
      compress: false,
    };

    this.distribution = new cloudfront.Distribution(this, "Distribution", {
      comment: `Cordon ${props.stage}: the hub's origin (analyst console and API)`,
      defaultBehavior: api,
      additionalBehaviors: Object.fromEntries(
        CONSOLE_PATH_PATTERNS.map((pattern) => [pattern, this.console.behavior]),
      ),
      errorResponses: UNCACHED_ERROR_STATUSES.map((httpStatus) => ({
        httpStatus,
        ttl: Duration.seconds(0),
      })),
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      enableIpv6: true,
      // Partners are on every continent; at a hub's volumes the dearer edges cost cents.
      priceClass: cloudfront.PriceClass.PRICE_CLASS_ALL,
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: "cloudfront/",
      logIncludesCookies: false,
      ...(props.domain === undefined
        ? {}
        : {
            domainNames: [props.domain.name],
            certificate: acm.Certificate.fromCertificateArn(
              this,
              "Certificate",
              props.domain.certificateArn,
            ),
            sslSupportMethod: cloudfront.SSLMethod.SNI,
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
          }),
    });
    this.acknowledgeDistributionFindings(props.domain);

    this.console.publish(this.distribution);

    this.url = `https://${props.domain?.name ?? this.distribution.distributionDomainName}`;
  }

  private acknowledgeDistributionFindings(domain: CustomDomain | undefined): void {
    const validations = Validations.of(
      this.distribution.node.defaultChild as cloudfront.CfnDistribution,
    );
    validations.acknowledge({
      id: "AwsSolutions-CFR1",
      reason:
        "No geo restriction: partners (exchanges, forensics firms, central banks) work from many countries, and every request is authenticated by a signed token or feed token; an operator who must block countries adds a restriction (docs/deploy.md).",
    });
    validations.acknowledge({
      id: "AwsSolutions-CFR2",
      reason:
        "No AWS WAF by default: every API request is authenticated per request and rate limited per organisation by the hub, and a web ACL costs about $6 a month before requests. docs/deploy.md says how to attach one (webAclId) where a review requires it.",
    });
    if (domain === undefined) {
      validations.acknowledge({
        id: "AwsSolutions-CFR4",
        reason:
          "Without a custom domain the distribution uses CloudFront's default *.cloudfront.net certificate, whose security policy CloudFront fixes at TLSv1; browsers and Node.js negotiate TLS 1.2 or 1.3 with it. With domainName and certificateArn the distribution requires TLSv1.2_2021 and this acknowledgment goes away.",
      });
    }
  }
}
