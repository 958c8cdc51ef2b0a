/**
 * The configuration of a deployed hub, from environment variables, read once and
 * validated. The CDK stack sets these; DESIGN §3 requires a deployed hub's audience to
 * be its own origin URL, so it has no default.
 */
import * as z from "zod";
import { parseRateLimits } from "../ratelimits/config.js";

const EnvSchema = z.object({
  CORDON_TABLE_NAME: z.string().min(3),
  CORDON_AUDIENCE: z.url({
    protocol: /^https$/,
    message: "the audience of a deployed hub is its https origin",
  }),
  CORDON_FANOUT_QUEUE_URL: z.url(),
  CORDON_DELIVERY_QUEUE_URL: z.url(),
  CORDON_FANOUT_DLQ_URL: z.url(),
  CORDON_DELIVERY_DLQ_URL: z.url(),
  /** The FIFO queue that wakes the transparency log's writer (shared/transparency/trigger.ts). */
  CORDON_LOG_QUEUE_URL: z.url(),
  /** Secrets Manager id of the hub secret (signing keys and pseudonym key). */
  CORDON_HUB_SECRET_ID: z.string().min(1),
  /** KMS key that seals webhook secrets. */
  CORDON_SECRETS_KMS_KEY_ID: z.string().min(1),
  /** The hub's rates by class, `publish=10,screen=20,…` (DESIGN §15); absent: the defaults. */
  CORDON_RATE_LIMITS: z
    .string()
    .optional()
    .superRefine((text, ctx) => {
      try {
        parseRateLimits(text);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
      }
    }),
});

export type HubEnv = z.infer<typeof EnvSchema>;

export function readEnv(env: NodeJS.ProcessEnv = process.env): HubEnv {
  const result = EnvSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join(".")}: ${issue.message}`,
    );
    throw new Error(`Invalid hub configuration: ${problems.join("; ")}`);
  }
  return result.data;
}
