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
  | "ERR_BODY_TOO_LARGE"
  | "ERR_ROUTE_NOT_FOUND"
  | "ERR_METHOD_NOT_ALLOWED"
  | "ERR_UNAUTHENTICATED"
  | "ERR_UNSUPPORTED_MEDIA_TYPE"
  | "ERR_MALFORMED_JSON"
  | "ERR_FORBIDDEN"
  | "ERR_NOT_FOUND"
  | "ERR_VALIDATION"
  | "ERR_CONFLICT"
  | "ERR_INTERNAL";

export class CordonError extends Error {
  override name = "CordonError";
  readonly code: ProblemCode;
  readonly status: number;
  readonly expose: boolean;
  readonly errors: readonly FieldError[] | undefined;
  /** Extra response headers (for example `Allow` on a 405). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    code: ProblemCode,
    status: number,
    detail: string,
    options: {
      expose?: boolean;
      errors?: readonly FieldError[];
      headers?: Record<string, string>;
      cause?: unknown;
    } = {},
  ) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = status;
    this.expose = options.expose ?? true;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
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
 * A refused request token. `reason` is for logs and tests only: the response never
 * says which key or claim was wrong.
 */
export class UnauthenticatedError extends CordonError {
  override name = "UnauthenticatedError";
  readonly reason: string;
  constructor(reason: string) {
    super("ERR_UNAUTHENTICATED", 401, "The request token is missing or not valid.", {
      headers: { "www-authenticate": 'Bearer realm="cordon"' },
    });
    this.reason = reason;
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

export class InternalError extends CordonError {
  override name = "InternalError";
  constructor(detail = "Internal error.", cause?: unknown) {
    super("ERR_INTERNAL", 500, detail, { expose: false, cause });
  }
}
