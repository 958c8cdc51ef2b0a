/** The wire shapes of an organisation (DESIGN §9: `GET /v1/me` and the admin routes). */

import * as z from "zod";
import { RATE_CLASSES, RateSchema } from "../ratelimits/types.js";
import type { PublicJwk } from "../signatures/types.js";
import {
  KEY_STATUSES,
  type KeyStatus,
  ORG_STATUSES,
  ORG_TYPES,
  type Organisation,
  ROLES,
} from "./types.js";

export const OrgViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    type: z.enum(ORG_TYPES),
    roles: z.array(z.enum(ROLES)),
    groups: z.array(z.string()),
    status: z.enum(ORG_STATUSES),
    keys: z.array(
      z.object({
        kid: z.string(),
        status: z.enum(KEY_STATUSES),
        created_at: z.string(),
        revoked_at: z.string().optional().describe("when the key was revoked (revoked keys only)"),
      }),
    ),
  })
  .meta({ id: "Organisation" });
export type OrgView = z.infer<typeof OrgViewSchema>;

/**
 * What the admin routes answer: the organisation as `GET /v1/me` shows it, plus the
 * rates the admin set for it (DESIGN §15; `{}` when it has the hub's).
 */
export const AdminOrgViewSchema = OrgViewSchema.extend({
  rate_limits: z.partialRecord(z.enum(RATE_CLASSES), RateSchema),
}).meta({ id: "AdminOrganisation" });
export type AdminOrgView = z.infer<typeof AdminOrgViewSchema>;

export const AddedKeySchema = z
  .object({ kid: z.string(), status: z.literal("active"), created_at: z.string() })
  .meta({ id: "AddedKey" });

/** `GET /v1/orgs/{id}/jwks`: public JWKs with their status; revoked ones stay. */
export const OrgJwksSchema = z
  .object({
    keys: z.array(
      z.looseObject({
        kid: z.string(),
        kty: z.string(),
        status: z.enum(KEY_STATUSES),
        created_at: z.string(),
        revoked_at: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: "OrganisationJwks" });

export function toOrgView(org: Organisation): OrgView {
  return {
    id: org.id,
    name: org.name,
    type: org.type,
    roles: [...org.roles],
    groups: [...org.groups],
    status: org.status,
    keys: sortedKeys(org).map(([kid, key]) => ({
      kid,
      status: key.status,
      created_at: key.created_at,
      ...(key.revoked_at === undefined ? {} : { revoked_at: key.revoked_at }),
    })),
  };
}

/** `GET /v1/admin/orgs`: every organisation, by id. */
export const OrgListSchema = z
  .object({ items: z.array(AdminOrgViewSchema) })
  .meta({ id: "OrganisationList" });

export function toAdminOrgView(org: Organisation): AdminOrgView {
  return { ...toOrgView(org), rate_limits: { ...org.rate_limits } };
}

export interface PublishedKey extends Record<string, unknown> {
  kid: string;
  status: KeyStatus;
  created_at: string;
  revoked_at: string | null;
}

/** `GET /v1/orgs/{id}/jwks`: every key, revoked ones included, so old bulletins stay verifiable. */
export function toOrgJwks(org: Organisation): { keys: (PublicJwk & PublishedKey)[] } {
  return {
    keys: sortedKeys(org).map(([kid, key]) => ({
      ...key.jwk,
      kid,
      status: key.status,
      created_at: key.created_at,
      revoked_at: key.revoked_at ?? null,
    })),
  };
}

function sortedKeys(org: Organisation) {
  return Object.entries(org.keys).sort(
    ([a, ka], [b, kb]) => ka.created_at.localeCompare(kb.created_at) || a.localeCompare(b),
  );
}
