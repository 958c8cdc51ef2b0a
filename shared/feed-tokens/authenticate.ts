/**
 * Authenticating a feed token (DESIGN §11): its form, its digest (constant time, an
 * unknown id compared all the same), its expiry, and its organisation — active, and
 * not the operator. Two strongly consistent reads (the token, then its organisation),
 * so a revocation or a suspension holds from the next request on. Every refusal but a
 * malformed or expired token is one answer, `credentials_rejected`.
 */
import type { HubDeps } from "../hub/deps.js";
import { isAdmin, type Organisation } from "../orgs/types.js";
import { FeedTokenRefusedError } from "./errors.js";
import { isExpired } from "./manage.js";
import { feedTokenId, matchesDigest } from "./token.js";

export interface AuthenticatedFeedToken {
  org: Organisation;
  tokenId: string;
}

const PRESENT_ADVICE =
  "Send Authorization: Bearer <feed token>, Authorization: Token <feed token>, or HTTP Basic " +
  "with the token's id as user and the token as password (or a signed request token).";

export async function authenticateFeedToken(
  deps: Pick<HubDeps, "store">,
  presented: { token: string; user?: string },
  now: Date,
): Promise<AuthenticatedFeedToken> {
  const id = feedTokenId(presented.token);
  if (id === undefined) {
    throw new FeedTokenRefusedError(
      "token_malformed",
      "not a feed token",
      `This is not a feed token (cft_<id>_<secret>). ${PRESENT_ADVICE}`,
      now,
    );
  }
  const rejected = (reason: string) =>
    new FeedTokenRefusedError(
      "credentials_rejected",
      `${reason} (feed token ${id})`,
      "The feed token is not accepted: it may be revoked, mistyped, or not this hub's. " +
        "Ask your organisation for a new one (cordon feed-token create).",
      now,
    );
  const record = await deps.store.feedTokens.getFeedToken(id);
  const matches = matchesDigest(presented.token, record?.token_sha256);
  if (record === undefined || !matches) throw rejected("unknown token or wrong secret");
  if (presented.user !== undefined && presented.user !== id) {
    throw rejected("the Basic user is not the token's id");
  }
  if (isExpired(record, now)) {
    throw new FeedTokenRefusedError(
      "token_expired",
      `feed token ${id} expired`,
      `This feed token expired at ${record.expires_at}. Create a new one (cordon feed-token create).`,
      now,
    );
  }
  const org = await deps.store.orgs.getOrg(record.org_id);
  if (org === undefined || org.status !== "active" || isAdmin(org)) {
    throw rejected("its organisation is suspended, gone or the operator");
  }
  return { org, tokenId: id };
}
