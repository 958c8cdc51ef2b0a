/**
 * Errors on /taxii2/ paths are TAXII error messages (TAXII 2.1 §3.6.1) —
 * `{title, description, error_code, http_status}` as `application/taxii+json;version=2.1`
 * — not problem+json: a TAXII client reads those. Runs after problem-responses.ts has
 * made the answer (middy runs `onError` in reverse), keeping its status and headers
 * (`WWW-Authenticate`, `Allow`, `Date`).
 */
import { TAXII_MEDIA_TYPE, TAXII_PREFIX } from "../../taxii/collection.js";
import type { TaxiiError } from "../../taxii/wire.js";
import type { ApiMiddleware } from "../middleware.js";

export function taxiiErrors(): ApiMiddleware {
  return {
    onError: (request) => {
      const path = request.event.rawPath;
      const response = request.response;
      if (response === null || response === undefined || response.body === undefined) return;
      if (path !== TAXII_PREFIX && !path.startsWith(`${TAXII_PREFIX}/`)) return;
      const problem = JSON.parse(response.body) as {
        title: string;
        detail: string;
        status: number;
        code?: string;
        type: string;
      };
      const error: TaxiiError = {
        title: problem.title,
        description: problem.detail,
        error_code: problem.code ?? problem.type.slice(problem.type.lastIndexOf("/") + 1),
        http_status: String(problem.status),
      };
      request.response = {
        ...response,
        headers: { ...response.headers, "content-type": TAXII_MEDIA_TYPE },
        body: JSON.stringify(error),
      };
    },
  };
}
