/**
 * Third check: the request token (DESIGN §3), and the caller's rate limit (§15). The
 * organisation is read once, keys included; once the signature has verified, the
 * request takes one unit of its organisation's bucket for the route's class — a 429
 * here leaves the token unspent — and only then is the replay guard written, so a
 * refused token changes nothing and costs at most that one read.
 */
import { UnauthenticatedError } from "../../errors/errors.js";
import type { HubDeps } from "../../hub/deps.js";
import type { Organisation } from "../../orgs/types.js";
import { admitRequest } from "../../ratelimits/limiter.js";
import { SignatureError } from "../../signatures/errors.js";
import { verifyRequestToken } from "../../signatures/request-token.js";
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
      } catch (error) {
        if (error instanceof SignatureError) {
          deps.metrics.count("AuthenticationRefused");
          throw new UnauthenticatedError(error.code);
        }
        throw error;
      }
      return undefined;
    },
  };
}
