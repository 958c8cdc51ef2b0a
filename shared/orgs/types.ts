/**
 * Organisations: every partner of the hub, with its roles, groups and registered
 * public keys. Types here cross modules (store, http, bulletins), so they live in
 * one place.
 */
import type { RateOverrides } from "../ratelimits/types.js";
import type { PublicJwk } from "../signatures/types.js";

export const ORG_TYPES = [
  "exchange",
  "forensics",
  "central_bank",
  "fiu",
  "law_enforcement",
  "other",
] as const;
export type OrgType = (typeof ORG_TYPES)[number];

export const ROLES = ["publish", "subscribe", "screen", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const ORG_STATUSES = ["active", "suspended"] as const;
export type OrgStatus = (typeof ORG_STATUSES)[number];
export const KEY_STATUSES = ["active", "revoked"] as const;
export type KeyStatus = (typeof KEY_STATUSES)[number];

export interface OrgKey {
  jwk: PublicJwk;
  status: KeyStatus;
  created_at: string;
  revoked_at?: string;
}

/** The stored organisation. Keys live inside it so that authenticating a request is one read. */
export interface Organisation {
  id: string;
  name: string;
  type: OrgType;
  roles: Role[];
  groups: string[];
  status: OrgStatus;
  /** By kid. Revoked keys stay, so old bulletins stay verifiable. */
  keys: Record<string, OrgKey>;
  created_at: string;
  updated_at: string;
  /** Optimistic-concurrency counter, bumped by every update. */
  version: number;
  /** Rates the admin set for this organisation, by class; absent classes use the hub's (DESIGN §15). */
  rate_limits?: RateOverrides;
}

/** An organisation acting as the caller of a request. */
export type Caller = Organisation;

export function isAdmin(org: Pick<Organisation, "roles">): boolean {
  return org.roles.includes("admin");
}

export function hasRole(org: Pick<Organisation, "roles">, role: Role): boolean {
  return org.roles.includes(role);
}

export function activeKeys(org: Organisation): OrgKey[] {
  return Object.values(org.keys).filter((key) => key.status === "active");
}
