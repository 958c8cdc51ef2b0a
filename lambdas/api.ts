/**
 * The api Lambda: middy wiring only. The checks run in the order DESIGN §9 fixes —
 * body size, route, token, media type, JSON, role — then the route's own code.
 */
import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { apiRouter } from "../shared/http/api-routes.js";
import { dispatch } from "../shared/http/dispatch.js";
import type { HttpEvent, HttpResult } from "../shared/http/event.js";
import type { ApiContext } from "../shared/http/middleware.js";
import { accessLog } from "../shared/http/middlewares/access-log.js";
import { bodyLimit } from "../shared/http/middlewares/body-limit.js";
import { jsonBody } from "../shared/http/middlewares/json-body.js";
import { problemResponses } from "../shared/http/middlewares/problem-responses.js";
import { requestToken } from "../shared/http/middlewares/request-token.js";
import { roleCheck } from "../shared/http/middlewares/role-check.js";
import { routing } from "../shared/http/middlewares/routing.js";
import { securityHeaders } from "../shared/http/middlewares/security-headers.js";
import type { HubDeps } from "../shared/hub/deps.js";
import { lambdaEntry } from "./runtime.js";

export type ApiHandler = (event: HttpEvent, context: Context) => Promise<HttpResult>;

export function createApiHandler(deps: HubDeps): ApiHandler {
  return middy<HttpEvent, HttpResult, Error, Context & ApiContext>()
    .use(securityHeaders())
    .use(accessLog(deps.logger))
    .use(problemResponses(deps.logger))
    .use(bodyLimit())
    .use(routing(apiRouter(deps)))
    .use(requestToken(deps))
    .use(jsonBody())
    .use(roleCheck())
    .handler(dispatch);
}

export const handler = lambdaEntry(createApiHandler);
