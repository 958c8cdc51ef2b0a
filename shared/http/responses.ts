/** Turning a route's answer into the HTTP result API Gateway expects. */
import type { HttpResult } from "./event.js";
import type { RouteResponse } from "./route.js";

/** Sent with every answer: nothing here is for caches or for sniffing as HTML. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
};

export function toHttpResult(response: RouteResponse): HttpResult {
  const headers: Record<string, string> = { ...SECURITY_HEADERS, ...response.headers };
  if (response.text !== undefined) {
    return { statusCode: response.status, headers, body: response.text };
  }
  if (response.body === undefined) return { statusCode: response.status, headers };
  return {
    statusCode: response.status,
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(response.body),
  };
}
