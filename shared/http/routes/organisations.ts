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
import {
  AddedKeySchema,
  AdminOrgViewSchema,
  OrgJwksSchema,
  OrgListSchema,
  OrgViewSchema,
  toAdminOrgView,
  toOrgJwks,
  toOrgView,
} from "../../orgs/view.js";
import { hubJwks } from "../../signatures/hub-keys.js";
import type { Route } from "../route.js";
import { HealthSchema, JwksSchema } from "../wire.js";

export function organisationRoutes(deps: HubDeps): Route[] {
  return [
    {
      method: "GET",
      path: "/health",
      doc: { summary: "Health: 200 once the hub can serve", responses: { 200: HealthSchema } },
      auth: "public",
      handle: async () => ({ status: 200, body: { status: "ok" } }),
    },
    {
      method: "GET",
      path: "/.well-known/jwks.json",
      doc: {
        summary: "The hub's public keys (receipts, webhook v1a signatures)",
        responses: { 200: JwksSchema },
      },
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
      doc: {
        summary: "Onboard an organisation (admin)",
        request: CreateOrgSchema,
        responses: { 201: AdminOrgViewSchema },
      },
      auth: "caller",
      role: "admin",
      body: "json",
      rateClass: "read",
      handle: async ({ body }) => {
        const org = await createOrganisation(deps, parseOrThrow(CreateOrgSchema, body));
        return { status: 201, body: toAdminOrgView(org) };
      },
    },
    {
      method: "GET",
      path: "/v1/admin/orgs",
      doc: { summary: "List every organisation, by id (admin)", responses: { 200: OrgListSchema } },
      auth: "caller",
      role: "admin",
      body: "none",
      rateClass: "read",
      handle: async () => {
        const orgs = await deps.store.orgs.listOrgs();
        const items = orgs
          .map(toAdminOrgView)
          .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        return { status: 200, body: { items } };
      },
    },
    {
      method: "GET",
      path: "/v1/admin/orgs/{id}",
      doc: { summary: "Read an organisation (admin)", responses: { 200: AdminOrgViewSchema } },
      auth: "caller",
      role: "admin",
      body: "none",
      rateClass: "read",
      handle: async ({ param }) => ({
        status: 200,
        body: toAdminOrgView(await getOrganisation(deps.store.orgs, param("id"))),
      }),
    },
    {
      method: "PATCH",
      path: "/v1/admin/orgs/{id}",
      doc: {
        summary:
          "Suspend or reactivate an organisation, change its roles, groups, name or rate limits (admin)",
        request: PatchOrgSchema,
        responses: { 200: AdminOrgViewSchema },
      },
      auth: "caller",
      role: "admin",
      body: "json",
      rateClass: "read",
      handle: async ({ param, body }) => ({
        status: 200,
        body: toAdminOrgView(await patchOrganisation(deps, param("id"), body)),
      }),
    },
    {
      method: "GET",
      path: "/v1/me",
      doc: { summary: "The caller's organisation", responses: { 200: OrgViewSchema } },
      auth: "caller",
      role: "none",
      body: "none",
      rateClass: "read",
      handle: async ({ caller }) => ({ status: 200, body: toOrgView(caller) }),
    },
    {
      method: "POST",
      path: "/v1/keys",
      doc: {
        summary:
          "Add a key, with a proof made by that key (typ cordon-key-proof+jws over {iss, kid, iat})",
        request: AddKeySchema,
        responses: { 201: AddedKeySchema },
      },
      auth: "caller",
      role: "none",
      body: "json",
      rateClass: "read",
      handle: async ({ caller, body }) => ({
        status: 201,
        body: await addKey(deps, caller, parseOrThrow(AddKeySchema, body)),
      }),
    },
    {
      method: "DELETE",
      path: "/v1/keys/{kid}",
      doc: { summary: "Revoke one of the caller's keys, at once", responses: { 204: undefined } },
      auth: "caller",
      role: "none",
      body: "none",
      rateClass: "read",
      handle: async ({ caller, param }) => {
        await revokeKey(deps, caller, param("kid"));
        return { status: 204 };
      },
    },
    {
      method: "GET",
      path: "/v1/orgs/{id}/jwks",
      doc: {
        summary: "An organisation's public keys, revoked ones included",
        responses: { 200: OrgJwksSchema },
      },
      auth: "caller",
      role: "none",
      body: "none",
      rateClass: "read",
      handle: async ({ param }) => ({
        status: 200,
        body: toOrgJwks(await getOrganisation(deps.store.orgs, param("id"))),
      }),
    },
  ];
}
