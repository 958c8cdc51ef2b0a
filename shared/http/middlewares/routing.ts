/** Second check: an unknown path is a 404 and a known path with another method a 405, before any token is read. */
import type { ApiMiddleware } from "../middleware.js";
import { stateOf } from "../middleware.js";
import type { Router } from "../route.js";

export function routing(router: Router): ApiMiddleware {
  return {
    before: (request) => {
      stateOf(request).match = router.match(
        request.event.requestContext.http.method,
        request.event.rawPath,
      );
      return undefined;
    },
  };
}
