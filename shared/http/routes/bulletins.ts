/** Routes of bulletins, screening and sightings (DESIGN §4, §5, §9). Thin: parse, call, shape. */
import { FEED_DEFAULT_LIMIT, FEED_MAX_LIMIT, readFeedPage } from "../../bulletins/feed.js";
import { getBulletinView, revokeBulletin } from "../../bulletins/lifecycle.js";
import { publishBulletin } from "../../bulletins/publish.js";
import { PublishBodySchema } from "../../bulletins/schema.js";
import { screen } from "../../bulletins/screening.js";
import { parseOrThrow } from "../../errors/zod.js";
import type { HubDeps } from "../../hub/deps.js";
import { listSightings, reportSighting } from "../../sightings/report.js";
import { limitParam, singleParam } from "../query.js";
import type { Route } from "../route.js";

export function bulletinRoutes(deps: HubDeps): Route[] {
  return [
    {
      method: "POST",
      path: "/v1/bulletins",
      auth: "caller",
      role: "publish",
      body: "json",
      handle: async ({ caller, body }) => {
        const { jws } = parseOrThrow(PublishBodySchema, body);
        const outcome = await publishBulletin(deps, caller, jws);
        return { status: outcome.created ? 201 : 200, body: outcome.receipt };
      },
    },
    {
      method: "GET",
      path: "/v1/bulletins",
      auth: "caller",
      role: "none",
      body: "none",
      handle: async ({ caller, query }) => {
        const limit = limitParam(query, { default: FEED_DEFAULT_LIMIT, max: FEED_MAX_LIMIT });
        return {
          status: 200,
          body: await readFeedPage(deps, caller, singleParam(query, "cursor"), limit),
        };
      },
    },
    {
      method: "GET",
      path: "/v1/bulletins/{id}",
      auth: "caller",
      role: "none",
      body: "none",
      handle: async ({ caller, param }) => ({
        status: 200,
        body: await getBulletinView(deps, caller, param("id")),
      }),
    },
    {
      method: "POST",
      path: "/v1/bulletins/{id}/revoke",
      auth: "caller",
      role: "publish",
      body: "json",
      handle: async ({ caller, param, body }) => ({
        status: 200,
        body: await revokeBulletin(deps, caller, param("id"), body),
      }),
    },
    {
      method: "GET",
      path: "/v1/bulletins/{id}/sightings",
      auth: "caller",
      role: "none",
      body: "none",
      handle: async ({ caller, param, query }) => {
        const limit = limitParam(query, { default: 50, max: 100 });
        return {
          status: 200,
          body: await listSightings(deps, caller, param("id"), limit, singleParam(query, "cursor")),
        };
      },
    },
    {
      method: "POST",
      path: "/v1/screen",
      auth: "caller",
      role: "screen",
      body: "json",
      handle: async ({ caller, body }) => ({ status: 200, body: await screen(deps, caller, body) }),
    },
    {
      method: "POST",
      path: "/v1/sightings",
      auth: "caller",
      role: "any-role",
      body: "json",
      handle: async ({ caller, body }) => ({
        status: 201,
        body: await reportSighting(deps, caller, body),
      }),
    },
  ];
}
