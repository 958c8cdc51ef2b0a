/**
 * The api Lambda: middy wiring only. The checks run in the order DESIGN §9 fixes —
 * body size, route, token (a feed token on the routes that accept one, DESIGN §11,
 * else the signed request token), media type, JSON, role — then the route's own code.
 * The rate limit (DESIGN §15, 429) sits inside the token check: after the signature (or
 * the feed token), before a request token's `jti` is spent, so only an authenticated
 * organisation can empty its own bucket and a limited request leaves its token usable.
 */
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { apiRouter } from "../shared/http/api-routes.js";
import { dispatch } from "../shared/http/dispatch.js";
import type { HttpEvent, HttpResult } from "../shared/http/event.js";
import type { ApiContext } from "../shared/http/middleware.js";
import { accessLog } from "../shared/http/middlewares/access-log.js";
import { bodyLimit } from "../shared/http/middlewares/body-limit.js";
import { feedToken } from "../shared/http/middlewares/feed-token.js";
import { jsonBody } from "../shared/http/middlewares/json-body.js";
import { problemResponses } from "../shared/http/middlewares/problem-responses.js";
import { rateLimitFields } from "../shared/http/middlewares/rate-limit-headers.js";
import { requestToken } from "../shared/http/middlewares/request-token.js";
import { roleCheck } from "../shared/http/middlewares/role-check.js";
import { routing } from "../shared/http/middlewares/routing.js";
import { securityHeaders } from "../shared/http/middlewares/security-headers.js";
import { taxiiErrors } from "../shared/http/middlewares/taxii-errors.js";
import type { HubDeps } from "../shared/hub/deps.js";
import { lambdaEntry } from "./runtime.js";

export type ApiHandler = (event: HttpEvent, context: Context) => Promise<HttpResult>;

export function createApiHandler(deps: HubDeps): ApiHandler {
  return (
    middy<HttpEvent, HttpResult, Error, Context & ApiContext>()
      .use(securityHeaders())
      .use(accessLog(deps.logger))
      // Before problemResponses: middy runs onError in reverse, so these see its answer.
      .use(rateLimitFields())
      .use(taxiiErrors())
      .use(problemResponses(deps.logger))
      .use(bodyLimit())
      .use(routing(apiRouter(deps)))
      .use(feedToken(deps))
      .use(requestToken(deps))
      .use(jsonBody())
      .use(roleCheck())
      .handler(dispatch)
  );
}

export const handler = lambdaEntry(createApiHandler);
