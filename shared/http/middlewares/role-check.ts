/** Sixth check: the role a route needs (403). Admin is an operator's role and excludes the others. */
import { ForbiddenError } from "../../errors/errors.js";
import { hasRole } from "../../orgs/types.js";
import type { ApiMiddleware } from "../middleware.js";
import { matchOf, stateOf } from "../middleware.js";

const PARTICIPANT_ROLES = ["publish", "subscribe", "screen"] as const;

export function roleCheck(): ApiMiddleware {
  return {
    before: (request) => {
      const { route } = matchOf(request);
      if (route.auth !== "caller" || route.role === "none") return undefined;
      const caller = stateOf(request).caller;
      if (caller === undefined) throw new Error("the request-token middleware must run first");
      if (route.role === "any-role") {
        if (!PARTICIPANT_ROLES.some((role) => hasRole(caller, role))) {
          throw new ForbiddenError(
            "This route needs one of the roles publish, subscribe or screen.",
          );
        }
      } else if (!hasRole(caller, route.role)) {
        throw ForbiddenError.lacking(route.role);
      }
      return undefined;
    },
  };
}
