/**
 * The outermost middleware: every answer of the API — a route's JSON, a problem, or a
 * route that shapes its own text or binary answer (the log, TAXII, MISP) — leaves with
 * the security headers of {@link SECURITY_HEADERS} (`Cache-Control: no-store`, so no
 * browser or proxy keeps a bulletin, TLP:RED above all; `nosniff`). A route that sets
 * its own `Cache-Control` (the log's immutable tiles) keeps it.
 */
import type { ApiMiddleware, ApiRequest } from "../middleware.js";
import { SECURITY_HEADERS } from "../responses.js";

function withSecurityHeaders(request: ApiRequest): void {
  const response = request.response;
  if (response === null || response === undefined) return;
  const headers: Record<string, string> = { ...SECURITY_HEADERS };
  // A route's own header wins, whatever case it wrote the name in.
  for (const [name, value] of Object.entries(response.headers ?? {})) {
    delete headers[name.toLowerCase()];
    headers[name] = value;
  }
  response.headers = headers;
}

export function securityHeaders(): ApiMiddleware {
  return { after: withSecurityHeaders, onError: withSecurityHeaders };
}
