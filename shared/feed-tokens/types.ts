/**
 * Feed tokens (DESIGN §11): read-only credentials for the platforms that cannot sign a
 * request token per request (OpenCTI, MISP, any TAXII client). Types that cross the
 * module, the store and the HTTP layer live here.
 */

/** Live tokens an organisation may hold at once; revoked and expired ones do not count. */
export const MAX_LIVE_FEED_TOKENS = 10;
/** A token's lifetime: the default, and the longest one may ask for. */
export const FEED_TOKEN_MAX_DAYS = 90;
/** The shortest lifetime one may ask for. */
export const FEED_TOKEN_MIN_MINUTES = 10;
/** What a feed token sees at most: never TLP:AMBER+STRICT, never TLP:RED. */
export const FEED_TOKEN_MAX_TLP = "amber";

export const FEED_TOKEN_STATUSES = ["active", "expired"] as const;
export type FeedTokenStatus = (typeof FEED_TOKEN_STATUSES)[number];

/** A token as the hub keeps it: its SHA-256, never the token. */
export interface FeedTokenRecord {
  id: string;
  org_id: string;
  name: string;
  /** base64url SHA-256 of the whole token text (`cft_<id>_<secret>`). */
  token_sha256: string;
  created_at: string;
  expires_at: string;
}

/** How a request on a route that accepts feed tokens was authenticated. */
export type Credential = { kind: "request-token" } | { kind: "feed-token"; token_id: string };
