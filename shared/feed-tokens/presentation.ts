/**
 * How a client presents a credential on the routes that accept feed tokens (DESIGN
 * §11): `Authorization: Bearer <token>`, `Authorization: Token <token>`, or HTTP Basic
 * with the token's id as user and the token as password (what MISP's feed settings and
 * OpenCTI's "basic" option send). A Bearer value that is not a feed token is a signed
 * request token (§3), which the request-token check reads.
 */

export type Presentation =
  /** A feed token; `user` is the Basic user name, when it came that way. */
  | { kind: "feed-token"; token: string; user?: string }
  | { kind: "request-token" }
  | { kind: "none" }
  | { kind: "malformed" };

const FEED_TOKEN_PREFIX = "cft_";

export function presentationOf(authorization: string | undefined): Presentation {
  if (authorization === undefined || authorization.trim() === "") return { kind: "none" };
  const match = /^([A-Za-z]+) +(\S+) *$/.exec(authorization);
  if (match === null) return { kind: "malformed" };
  const scheme = (match[1] as string).toLowerCase();
  const value = match[2] as string;
  switch (scheme) {
    case "bearer":
      return value.startsWith(FEED_TOKEN_PREFIX)
        ? { kind: "feed-token", token: value }
        : { kind: "request-token" };
    case "token":
      return { kind: "feed-token", token: value };
    case "basic":
      return basic(value);
    default:
      return { kind: "malformed" };
  }
}

function basic(encoded: string): Presentation {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return { kind: "malformed" };
  const text = Buffer.from(encoded, "base64").toString("utf8");
  const colon = text.indexOf(":");
  if (colon < 0) return { kind: "malformed" };
  return { kind: "feed-token", user: text.slice(0, colon), token: text.slice(colon + 1) };
}
