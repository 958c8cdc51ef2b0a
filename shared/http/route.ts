/**
 * Route definitions and matching. A route says what it needs (a caller, a role, a
 * JSON body) so that the middlewares can check it in the order DESIGN §9 fixes,
 * before any route code runs.
 */
import type { z } from "zod";
import { MethodNotAllowedError, RouteNotFoundError } from "../errors/errors.js";
import type { Credential } from "../feed-tokens/types.js";
import type { Organisation, Role } from "../orgs/types.js";

export type HttpMethod = "GET" | "POST" | "PATCH" | "DELETE";

export interface RouteResponse {
  status: number;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as it is, with the `content-type` the route sets in `headers` (CSV, text). */
  text?: string;
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
  /** The success answers' media type, when it is not application/json. */
  mediaType?: string;
}

interface RouteBase {
  method: HttpMethod;
  /** With `{name}` placeholders for one path segment each. */
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
  /** The rate-limit class (DESIGN §15) a request on this route counts in. */
  rateClass?: "publish" | "screen" | "read" | "feed-token";
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

function compile(path: string): { pattern: RegExp; names: string[] } {
  const names: string[] = [];
  const source = path
    .split("/")
    .map((segment) => {
      const placeholder = /^\{(\w+)\}$/.exec(segment);
      if (placeholder?.[1] !== undefined) {
        names.push(placeholder[1]);
        return "([^/]+)";
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("/");
  return { pattern: new RegExp(`^${source}$`), names };
}
