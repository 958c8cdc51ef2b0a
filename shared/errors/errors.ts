/**
 * The one error hierarchy of Cordon. Every error a caller can see carries a stable
 * `code` (callers switch on it, never on message text), the HTTP `status` it maps to,
 * and whether its `detail` may be shown (`expose`). Anything that is not a
 * `CordonError`, or is one with `expose: false`, becomes a generic 500.
 */

export interface FieldError {
  /** JSON pointer (RFC 6901) into the document being validated. */
  pointer: string;
  message: string;
}

export type ProblemCode =
  | "ERR_BAD_REQUEST"
  | "ERR_BODY_TOO_LARGE"
  | "ERR_ROUTE_NOT_FOUND"
  | "ERR_METHOD_NOT_ALLOWED"
  | "ERR_UNAUTHENTICATED"
  | "ERR_NOT_ACCEPTABLE"
  | "ERR_UNSUPPORTED_MEDIA_TYPE"
  | "ERR_MALFORMED_JSON"
  | "ERR_FORBIDDEN"
  | "ERR_NOT_FOUND"
  | "ERR_VALIDATION"
  | "ERR_CONFLICT"
  | "ERR_RATE_LIMITED"
  | "ERR_INTERNAL";

export class CordonError extends Error {
  override name = "CordonError";
  readonly code: ProblemCode;
  readonly status: number;
  readonly expose: boolean;
  readonly errors: readonly FieldError[] | undefined;
  /** Extra response headers (for example `Allow` on a 405). */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * A stable reason within the problem type, sent as the problem's `code` member
   * (DESIGN §15: why a 401), for callers to switch on.
   */
  readonly reasonCode: string | undefined;

  constructor(
    code: ProblemCode,
    status: number,
    detail: string,
    options: {
      expose?: boolean;
      errors?: readonly FieldError[];
      headers?: Record<string, string>;
      reasonCode?: string;
      cause?: unknown;
    } = {},
  ) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = status;
    this.expose = options.expose ?? true;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
    this.reasonCode = options.reasonCode;
  }
}

export class BodyTooLargeError extends CordonError {
  override name = "BodyTooLargeError";
  constructor(limitBytes: number) {
    super("ERR_BODY_TOO_LARGE", 413, `The request body is larger than ${limitBytes} bytes.`);
  }
}

export class RouteNotFoundError extends CordonError {
  override name = "RouteNotFoundError";
  constructor() {
    super("ERR_ROUTE_NOT_FOUND", 404, "No such route.");
  }
}

export class MethodNotAllowedError extends CordonError {
  override name = "MethodNotAllowedError";
  constructor(allowed: readonly string[]) {
    super("ERR_METHOD_NOT_ALLOWED", 405, `This route answers ${allowed.join(", ")}.`, {
      headers: { allow: allowed.join(", ") },
    });
  }
}

/**
 * A refused request token. `refusal` is the check that failed, told to the caller as
 * the problem's `code` (DESIGN §15) with a detail saying what to do; `reason` is the
 * precise internal code, for logs and tests only. The hub's time goes in `Date`, so a
 * caller whose clock is off can tell by how much.
 */
export class UnauthenticatedError extends CordonError {
  override name = "UnauthenticatedError";
  readonly reason: string;
  readonly refusal: string;
  constructor(refusal: string, reason: string, detail: string, now: Date) {
    super("ERR_UNAUTHENTICATED", 401, detail, {
      headers: { "www-authenticate": 'Bearer realm="cordon"', date: now.toUTCString() },
      reasonCode: refusal,
    });
    this.refusal = refusal;
    this.reason = reason;
  }
}

/** A query the route cannot read (TAXII's filters and cursors, which answer 400). */
export class BadRequestError extends CordonError {
  override name = "BadRequestError";
  constructor(detail: string) {
    super("ERR_BAD_REQUEST", 400, detail);
  }
}

/** No representation the client's `Accept` allows (TAXII, 406). */
export class NotAcceptableError extends CordonError {
  override name = "NotAcceptableError";
  constructor(detail: string) {
    super("ERR_NOT_ACCEPTABLE", 406, detail);
  }
}

export class UnsupportedMediaTypeError extends CordonError {
  override name = "UnsupportedMediaTypeError";
  constructor() {
    super("ERR_UNSUPPORTED_MEDIA_TYPE", 415, "Request bodies must be application/json.");
  }
}

export class MalformedJsonError extends CordonError {
  override name = "MalformedJsonError";
  constructor(detail = "The request body is not valid JSON.") {
    super("ERR_MALFORMED_JSON", 400, detail);
  }
}

export class ForbiddenError extends CordonError {
  override name = "ForbiddenError";
  constructor(detail: string) {
    super("ERR_FORBIDDEN", 403, detail);
  }

  /** A route that needs a role the caller lacks (also what a partner's mirror answers). */
  static lacking(role: string): ForbiddenError {
    return new ForbiddenError(`This route needs the ${role} role.`);
  }
}

/** Missing and hidden are the same answer, by design. */
export class NotFoundError extends CordonError {
  override name = "NotFoundError";
  constructor(what = "resource") {
    super("ERR_NOT_FOUND", 404, `No such ${what}.`);
  }
}

export class ValidationError extends CordonError {
  override name = "ValidationError";
  constructor(errors: readonly FieldError[], detail = "The request is not valid.") {
    if (errors.length === 0) throw new Error("a ValidationError needs at least one field error");
    super("ERR_VALIDATION", 422, detail, { errors });
  }

  static at(pointer: string, message: string): ValidationError {
    return new ValidationError([{ pointer, message }], message);
  }
}

export class ConflictError extends CordonError {
  override name = "ConflictError";
  constructor(detail: string) {
    super("ERR_CONFLICT", 409, detail);
  }
}

/**
 * A request over its organisation's rate (DESIGN §15), or a ping within a minute of the
 * last. Carries Retry-After and the RateLimit fields; the request changed nothing and
 * its token is not spent.
 */
export class RateLimitedError extends CordonError {
  override name = "RateLimitedError";
  constructor(detail: string, headers: Record<string, string>) {
    super("ERR_RATE_LIMITED", 429, detail, { headers });
  }
}

export class InternalError extends CordonError {
  override name = "InternalError";
  constructor(detail = "Internal error.", cause?: unknown) {
    super("ERR_INTERNAL", 500, detail, { expose: false, cause });
  }
}
