/** Routes of onboarding, keys and the hub's own identity (DESIGN §3, §9). Thin: parse, call, shape. */
import { parseOrThrow } from "../../errors/zod.js";
import type { HubDeps } from "../../hub/deps.js";
import {
  addKey,
  createOrganisation,
  getOrganisation,
  patchOrganisation,
  revokeKey,
} from "../../orgs/onboarding.js";
import { AddKeySchema, CreateOrgSchema, PatchOrgSchema } from "../../orgs/schema.js";
import { toOrgJwks, toOrgView } from "../../orgs/view.js";
import { hubJwks } from "../../signatures/hub-keys.js";
import type { Route } from "../route.js";

export function organisationRoutes(deps: HubDeps): Route[] {
  return [
    {
      method: "GET",
      path: "/health",
      auth: "public",
      handle: async () => ({ status: 200, body: { status: "ok" } }),
    },
    {
      method: "GET",
      path: "/.well-known/jwks.json",
      auth: "public",
      handle: async () => ({
        status: 200,
        body: hubJwks(deps.hubKeys),
        headers: { "cache-control": "max-age=300" },
      }),
    },
    {
      method: "POST",
      path: "/v1/admin/orgs",
      auth: "caller",
      role: "admin",
      body: "json",
      handle: async ({ body }) => {
        const org = await createOrganisation(deps, parseOrThrow(CreateOrgSchema, body));
        return { status: 201, body: toOrgView(org) };
      },
    },
    {
      method: "GET",
      path: "/v1/admin/orgs/{id}",
      auth: "caller",
      role: "admin",
      body: "none",
      handle: async ({ param }) => ({
        status: 200,
        body: toOrgView(await getOrganisation(deps.store.orgs, param("id"))),
      }),
    },
    {
      method: "PATCH",
      path: "/v1/admin/orgs/{id}",
      auth: "caller",
      role: "admin",
      body: "json",
      handle: async ({ param, body }) => {
        const patch = parseOrThrow(PatchOrgSchema, body);
        return { status: 200, body: toOrgView(await patchOrganisation(deps, param("id"), patch)) };
      },
    },
    {
      method: "GET",
      path: "/v1/me",
      auth: "caller",
      role: "none",
      body: "none",
      handle: async ({ caller }) => ({ status: 200, body: toOrgView(caller) }),
    },
    {
      method: "POST",
      path: "/v1/keys",
      auth: "caller",
      role: "none",
      body: "json",
      handle: async ({ caller, body }) => ({
        status: 201,
        body: await addKey(deps, caller, parseOrThrow(AddKeySchema, body)),
      }),
    },
    {
      method: "DELETE",
      path: "/v1/keys/{kid}",
      auth: "caller",
      role: "none",
      body: "none",
      handle: async ({ caller, param }) => {
        await revokeKey(deps, caller, param("kid"));
        return { status: 204 };
      },
    },
    {
      method: "GET",
      path: "/v1/orgs/{id}/jwks",
      auth: "caller",
      role: "none",
      body: "none",
      handle: async ({ param }) => ({
        status: 200,
        body: toOrgJwks(await getOrganisation(deps.store.orgs, param("id"))),
      }),
    },
  ];
}
