/**
 * The SDK's errors: one base class with a stable `code` that callers switch on, and a
 * subclass per kind of failure — the hub refused a request (problem+json), the caller's
 * own input is invalid before anything is sent, a webhook or a bulletin does not verify,
 * the transparency log does not hold up.
 */
import { TOKEN_REFUSALS, type TokenRefusal } from "../../shared/signatures/errors.js";

export { TOKEN_REFUSALS, type TokenRefusal };

import type { LogErrorCode } from "../../shared/log/errors.js";

export interface ProblemFieldError {
  /** JSON pointer into the document the hub validated (for bulletins: the payload). */
  pointer: string;
  message: string;
}

/** An RFC 9457 problem as the hub answers it (DESIGN §7, §9). */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** A stable reason within the type; on a 401, which check failed (a {@link TokenRefusal}). */
  code?: string;
  errors?: ProblemFieldError[];
}

/**
 * A refusal's code: on a 401, which check of the request token failed (DESIGN §15);
 * otherwise `ERR_API` (the problem's `type`, `status` and `kind` say more).
 */
export type ApiErrorCode = "ERR_API" | TokenRefusal;

export type SdkErrorCode =
  | ApiErrorCode
  | "ERR_INPUT_INVALID"
  | WebhookVerificationCode
  | BulletinVerificationCode
  | LogVerificationCode;

export class CordonSdkError extends Error {
  override name = "CordonSdkError";
  readonly code: SdkErrorCode;

  constructor(code: SdkErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** What the answer said besides its body. */
export interface ApiErrorContext {
  /** The hub's `Date` header, when it sent one: its clock at the answer. */
  hubTime?: Date;
  /** This machine's clock when the answer arrived (to compare with `hubTime`). */
  localTime?: Date;
}

/**
 * The hub answered 4xx or 5xx. `title`, `detail`, `code` and `errors` come from its
 * problem+json body (`problem` is the body itself, when it sent one).
 */
export class CordonApiError extends CordonSdkError {
  override name = "CordonApiError";
  declare readonly code: ApiErrorCode;
  readonly status: number;
  readonly problem: ProblemBody | undefined;
  /** The problem's title, e.g. "Unauthenticated", "Validation failed". */
  readonly title: string | undefined;
  /** What went wrong and, for a 401, what to do about it. */
  readonly detail: string | undefined;
  /** The hub's clock (its `Date` header) when it answered, if it said. */
  readonly hubTime: Date | undefined;
  /**
   * How far this machine's clock is ahead of the hub's, in whole seconds (negative:
   * behind); known when the hub sent `Date`. Tokens allow 60 s either way.
   */
  readonly clockOffsetSeconds: number | undefined;

  constructor(
    status: number,
    problem: ProblemBody | undefined,
    fallback: string,
    context: ApiErrorContext = {},
  ) {
    super(
      isTokenRefusal(problem?.code) ? problem.code : "ERR_API",
      problem === undefined ? fallback : `${problem.title}: ${problem.detail}`,
    );
    this.status = status;
    this.problem = problem;
    this.title = problem?.title;
    this.detail = problem?.detail;
    this.hubTime = context.hubTime;
    this.clockOffsetSeconds =
      context.hubTime === undefined
        ? undefined
        : Math.round(
            ((context.localTime ?? new Date()).getTime() - context.hubTime.getTime()) / 1000,
          );
  }

  /** The problem type's last segment, e.g. "validation", "not-found". */
  get kind(): string | undefined {
    return this.problem?.type.split("/").pop();
  }

  /** Each field the hub refused, with its JSON pointer (empty unless a 422). */
  get errors(): readonly ProblemFieldError[] {
    return this.problem?.errors ?? [];
  }
}

function isTokenRefusal(code: unknown): code is TokenRefusal {
  return typeof code === "string" && (TOKEN_REFUSALS as readonly string[]).includes(code);
}

/** The caller's input is refused before any request is sent (same pointers as the hub's 422s). */
export class InputError extends CordonSdkError {
  override name = "InputError";
  readonly errors: readonly ProblemFieldError[];

  constructor(message: string, errors: readonly ProblemFieldError[] = []) {
    super("ERR_INPUT_INVALID", message);
    this.errors = errors;
  }
}

export type WebhookVerificationCode =
  /** A `webhook-id`, `webhook-timestamp` or `webhook-signature` header is missing. */
  | "ERR_WEBHOOK_HEADERS"
  /** The timestamp is not Unix seconds, or lies outside the tolerance (replay or clock skew). */
  | "ERR_WEBHOOK_TIMESTAMP"
  /** No `v1` entry matches any of the given secrets. */
  | "ERR_WEBHOOK_V1"
  /** No `v1a` entry verifies with any key of the hub JWKS. */
  | "ERR_WEBHOOK_V1A"
  /** Neither a secret nor a hub JWKS was given, or a secret is not a `whsec_…` value. */
  | "ERR_WEBHOOK_KEYS"
  /** The body is not a strict-JSON event object. */
  | "ERR_WEBHOOK_BODY"
  /** The body's `subscription_id` is not the expected one (a delivery replayed elsewhere). */
  | "ERR_WEBHOOK_SUBSCRIPTION";

export class WebhookVerificationError extends CordonSdkError {
  override name = "WebhookVerificationError";
  declare readonly code: WebhookVerificationCode;

  constructor(code: WebhookVerificationCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

export type BulletinVerificationCode =
  /** The JWS is not a well-formed Cordon bulletin JWS. */
  | "ERR_BULLETIN_MALFORMED"
  /** The publisher's JWKS has no key with the JWS header's `kid`. */
  | "ERR_BULLETIN_KEY_UNKNOWN"
  /** The signature does not verify with the publisher's key. */
  | "ERR_BULLETIN_SIGNATURE"
  /** The receipt does not verify with the hub's keys. */
  | "ERR_RECEIPT_SIGNATURE"
  /** The receipt verifies but is about another bulletin, issuer, key or content. */
  | "ERR_RECEIPT_MISMATCH";

export class BulletinVerificationError extends CordonSdkError {
  override name = "BulletinVerificationError";
  declare readonly code: BulletinVerificationCode;

  constructor(code: BulletinVerificationCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** The codes of {@link LogVerificationError}: the log module's own (shared/log/errors.ts). */
export type LogVerificationCode = LogErrorCode;

/** A checkpoint, proof or tile of the transparency log failed a check; `code` says which. */
export class LogVerificationError extends CordonSdkError {
  override name = "LogVerificationError";
  declare readonly code: LogVerificationCode;

  constructor(code: LogVerificationCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
