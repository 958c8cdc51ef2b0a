/**
 * The mirror's errors, each with a stable `code` callers switch on. What the hub
 * itself would refuse (a screening body it answers 422, an organisation without the
 * `screen` role) is not here: the mirror throws the very `CordonApiError` the hub's
 * answer would give, so local and remote screening fail alike.
 */

export type MirrorErrorCode =
  /** better-sqlite3 or its native binding cannot be loaded. */
  | "ERR_MIRROR_SQLITE_UNAVAILABLE"
  /** The mirror file was written by a newer version of the mirror (its schema is ahead). */
  | "ERR_MIRROR_SCHEMA_NEWER"
  /** The mirror file belongs to another hub or organisation. */
  | "ERR_MIRROR_BOUND_ELSEWHERE"
  /** The mirror has never synced, so it knows neither its organisation's roles nor a bulletin. */
  | "ERR_MIRROR_NEVER_SYNCED"
  /** Syncing needs a client that signs as the mirror's organisation. */
  | "ERR_MIRROR_OFFLINE"
  /** `GET /v1/me` answered another organisation than the one the mirror belongs to. */
  | "ERR_MIRROR_IDENTITY"
  /** The hub served a change at or before one already applied: a repeat the feed must never make. */
  | "ERR_MIRROR_FEED_ORDER"
  /** The feed's items carry no `change`: a hub older than 1.1. */
  | "ERR_MIRROR_HUB_VERSION"
  /** The mirror was closed. */
  | "ERR_MIRROR_CLOSED";

export class MirrorError extends Error {
  override name = "MirrorError";
  readonly code: MirrorErrorCode;

  constructor(code: MirrorErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * Why a change was kept aside instead of applied: what failed to verify. A change kept
 * aside never counts — its bulletin is not matched on its word.
 */
export type SetAsideCode =
  /** The JWS is not a well-formed Cordon bulletin JWS. */
  | "ERR_BULLETIN_MALFORMED"
  /** The publisher has published no key with the JWS header's `kid` (or is unknown). */
  | "ERR_BULLETIN_KEY_UNKNOWN"
  /** The publisher's signature does not verify. */
  | "ERR_BULLETIN_SIGNATURE"
  /** The key was revoked before the hub received the bulletin, or registered after. */
  | "ERR_BULLETIN_KEY_NOT_VALID"
  /** The signed payload is not a valid bulletin (schema, indicators). */
  | "ERR_BULLETIN_INVALID"
  /** The hub's receipt does not verify with the hub's keys. */
  | "ERR_RECEIPT_SIGNATURE"
  /** The receipt verifies but is about another bulletin, issuer, key or content. */
  | "ERR_RECEIPT_MISMATCH"
  /** The change's receipt does not verify, or names another change. */
  | "ERR_CHANGE_RECEIPT"
  /** The feed item says something the signed bulletin or its receipt contradicts. */
  | "ERR_ITEM_MISMATCH"
  /** The feed names a bulletin already held, with other content. */
  | "ERR_CONTENT_CHANGED"
  /** A TLP:RED bulletin's content could not be read by direct GET (404). */
  | "ERR_CONTENT_UNAVAILABLE";
