/** Routes of feed tokens (DESIGN §11): signed requests only. Thin: parse, call, shape. */
import { createFeedToken, listFeedTokens, revokeFeedToken } from "../../feed-tokens/manage.js";
import {
  CreatedFeedTokenSchema,
  CreateFeedTokenSchema,
  FeedTokenListSchema,
} from "../../feed-tokens/schema.js";
import type { HubDeps } from "../../hub/deps.js";
import type { Route } from "../route.js";

export function feedTokenRoutes(deps: HubDeps): Route[] {
  return [
    {
      method: "POST",
      path: "/v1/feed-tokens",
      doc: {
        summary: "Create a feed token for TAXII and MISP clients (shown once)",
        description:
          "Any active organisation but the operator; at most 10 live tokens (409 for the 11th). " +
          "The token sees what the organisation sees up to TLP:AMBER, on /taxii2/*, /misp/* and /v1/log/*.",
        request: CreateFeedTokenSchema,
        responses: { 201: CreatedFeedTokenSchema },
      },
      auth: "caller",
      role: "none",
      body: "json",
      rateClass: "read",
      handle: async ({ caller, body }) => ({
        status: 201,
        body: await createFeedToken(deps, caller, body),
      }),
    },
    {
      method: "GET",
      path: "/v1/feed-tokens",
      doc: {
        summary: "The caller's feed tokens, without the tokens themselves",
        responses: { 200: FeedTokenListSchema },
      },
      auth: "caller",
      role: "none",
      body: "none",
      rateClass: "read",
      handle: async ({ caller }) => ({ status: 200, body: await listFeedTokens(deps, caller) }),
    },
    {
      method: "DELETE",
      path: "/v1/feed-tokens/{id}",
      doc: {
        summary: "Revoke a feed token: refused from the next request on",
        responses: { 204: undefined },
      },
      auth: "caller",
      role: "none",
      body: "none",
      rateClass: "read",
      handle: async ({ caller, param }) => {
        await revokeFeedToken(deps, caller, param("id"));
        return { status: 204 };
      },
    },
  ];
}
