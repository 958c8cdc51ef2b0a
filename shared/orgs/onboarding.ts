/**
 * Onboarding and key management (DESIGN §3): creating and changing organisations,
 * adding a key with proof of possession, revoking one. Every change to an
 * organisation is a versioned replace of its one item, retried on a lost race.
 */
import { ConflictError, NotFoundError, ValidationError } from "../errors/errors.js";
import type { Clock, HubDeps } from "../hub/deps.js";
import type { RateClass } from "../ratelimits/types.js";
import { SignatureError } from "../signatures/errors.js";
import { verifyKeyProof } from "../signatures/key-proof.js";
import type { PublicJwk } from "../signatures/types.js";
import type { OrgStore } from "../store/types.js";
import {
  type AddKeyBody,
  type CreateOrgBody,
  MAX_KEYS_PER_ORG,
  type PatchOrgBody,
} from "./schema.js";
import { activeKeys, isAdmin, type Organisation, type OrgKey } from "./types.js";

const MAX_UPDATE_TRIES = 5;

type Deps = Pick<HubDeps, "store" | "clock">;

export async function createOrganisation(deps: Deps, body: CreateOrgBody): Promise<Organisation> {
  const now = deps.clock.now().toISOString();
  const org: Organisation = {
    id: body.id,
    name: body.name,
    type: body.type,
    roles: body.roles,
    groups: body.groups,
    status: "active",
    keys: keysOf(body.jwks.keys, now),
    created_at: now,
    updated_at: now,
    version: 1,
  };
  if (!(await deps.store.orgs.createOrg(org)))
    throw new ConflictError("An organisation with this id exists.");
  return org;
}

export async function getOrganisation(orgs: OrgStore, id: string): Promise<Organisation> {
  const org = await orgs.getOrg(id);
  if (org === undefined) throw new NotFoundError("organisation");
  return org;
}

export async function patchOrganisation(
  deps: Deps,
  id: string,
  patch: PatchOrgBody,
): Promise<Organisation> {
  return updateOrganisation(deps, id, async (org) => {
    const next: Organisation = {
      ...org,
      name: patch.name ?? org.name,
      status: patch.status ?? org.status,
      roles: patch.roles ?? org.roles,
      groups: patch.groups ?? org.groups,
    };
    if (patch.rate_limits !== undefined) {
      const rates = { ...org.rate_limits };
      for (const [name, rate] of Object.entries(patch.rate_limits) as [RateClass, number | null][])
        if (rate === null) delete rates[name];
        else rates[name] = rate;
      next.rate_limits = rates;
    }
    const errors = [];
    if (isAdmin(next) && next.roles.length > 1)
      errors.push({ pointer: "/roles", message: "admin excludes every other role" });
    if (isAdmin(next) && next.groups.length > 0) {
      errors.push({ pointer: "/groups", message: "an admin organisation belongs to no group" });
    }
    if (errors.length > 0) throw new ValidationError(errors);
    const losesAdmin =
      isAdmin(org) && org.status === "active" && (!isAdmin(next) || next.status !== "active");
    if (losesAdmin && !(await anotherActiveAdmin(deps.store.orgs, org.id))) {
      throw new ConflictError("This is the last active admin organisation.");
    }
    return next;
  });
}

export async function addKey(
  deps: Deps,
  caller: Organisation,
  body: AddKeyBody,
): Promise<{ kid: string; status: "active"; created_at: string }> {
  const now = deps.clock.now();
  try {
    await verifyKeyProof(body.proof, { jwk: body.jwk, iss: caller.id, now });
  } catch (error) {
    if (!(error instanceof SignatureError)) throw error;
    const message =
      error.code === "ERR_PROOF_STALE"
        ? "The proof must be made within the last 5 minutes."
        : "The proof is not a valid signature of the new key over {iss, kid, iat}.";
    throw ValidationError.at("/proof", message);
  }
  const createdAt = now.toISOString();
  await updateOrganisation(deps, caller.id, async (org) => {
    if (org.keys[body.jwk.kid] !== undefined)
      throw new ConflictError("A key with this kid is registered.");
    if (Object.keys(org.keys).length >= MAX_KEYS_PER_ORG) {
      throw new ConflictError(
        `An organisation holds at most ${MAX_KEYS_PER_ORG} keys, revoked ones included.`,
      );
    }
    return {
      ...org,
      keys: {
        ...org.keys,
        [body.jwk.kid]: { jwk: body.jwk, status: "active", created_at: createdAt },
      },
    };
  });
  return { kid: body.jwk.kid, status: "active", created_at: createdAt };
}

/** Revokes a key at once: the next token signed with it is refused. Revoking a revoked key changes nothing. */
export async function revokeKey(deps: Deps, caller: Organisation, kid: string): Promise<void> {
  await updateOrganisation(deps, caller.id, async (org) => {
    const key = Object.hasOwn(org.keys, kid) ? org.keys[kid] : undefined;
    if (key === undefined) throw new NotFoundError("key");
    if (key.status === "revoked") return org;
    if (activeKeys(org).length <= 1)
      throw new ConflictError("An organisation cannot revoke its last active key.");
    const revoked: OrgKey = {
      ...key,
      status: "revoked",
      revoked_at: deps.clock.now().toISOString(),
    };
    return { ...org, keys: { ...org.keys, [kid]: revoked } };
  });
}

/**
 * Creates the hub's administrator organisation if it does not exist (first start of
 * the local hub, or the deploy-time CLI step on AWS). Answers whether it created it.
 */
export async function ensureAdminOrganisation(
  deps: { store: { orgs: OrgStore }; clock: Clock },
  id: string,
  jwk: PublicJwk,
): Promise<boolean> {
  if ((await deps.store.orgs.getOrg(id)) !== undefined) return false;
  const now = deps.clock.now().toISOString();
  return deps.store.orgs.createOrg({
    id,
    name: "Hub administrator",
    type: "other",
    roles: ["admin"],
    groups: [],
    status: "active",
    keys: keysOf([jwk], now),
    created_at: now,
    updated_at: now,
    version: 1,
  });
}

async function updateOrganisation(
  deps: Deps,
  id: string,
  change: (org: Organisation) => Promise<Organisation>,
): Promise<Organisation> {
  for (let attempt = 0; attempt < MAX_UPDATE_TRIES; attempt += 1) {
    const org = await getOrganisation(deps.store.orgs, id);
    const next = await change(org);
    if (next === org) return org;
    const saved = { ...next, version: org.version + 1, updated_at: deps.clock.now().toISOString() };
    if (await deps.store.orgs.saveOrg(saved, org.version)) return saved;
  }
  throw new ConflictError("The organisation changed while this request was applied; try again.");
}

async function anotherActiveAdmin(orgs: OrgStore, except: string): Promise<boolean> {
  return (await orgs.listOrgs()).some(
    (org) => org.id !== except && org.status === "active" && isAdmin(org),
  );
}

function keysOf(jwks: readonly PublicJwk[], createdAt: string): Record<string, OrgKey> {
  return Object.fromEntries(
    jwks.map((jwk) => [jwk.kid, { jwk, status: "active", created_at: createdAt }]),
  );
}
