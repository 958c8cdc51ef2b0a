/**
 * Errors of the local runtime that the person starting it must read as a sentence,
 * not a stack trace: each carries a stable `code`, and its message says what to do.
 */
export type LocalHubErrorCode =
  /** Another live hub holds the data folder's lock. */
  | "ERR_DATA_DIR_IN_USE"
  /** The port is taken (by another hub or any other program). */
  | "ERR_PORT_IN_USE"
  /** `admin recover` would overwrite an existing admin.jwk. */
  | "ERR_ADMIN_KEY_EXISTS"
  /** `admin recover` ran already and the hub has not started since. */
  | "ERR_ADMIN_RECOVERY_PENDING";

export class LocalHubError extends Error {
  override name = "LocalHubError";
  readonly code: LocalHubErrorCode;

  constructor(code: LocalHubErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
