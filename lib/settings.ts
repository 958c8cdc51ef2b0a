/**
 * The stage settings of a deployment, read from CDK context (`-c key=value` or
 * `cdk.json`) and validated once, so that a typo fails `cdk synth` instead of
 * producing a stack that behaves differently from what the operator asked for.
 * docs/deploy.md lists every option.
 */
import { RetentionDays } from "aws-cdk-lib/aws-logs";
import type { Node } from "constructs";
import * as z from "zod";
import { parseRateLimits } from "../shared/ratelimits/config.js";

/** How the table is encrypted at rest. */
export type TableKeyChoice = "aws-managed" | "customer-managed";

export interface CustomDomain {
  /** The host name partners and analysts use, e.g. `cordon.example.org`. */
  name: string;
  /** An ACM certificate in us-east-1 that covers `name`. */
  certificateArn: string;
}

export interface StageSettings {
  /** Names the stack (`Cordon-<stage>`) and tags every resource. */
  stage: string;
  /**
   * The `aud` every request token must carry: the hub's own https origin. Undefined means
   * "the hub's one origin", which the stack fills in: the custom domain when one is
   * configured, otherwise the CloudFront distribution's own `https://<id>.cloudfront.net`.
   */
  audience: string | undefined;
  /**
   * A custom domain for the hub's one origin (the CloudFront distribution), with its ACM
   * certificate (in us-east-1, as CloudFront requires); undefined for the distribution's
   * own `*.cloudfront.net` name.
   */
  domain: CustomDomain | undefined;
  logRetention: RetentionDays;
  /** E-mail address subscribed to the alarm topic the stack creates. */
  alarmEmail: string | undefined;
  /** An existing SNS topic to send alarms to instead of creating one. */
  alarmTopicArn: string | undefined;
  /** Browser origins allowed by CORS; empty means no CORS at all (partners call server to server). */
  corsOrigins: string[];
  tableKey: TableKeyChoice;
  /**
   * Steady-state requests per second the API stage lets through, over all callers.
   * Well above what partners may send under their own limits, so that it is not what
   * limits them (the api Lambda limits each organisation, DESIGN §15).
   */
  throttleRate: number;
  /** Requests the API stage lets through in a burst. */
  throttleBurst: number;
  /** The hub's rates by class, as `CORDON_RATE_LIMITS` takes them (`publish=10,read=50`). */
  rateLimits: string | undefined;
}

const DEFAULT_SETTINGS = {
  stage: "dev",
  // A year: the logs are the audit trail a compliance review asks for first.
  logRetentionDays: 365,
  tableKmsKey: "aws-managed",
  throttleRate: 1000,
  throttleBurst: 2000,
} as const;

const RETENTION_DAYS = new Set<number>(
  Object.values(RetentionDays).filter((value): value is number => typeof value === "number"),
);

/** Context values arrive as strings from `-c`, or as JSON values from cdk.json. */
const numberFromContext = z.preprocess(
  (value) => (typeof value === "string" && value.trim() !== "" ? Number(value) : value),
  z.number().int().positive(),
);

const listFromContext = z.preprocess(
  (value) =>
    typeof value === "string"
      ? value
          .split(",")
          .map((entry) => entry.trim())
          .filter((entry) => entry !== "")
      : value,
  z.array(z.string()),
);

const ContextSchema = z.object({
  stage: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,19}$/, "lower-case letters, digits and '-', at most 20 characters")
    .default(DEFAULT_SETTINGS.stage),
  audience: z
    .url({ protocol: /^https$/, message: "the audience is the hub's https origin" })
    .refine((value) => new URL(value).origin === value.replace(/\/$/, ""), {
      message: "the audience is an origin: scheme, host and port, no path",
    })
    .optional(),
  domainName: z
    .string()
    .regex(
      /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
      "a lower-case DNS host name such as cordon.example.org, no scheme or path",
    )
    .optional(),
  certificateArn: z
    .string()
    .regex(
      /^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]{36}$/,
      "an ACM certificate ARN in us-east-1 (CloudFront takes certificates from there only)",
    )
    .optional(),
  logRetentionDays: numberFromContext
    .refine((days) => RETENTION_DAYS.has(days), {
      message: `one of ${[...RETENTION_DAYS].filter((days) => days > 0).join(", ")}`,
    })
    .default(DEFAULT_SETTINGS.logRetentionDays),
  alarmEmail: z.email().optional(),
  alarmTopicArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+$/, "an SNS topic ARN")
    .optional(),
  corsOrigins: listFromContext
    .pipe(
      z.array(
        z.url({ protocol: /^https?$/ }).refine((value) => new URL(value).origin === value, {
          message: "a CORS origin has no path or trailing slash",
        }),
      ),
    )
    .default([]),
  tableKmsKey: z.enum(["aws-managed", "customer-managed"]).default(DEFAULT_SETTINGS.tableKmsKey),
  throttleRate: numberFromContext.default(DEFAULT_SETTINGS.throttleRate),
  throttleBurst: numberFromContext.default(DEFAULT_SETTINGS.throttleBurst),
  rateLimits: z
    .string()
    .superRefine((text, ctx) => {
      try {
        parseRateLimits(text);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
      }
    })
    .optional(),
});

const CONTEXT_KEYS = Object.keys(ContextSchema.shape) as (keyof typeof ContextSchema.shape)[];

/** Reads and checks the stage settings; throws naming every bad option. */
export function readStageSettings(node: Node): StageSettings {
  const raw: Record<string, unknown> = {};
  for (const key of CONTEXT_KEYS) {
    const value: unknown = node.tryGetContext(key);
    if (value !== undefined && value !== "") raw[key] = value;
  }
  const parsed = ContextSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join(".")}: ${issue.message}`,
    );
    throw new Error(`Invalid CDK context for Cordon: ${problems.join("; ")}`);
  }
  const context = parsed.data;
  if (context.alarmEmail !== undefined && context.alarmTopicArn !== undefined) {
    throw new Error(
      "Invalid CDK context for Cordon: give alarmEmail or alarmTopicArn, not both (subscribe the address to your own topic)",
    );
  }
  if ((context.domainName === undefined) !== (context.certificateArn === undefined)) {
    throw new Error(
      "Invalid CDK context for Cordon: give domainName and certificateArn together (the distribution serves the name with that certificate)",
    );
  }
  if (context.throttleBurst < context.throttleRate) {
    throw new Error("Invalid CDK context for Cordon: throttleBurst must be at least throttleRate");
  }
  return {
    stage: context.stage,
    audience: context.audience?.replace(/\/$/, ""),
    domain:
      context.domainName !== undefined && context.certificateArn !== undefined
        ? { name: context.domainName, certificateArn: context.certificateArn }
        : undefined,
    logRetention: context.logRetentionDays as RetentionDays,
    alarmEmail: context.alarmEmail,
    alarmTopicArn: context.alarmTopicArn,
    corsOrigins: context.corsOrigins,
    tableKey: context.tableKmsKey,
    throttleRate: context.throttleRate,
    throttleBurst: context.throttleBurst,
    rateLimits: context.rateLimits,
  };
}
