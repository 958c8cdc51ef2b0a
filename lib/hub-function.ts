/**
 * A Lambda function of the hub as every one of them is built: bundled locally by
 * esbuild into one minified ESM file, on the newest Node.js runtime, on arm64, with
 * its own role (no managed policies) and its own log group with a retention. Callers
 * add only the grants the function's work needs.
 */
import { fileURLToPath } from "node:url";
import { type Duration, RemovalPolicy, Validations } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import {
  type BundlingOptions,
  LogLevel,
  NodejsFunction,
  OutputFormat,
} from "aws-cdk-lib/aws-lambda-nodejs";
import * as logs from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";

/** The repository root: entries and the lock file are resolved from here, wherever cdk runs. */
export const REPOSITORY_ROOT = fileURLToPath(new URL("..", import.meta.url));

/**
 * The newest Node.js runtime aws-cdk-lib 2.276 offers, named explicitly: NODEJS_LATEST
 * may lag behind it, and nodejs20.x is deprecated.
 */
export const HUB_RUNTIME = lambda.Runtime.NODEJS_24_X;

/**
 * Modules the Lambda bundles take from this repository in place of a dependency's:
 * Lambda hands the execution role's credentials over in the environment, so the SDK's
 * default credential chain is replaced by lambdas/role-credentials.ts (paths are
 * relative to the repository root, where esbuild runs).
 */
export const LAMBDA_ALIASES: Readonly<Record<string, string>> = {
  "@aws-sdk/credential-provider-node": "./lambdas/role-credentials.ts",
};

/**
 * esbuild settings for every function. Everything is bundled, the AWS SDK included
 * (`bundleAwsSDK`): a function runs exactly the SDK that package-lock.json pins and
 * the tests ran with, never whichever one the runtime ships, and the whole bundle loads
 * in about a third of the time it takes with the runtime's SDK (bench/stages/cold-start.ts;
 * docs/deploy.md).
 * `mainFields` picks the SDK's ES modules so that esbuild drops what no code uses. ESM
 * needs the createRequire banner because some dependencies are CommonJS and call
 * `require` for Node built-ins.
 */
export const HUB_BUNDLING: BundlingOptions = {
  format: OutputFormat.ESM,
  target: "node24",
  mainFields: ["module", "main"],
  banner:
    "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  minify: true,
  sourceMap: true,
  // Stack traces map back to file and line; the sources themselves need not ship.
  sourcesContent: false,
  bundleAwsSDK: true,
  esbuildArgs: {
    "--alias": Object.entries(LAMBDA_ALIASES).map(([module, path]) => `${module}=${path}`),
  },
  forceDockerBundling: false,
  logLevel: LogLevel.WARNING,
};

export interface HubFunctionProps {
  /** The handler module, relative to the repository root, e.g. `lambdas/api.ts`. */
  entry: string;
  description: string;
  memorySize: number;
  timeout: Duration;
  environment: Record<string, string>;
  logRetention: logs.RetentionDays;
  /** X-Ray active tracing; off for deploy-time helpers that have nothing to trace. */
  tracing: boolean;
  /** Reserved concurrency, for a function that must never run twice at once. */
  reservedConcurrency?: number;
}

export class HubFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: HubFunctionProps) {
    super(scope, id);

    // Kept on stack deletion: the logs are evidence of what the hub did.
    this.logGroup = new logs.LogGroup(this, "Logs", {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // An explicit role instead of the default one, which would attach
    // AWSLambdaBasicExecutionRole (CreateLogGroup, CreateLogStream and PutLogEvents on every
    // log group in the account).
    this.role = new iam.Role(this, "Role", {
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
      description: `Runs ${props.entry} (${scope.node.path}/${id})`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, "Function", {
      entry: `${REPOSITORY_ROOT}${props.entry}`,
      handler: "handler",
      projectRoot: REPOSITORY_ROOT,
      depsLockFilePath: `${REPOSITORY_ROOT}package-lock.json`,
      description: props.description,
      runtime: HUB_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.INFO,
      tracing: props.tracing ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
      environment: { NODE_OPTIONS: "--enable-source-maps", ...props.environment },
      bundling: HUB_BUNDLING,
      ...(props.reservedConcurrency === undefined
        ? {}
        : { reservedConcurrentExecutions: props.reservedConcurrency }),
    });

    if (props.tracing) {
      // On the policy document itself, so the acknowledgment covers that one resource.
      Validations.of(defaultPolicyOf(this.role)).acknowledge({
        id: "AwsSolutions-IAM5[Resource::*]",
        reason:
          "X-Ray active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions, so AWS requires Resource '*'. No other statement of this role uses '*' (tests/cdk/template/iam.ts checks this).",
      });
    }
  }
}

/** The policy CDK attaches grants to; it exists once the first statement was added. */
export function defaultPolicyOf(role: iam.Role): Construct {
  const policy = role.node.tryFindChild("DefaultPolicy");
  if (policy === undefined) throw new Error(`${role.node.path} has no policy yet`);
  return policy;
}
