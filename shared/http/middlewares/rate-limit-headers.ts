/**
 * The RateLimit-Policy and RateLimit fields (DESIGN §15) on every answer to a request
 * that took from its organisation's bucket, errors included. A 429 carries its own
 * (shared/ratelimits/limiter.ts); a ping refused on its own bucket after its class
 * admitted it carries both policies, as one list.
 */
import { mergeRateLimitHeaders, rateLimitHeaders } from "../../ratelimits/headers.js";
import type { ApiMiddleware, ApiRequest } from "../middleware.js";

export function rateLimitFields(): ApiMiddleware {
  const add = (request: ApiRequest) => {
    const throttle = request.context.cordon?.throttle;
    const response = request.response;
    if (throttle === undefined || response === null || response === undefined) return;
    response.headers = mergeRateLimitHeaders(
      rateLimitHeaders(throttle.policy, throttle.state, false),
      response.headers ?? {},
    );
  };
  return { after: add, onError: add };
}
