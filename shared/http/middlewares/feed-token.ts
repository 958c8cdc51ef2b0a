/**
 * Third check, on the routes that accept feed tokens (DESIGN §11): a feed token
 * presented as Bearer, Token or Basic authenticates the request here, as its
 * organisation with the feed-token credential (which sees up to TLP:AMBER); a Bearer
 * request token passes on to the request-token check. No credential at all is a 401
 * whose challenge offers Bearer and Basic. Each use is logged with the token's id,
 * never the token. The request then takes one unit of its organisation's bucket for the
 * route's class (DESIGN §15), as a signed request does after its signature.
 */
import { authenticateFeedToken } from "../../feed-tokens/authenticate.js";
import { FeedTokenRefusedError } from "../../feed-tokens/errors.js";
import { presentationOf } from "../../feed-tokens/presentation.js";
import type { HubDeps } from "../../hub/deps.js";
import { admitRequest } from "../../ratelimits/limiter.js";
import type { ApiMiddleware } from "../middleware.js";
import { matchOf, stateOf } from "../middleware.js";

export function feedToken(
  deps: Pick<HubDeps, "store" | "clock" | "metrics" | "logger" | "rateLimits">,
): ApiMiddleware {
  return {
    before: async (request) => {
      const { route } = matchOf(request);
      if (route.auth !== "caller" || route.feedTokens !== "accepted") return undefined;
      const presented = presentationOf(request.event.headers.authorization);
      if (presented.kind === "request-token") return undefined;
      const now = deps.clock.now();
      if (presented.kind !== "feed-token") {
        deps.metrics.count("AuthenticationRefused");
        throw new FeedTokenRefusedError(
          "token_malformed",
          presented.kind === "none" ? "no credential" : "an unknown scheme",
          "This route takes a feed token — Authorization: Bearer <token>, Authorization: Token " +
            "<token>, or HTTP Basic with the token's id as user and the token as password — or a " +
            "signed request token.",
          now,
        );
      }
      try {
        const { org, tokenId } = await authenticateFeedToken(deps, presented, now);
        const state = stateOf(request);
        state.throttle = await admitRequest(deps, org, route.rateClass, now);
        state.caller = org;
        state.credential = { kind: "feed-token", token_id: tokenId };
        deps.logger.info("feed token used", {
          requestId: request.context.awsRequestId,
          feed_token: tokenId,
          caller: org.id,
          route: route.path,
        });
      } catch (error) {
        if (error instanceof FeedTokenRefusedError) deps.metrics.count("AuthenticationRefused");
        throw error;
      }
      return undefined;
    },
  };
}
