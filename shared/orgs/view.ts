/** The wire shapes of an organisation (DESIGN §9: `GET /v1/me` and the admin routes). */
import type { PublicJwk } from "../signatures/types.js";
import type { KeyStatus, Organisation } from "./types.js";

export interface OrgView {
  id: string;
  name: string;
  type: string;
  roles: string[];
  groups: string[];
  status: string;
  keys: { kid: string; status: KeyStatus; created_at: string }[];
}

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
    })),
  };
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
