/**
 * Third check: the request token (DESIGN §3), and the caller's rate limit (§15). The
 * organisation is read once, keys included; once the signature has verified, the
 * request takes one unit of its organisation's bucket for the route's class — a 429
 * here leaves the token unspent — and only then is the replay guard written, so a
 * refused token changes nothing and costs at most that one read. A refusal says which
 * check failed and what to do (DESIGN §15), never which key or organisation.
 */
import { UnauthenticatedError } from "../../errors/errors.js";
import type { HubDeps } from "../../hub/deps.js";
import type { Organisation } from "../../orgs/types.js";
import { admitRequest } from "../../ratelimits/limiter.js";
import { RequestTokenError, type TokenRefusal } from "../../signatures/errors.js";
import {
  CLOCK_SKEW_SECONDS,
  MAX_TOKEN_LIFETIME_SECONDS,
  verifyRequestToken,
} from "../../signatures/request-token.js";
import type { ApiMiddleware } from "../middleware.js";
import { matchOf, stateOf } from "../middleware.js";

export function requestToken(
  deps: Pick<HubDeps, "store" | "audience" | "clock" | "metrics" | "rateLimits">,
): ApiMiddleware {
  return {
    before: async (request) => {
      const state = stateOf(request);
      const { route } = matchOf(request);
      if (route.auth === "public") return undefined;
      // Authenticated already, by a feed token on a route that accepts one (feed-token.ts).
      if (state.caller !== undefined) return undefined;
      const now = deps.clock.now();
      try {
        const verified = await verifyRequestToken<Organisation>({
          authorization: request.event.headers.authorization,
          method: request.event.requestContext.http.method,
          rawPath: request.event.rawPath,
          rawQueryString: request.event.rawQueryString,
          body: state.bodyBytes,
          audience: deps.audience,
          now,
          resolveKey: async (iss, kid) => {
            const org = await deps.store.orgs.getOrg(iss);
            const key = org?.keys[kid];
            if (
              org === undefined ||
              org.status !== "active" ||
              key === undefined ||
              key.status !== "active"
            ) {
              return undefined;
            }
            return { jwk: key.jwk, principal: org };
          },
          beforeSpend: async (org) => {
            state.throttle = await admitRequest(deps, org, route.rateClass, now);
          },
          claimJti: (iss, jti, keepUntil) => deps.store.replay.claimJti(iss, jti, keepUntil, now),
        });
        state.caller = verified.principal;
        state.credential = { kind: "request-token" };
      } catch (error) {
        if (error instanceof RequestTokenError) {
          deps.metrics.count("AuthenticationRefused");
          throw new UnauthenticatedError(
            error.refusal,
            error.code,
            refusalDetail(error, deps.audience, now),
            now,
          );
        }
        throw error;
      }
      return undefined;
    },
  };
}

const CLOCK_ADVICE = `check this machine's clock: the hub allows ${CLOCK_SKEW_SECONDS} s of skew`;

/** What the partner reads: the failed check, and what to do about it. */
function refusalDetail(error: RequestTokenError, audience: string, now: Date): string {
  const hubTime = `The hub's time is ${now.toISOString()} (also in the Date header)`;
  const details: Record<TokenRefusal, () => string> = {
    token_malformed: () =>
      `${error.message} Send Authorization: Bearer <a cordon-req+jwt signed by your key>.`,
    token_expired: () =>
      `The token has expired. ${hubTime}; ${CLOCK_ADVICE}, and sign each request just before sending it.`,
    token_not_yet_valid: () => `The token was issued in the future. ${hubTime}; ${CLOCK_ADVICE}.`,
    token_lifetime_too_long: () =>
      `A token lives 1 to ${MAX_TOKEN_LIFETIME_SECONDS} seconds (exp - iat).`,
    audience_mismatch: () =>
      `The token's aud is not this hub's audience, which is "${audience}" (set --audience or CORDON_AUDIENCE).`,
    request_binding_mismatch: () =>
      `${error.message} A token is signed for one request: htm is the method, htu the path and query exactly as sent, bsh the base64url SHA-256 of the exact body bytes.`,
    token_replayed: () =>
      "This token was used already: sign a new token (with a new jti) for every request.",
    credentials_rejected: () =>
      "The organisation, key or signature is not accepted: check the organisation id (iss), " +
      "that the key (kid) is registered and not revoked, and that the organisation is active.",
  };
  return details[error.refusal]();
}
