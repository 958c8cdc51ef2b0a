/**
 * The shape of a middleware as middy runs it (`{ before, after, onError }`), declared
 * structurally so `shared/` stays free of Lambda packages, and the per-request state
 * the middlewares hand to one another.
 */
import type { Credential } from "../feed-tokens/types.js";
import type { Organisation } from "../orgs/types.js";
import type { Throttle } from "../ratelimits/limiter.js";
import type { HttpEvent, HttpResult } from "./event.js";
import type { RouteMatch } from "./route.js";

export interface RequestState {
  startedAt: number;
  bodyBytes: Uint8Array;
  match?: RouteMatch;
  caller?: Organisation;
  /** The caller's bucket after this request took from it: the RateLimit fields of the answer. */
  throttle?: Throttle;
  /** How the caller authenticated (set with `caller`). */
  credential?: Credential;
  body?: unknown;
}

/** Lambda's context, plus the request state (middy hands the context to the handler too). */
export interface ApiContext {
  awsRequestId: string;
  cordon?: RequestState;
}

export interface ApiRequest {
  event: HttpEvent;
  context: ApiContext;
  response: HttpResult | null | undefined;
  error: unknown;
}

export interface ApiMiddleware {
  before?: (request: ApiRequest) => Promise<HttpResult | undefined> | HttpResult | undefined;
  after?: (request: ApiRequest) => Promise<void> | void;
  onError?: (request: ApiRequest) => Promise<void> | void;
}

/** The state set up by the first middleware; every later one can rely on it. */
export function stateOf(request: Pick<ApiRequest, "context">): RequestState {
  const state = request.context.cordon;
  if (state === undefined) throw new Error("the body-limit middleware must run first");
  return state;
}

export function matchOf(request: Pick<ApiRequest, "context">): RouteMatch {
  const match = stateOf(request).match;
  if (match === undefined) throw new Error("the routing middleware must run first");
  return match;
}
