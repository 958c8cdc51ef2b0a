/**
 * Errors of feed tokens. A refused presentation is a 401 whose challenge names every
 * scheme these routes take (Bearer, and Basic for clients such as MISP that only
 * speak it), with the same stable reason codes as a refused request token (DESIGN
 * §15): `token_malformed`, `token_expired`, or `credentials_rejected` for an unknown,
 * revoked or wrong token alike — never which.
 */
import { CordonError } from "../errors/errors.js";

/** The challenge of every 401 on a route that accepts feed tokens. */
export const FEED_TOKEN_CHALLENGE = 'Bearer realm="cordon", Basic realm="cordon", charset="UTF-8"';

export type FeedTokenRefusal = "token_malformed" | "token_expired" | "credentials_rejected";

export class FeedTokenRefusedError extends CordonError {
  override name = "FeedTokenRefusedError";
  /** The refusal told to the caller (its problem `code`). */
  readonly refusal: FeedTokenRefusal;
  /** For the log: the precise reason, and the token id when one was presented. */
  readonly reason: string;

  constructor(refusal: FeedTokenRefusal, reason: string, detail: string, now: Date) {
    super("ERR_UNAUTHENTICATED", 401, detail, {
      headers: { "www-authenticate": FEED_TOKEN_CHALLENGE, date: now.toUTCString() },
      reasonCode: refusal,
    });
    this.refusal = refusal;
    this.reason = reason;
  }
}
