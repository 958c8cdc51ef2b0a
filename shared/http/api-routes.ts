/** Every route of the API (DESIGN §3–§6, §11–§14), one list, one router. */
import type { HubDeps } from "../hub/deps.js";
import { Router } from "./route.js";
import { bulletinRoutes } from "./routes/bulletins.js";
import { feedTokenRoutes } from "./routes/feed-tokens.js";
import { logRoutes } from "./routes/log.js";
import { mispRoutes } from "./routes/misp.js";
import { organisationRoutes } from "./routes/organisations.js";
import { stixRoutes } from "./routes/stix.js";
import { subscriptionRoutes } from "./routes/subscriptions.js";
import { taxiiRoutes } from "./routes/taxii.js";

export function apiRouter(deps: HubDeps): Router {
  return new Router([
    ...organisationRoutes(deps),
    ...bulletinRoutes(deps),
    ...subscriptionRoutes(deps),
    ...logRoutes(deps),
    ...feedTokenRoutes(deps),
    ...taxiiRoutes(deps),
    ...mispRoutes(deps),
    ...stixRoutes(deps),
  ]);
}
