/**
 * Route definitions and matching. A route says what it needs (a caller, a role, a
 * JSON body) so that the middlewares can check it in the order DESIGN §9 fixes,
 * before any route code runs.
 */
import type { z } from "zod";
import { MethodNotAllowedError, RouteNotFoundError } from "../errors/errors.js";
import type { Credential } from "../feed-tokens/types.js";
import type { Organisation, Role } from "../orgs/types.js";
import type { RateClass } from "../ratelimits/types.js";

export type HttpMethod = "GET" | "POST" | "PATCH" | "DELETE";

export interface RouteResponse {
  status: number;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as it is instead (text as UTF-8), under the `content-type` of `headers`. */
  raw?: string | Uint8Array;
  headers?: Record<string, string>;
}

export interface PublicRequest {
  /** A path parameter of the route's template (`{id}` → `param("id")`). */
  param(name: string): string;
  query: URLSearchParams;
  /** A request header by its lower-case name. */
  header(name: string): string | undefined;
}

export interface CallerRequest extends PublicRequest {
  caller: Organisation;
  /** The parsed JSON body, for routes that take one. */
  body: unknown;
  /** A signed request token, or a feed token on the routes that accept one. */
  credential: Credential;
}

/** Which role a route needs: one role, at least one of the participant roles, or none. */
export type RoleRequirement = Role | "any-role" | "none";

/** What the OpenAPI document says of a route; the schemas are the ones the route parses with. */
export interface RouteDoc {
  summary: string;
  description?: string;
  request?: z.ZodType;
  /** Success answers: status → body schema (undefined: no body). */
  responses: Record<number, z.ZodType | undefined>;
  query?: { name: string; description: string }[];
  /** The success answers' media type when it is not JSON (`raw` answers). */
  mediaType?: string;
}

interface RouteBase {
  method: HttpMethod;
  /**
   * With `{name}` placeholders for one path segment each, and at its end perhaps one
   * `{name+}` for the rest of the path (one or more segments).
   */
  path: string;
  doc: RouteDoc;
}

export interface PublicRoute extends RouteBase {
  auth: "public";
  handle(request: PublicRequest): Promise<RouteResponse>;
}

export interface CallerRoute extends RouteBase {
  auth: "caller";
  role: RoleRequirement;
  body: "json" | "none";
  /**
   * `accepted`: a feed token (DESIGN §11) authenticates the request as well as a signed
   * request token — the read-only routes of TAXII, the MISP feed and the log.
   */
  feedTokens?: "accepted";
  /** The bucket a request takes from (DESIGN §15), before its token is spent. */
  rateClass: RateClass;
  handle(request: CallerRequest): Promise<RouteResponse>;
}

export type Route = PublicRoute | CallerRoute;

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

interface CompiledPath {
  pattern: RegExp;
  names: string[];
  routes: Map<string, Route>;
}

export class Router {
  private readonly paths: CompiledPath[] = [];

  constructor(readonly routes: readonly Route[]) {
    for (const route of routes) {
      let compiled = this.paths.find(
        (p) => p.pattern.source === compile(route.path).pattern.source,
      );
      if (compiled === undefined) {
        compiled = { ...compile(route.path), routes: new Map() };
        this.paths.push(compiled);
      }
      if (compiled.routes.has(route.method))
        throw new Error(`duplicate route ${route.method} ${route.path}`);
      compiled.routes.set(route.method, route);
    }
  }

  /** Throws 404 for an unknown path, 405 (with Allow) for a known path and another method. */
  match(method: string, rawPath: string): RouteMatch {
    for (const path of this.paths) {
      const found = path.pattern.exec(rawPath);
      if (found === null) continue;
      const route = path.routes.get(method.toUpperCase());
      if (route === undefined) throw new MethodNotAllowedError([...path.routes.keys()]);
      const params: Record<string, string> = {};
      path.names.forEach((name, i) => {
        params[name] = found[i + 1] ?? "";
      });
      return { route, params };
    }
    throw new RouteNotFoundError();
  }
}

/**
 * What a `{name}` placeholder matches: one segment of URL-unreserved characters
 * (RFC 3986 §2.3), never the dot segments `.` and `..`. Every id the API hands out is
 * made of these, so the path a caller signs (`htu`) is the path the hub sees, however a
 * gateway decodes it (DESIGN §3); any other segment is no route, a 404 before the token.
 */
const PARAMETER_SEGMENT = "(?!\\.\\.?(?:/|$))([A-Za-z0-9._~-]+)";

/** What a greedy `{name+}` placeholder, the path's last, matches: such segments, one or more. */
const GREEDY_PARAMETER =
  "((?!\\.\\.?(?:/|$))[A-Za-z0-9._~-]+(?:/(?!\\.\\.?(?:/|$))[A-Za-z0-9._~-]+)*)";

function compile(path: string): { pattern: RegExp; names: string[] } {
  const names: string[] = [];
  const segments = path.split("/");
  const source = segments
    .map((segment, i) => {
      const placeholder = /^\{(\w+)(\+?)\}$/.exec(segment);
      if (placeholder?.[1] !== undefined) {
        names.push(placeholder[1]);
        if (placeholder[2] === "") return PARAMETER_SEGMENT;
        if (i !== segments.length - 1) throw new Error(`{${placeholder[1]}+} must end ${path}`);
        return GREEDY_PARAMETER;
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("/");
  return { pattern: new RegExp(`^${source}$`), names };
}
