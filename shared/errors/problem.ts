/**
 * RFC 9457 problem details: the one table from error codes to problem types, and
 * the function that turns any thrown value into a problem+json response body.
 */
import * as z from "zod";
import { CordonError, type ProblemCode } from "./errors.js";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

const PROBLEM_BASE = "https://cordon.dev/problems/";

/** Stable problem `type` URIs and titles, one per error code. */
export const PROBLEM_TYPES: Readonly<Record<ProblemCode, { type: string; title: string }>> = {
  ERR_BAD_REQUEST: { type: `${PROBLEM_BASE}bad-request`, title: "Bad request" },
  ERR_BODY_TOO_LARGE: { type: `${PROBLEM_BASE}body-too-large`, title: "Request body too large" },
  ERR_ROUTE_NOT_FOUND: { type: `${PROBLEM_BASE}route-not-found`, title: "Route not found" },
  ERR_METHOD_NOT_ALLOWED: {
    type: `${PROBLEM_BASE}method-not-allowed`,
    title: "Method not allowed",
  },
  ERR_UNAUTHENTICATED: { type: `${PROBLEM_BASE}unauthenticated`, title: "Unauthenticated" },
  ERR_NOT_ACCEPTABLE: { type: `${PROBLEM_BASE}not-acceptable`, title: "Not acceptable" },
  ERR_UNSUPPORTED_MEDIA_TYPE: {
    type: `${PROBLEM_BASE}unsupported-media-type`,
    title: "Unsupported media type",
  },
  ERR_MALFORMED_JSON: { type: `${PROBLEM_BASE}malformed-json`, title: "Malformed JSON" },
  ERR_FORBIDDEN: { type: `${PROBLEM_BASE}forbidden`, title: "Forbidden" },
  ERR_NOT_FOUND: { type: `${PROBLEM_BASE}not-found`, title: "Not found" },
  ERR_VALIDATION: { type: `${PROBLEM_BASE}validation`, title: "Validation failed" },
  ERR_CONFLICT: { type: `${PROBLEM_BASE}conflict`, title: "Conflict" },
  ERR_RATE_LIMITED: { type: `${PROBLEM_BASE}rate-limited`, title: "Too many requests" },
  ERR_INTERNAL: { type: `${PROBLEM_BASE}internal`, title: "Internal error" },
};

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number(),
    detail: z.string(),
    code: z
      .string()
      .optional()
      .meta({
        description:
          "A stable reason within the type, for callers to switch on. On 401: token_malformed, token_expired, " +
          "token_not_yet_valid, token_lifetime_too_long, audience_mismatch, request_binding_mismatch, " +
          "token_replayed or credentials_rejected (DESIGN §15).",
      }),
    errors: z.array(z.object({ pointer: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: "Problem", description: "RFC 9457 problem details (application/problem+json)" });
export type Problem = z.infer<typeof ProblemSchema>;

export interface ProblemResponse {
  status: number;
  headers: Record<string, string>;
  problem: Problem;
}

/** Maps anything thrown to a problem. Unknown errors never leak their message. */
export function toProblem(error: unknown): ProblemResponse {
  const known = error instanceof CordonError && error.expose ? error : undefined;
  const code: ProblemCode = known?.code ?? "ERR_INTERNAL";
  const status = known?.status ?? 500;
  const { type, title } = PROBLEM_TYPES[code];
  const problem: Problem = {
    type,
    title,
    status,
    detail: known?.message ?? "The hub could not complete the request.",
  };
  if (known?.reasonCode !== undefined) problem.code = known.reasonCode;
  if (known?.errors !== undefined) problem.errors = [...known.errors];
  return {
    status,
    headers: { "content-type": PROBLEM_CONTENT_TYPE, ...(known?.headers ?? {}) },
    problem,
  };
}
