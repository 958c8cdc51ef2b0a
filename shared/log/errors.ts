/**
 * Errors of the transparency log module (DESIGN §14). Every refusal carries a stable
 * `code` that callers switch on — the hub maps them to problem+json, the SDK re-throws
 * them as its own `LogVerificationError` with the same code, and `cordon audit` turns
 * them into a clear exit message. Messages never hold key material.
 */

export const LOG_ERROR_CODES = [
  /** A size, index or range is out of bounds or not a safe non-negative integer. */
  "ERR_LOG_ARGUMENT",
  /** A hash is not 32 bytes, or base64 that is not the canonical spelling of 32 bytes. */
  "ERR_LOG_HASH_MALFORMED",
  /** A receipt is not a compact JWS's ASCII text, so it cannot be a leaf. */
  "ERR_LOG_RECEIPT_MALFORMED",
  /** A signed note is not well formed (C2SP signed-note). */
  "ERR_LOG_NOTE_MALFORMED",
  /** No signature of a known key is on the note (other key, or none at all). */
  "ERR_LOG_NOTE_UNVERIFIED",
  /** A signature by a known key does not verify: the whole note is refused. */
  "ERR_LOG_SIGNATURE_INVALID",
  /** A note verifier key string is not `<name>+<8 hex>+<base64(0x01 ‖ key)>`. */
  "ERR_LOG_VERIFIER_KEY_INVALID",
  /** A signing key cannot sign notes (not an Ed25519 private key, or a bad name). */
  "ERR_LOG_SIGNER_INVALID",
  /** The note text is not a C2SP checkpoint (origin, size, root, extension lines). */
  "ERR_LOG_CHECKPOINT_MALFORMED",
  /** The checkpoint's origin is not the log's (another log, or another hub). */
  "ERR_LOG_ORIGIN_MISMATCH",
  /** An inclusion proof does not lead from the leaf to the checkpoint's root. */
  "ERR_LOG_INCLUSION_INVALID",
  /** Two tree heads are not consistent: a fork, a rewrite, or a log that shrank. */
  "ERR_LOG_INCONSISTENT",
  /** A tile or entry bundle is malformed or does not match its parent or the root. */
  "ERR_LOG_TILE_INVALID",
  /** A tile path is not a C2SP tlog-tiles path. */
  "ERR_LOG_TILE_PATH",
  /** A tile, bundle or checkpoint could not be fetched. */
  "ERR_LOG_FETCH",
  /** The leaf at the receipt's index is another change's. */
  "ERR_LOG_ENTRY_MISMATCH",
  /** The receipt is in no leaf of the tree. */
  "ERR_LOG_ENTRY_NOT_FOUND",
] as const;

export type LogErrorCode = (typeof LOG_ERROR_CODES)[number];

export class LogError extends Error {
  override name = "LogError";
  readonly code: LogErrorCode;

  constructor(code: LogErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isLogError(error: unknown): error is LogError {
  return error instanceof LogError;
}
