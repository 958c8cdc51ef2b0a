/**
 * Onboarding and key management (DESIGN §3): creating and changing organisations,
 * adding a key with proof of possession, revoking one. Every change to an
 * organisation is a versioned replace of its one item, retried on a lost race.
 */
import { ConflictError, NotFoundError, ValidationError } from "../errors/errors.js";
import { parseOrThrow } from "../errors/zod.js";
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
  PatchOrgSchema,
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
  if (isActiveAdmin(org)) await deps.store.orgs.giveActiveAdmin();
  return org;
}

export async function getOrganisation(orgs: OrgStore, id: string): Promise<Organisation> {
  const org = await orgs.getOrg(id);
  if (org === undefined) throw new NotFoundError("organisation");
  return org;
}

/**
 * Changes an organisation (DESIGN §9). A missing one is 404 before its body is
 * validated. The last active admin organisation cannot lose its role or be suspended:
 * the count of active admins is taken down (conditionally) before such a change and
 * given back if the change does not land, so two quick demotions can never both pass.
 */
export async function patchOrganisation(
  deps: Deps,
  id: string,
  body: unknown,
): Promise<Organisation> {
  await getOrganisation(deps.store.orgs, id);
  const patch = parseOrThrow(PatchOrgSchema, body);
  for (let attempt = 0; attempt < MAX_UPDATE_TRIES; attempt += 1) {
    const org = await getOrganisation(deps.store.orgs, id);
    const next = patched(org, patch);
    const losing = isActiveAdmin(org) && !isActiveAdmin(next);
    const gaining = !isActiveAdmin(org) && isActiveAdmin(next);
    if (losing && !(await deps.store.orgs.takeActiveAdmin())) {
      throw new ConflictError("This is the last active admin organisation.");
    }
    const saved = { ...next, version: org.version + 1, updated_at: deps.clock.now().toISOString() };
    if (await deps.store.orgs.saveOrg(saved, org.version)) {
      if (gaining) await deps.store.orgs.giveActiveAdmin();
      return saved;
    }
    if (losing) await deps.store.orgs.giveActiveAdmin();
  }
  throw new ConflictError("The organisation changed while this request was applied; try again.");
}

function patched(org: Organisation, patch: PatchOrgBody): Organisation {
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
  return next;
}

/** Counts the active admin organisations (when nothing else runs: a local hub's start). */
export async function recountActiveAdmins(orgs: OrgStore): Promise<number> {
  const count = (await orgs.listOrgs()).filter(isActiveAdmin).length;
  await orgs.recountActiveAdmins(count);
  return count;
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
  const created = await deps.store.orgs.createOrg({
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
  if (created) await deps.store.orgs.giveActiveAdmin();
  return created;
}

/**
 * Recovery from a lost administrator key: registers `jwk` for the administrator
 * organisation `id` and revokes its other keys, since the lost one may be in someone
 * else's hands. Only the hub's operator reaches this: the local hub applies a file
 * from its data folder at start, and on AWS the operator's own credentials write the
 * table (`cordon admin recover`); no HTTP route does. Creates the organisation if it
 * does not exist.
 */
export async function recoverAdminKey(
  deps: Deps,
  id: string,
  jwk: PublicJwk,
): Promise<{ created: boolean; revoked: string[] }> {
  if (await ensureAdminOrganisation(deps, id, jwk)) return { created: true, revoked: [] };
  const revoked: string[] = [];
  const now = deps.clock.now().toISOString();
  await updateOrganisation(deps, id, async (org) => {
    if (!isAdmin(org)) throw new ConflictError(`${id} is not an administrator organisation.`);
    const same = org.keys[jwk.kid];
    if (same !== undefined && JSON.stringify(same.jwk) !== JSON.stringify(jwk)) {
      throw new ConflictError("Another key with this kid is registered.");
    }
    revoked.length = 0;
    const keys: Record<string, OrgKey> = {};
    for (const [kid, key] of Object.entries(org.keys)) {
      if (kid === jwk.kid || key.status === "revoked") keys[kid] = key;
      else {
        keys[kid] = { ...key, status: "revoked", revoked_at: now };
        revoked.push(kid);
      }
    }
    keys[jwk.kid] = { jwk, status: "active", created_at: org.keys[jwk.kid]?.created_at ?? now };
    if (Object.keys(keys).length > MAX_KEYS_PER_ORG) {
      throw new ConflictError(
        `${id} holds ${MAX_KEYS_PER_ORG} keys already, revoked ones included.`,
      );
    }
    return { ...org, status: "active", keys };
  });
  return { created: false, revoked };
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

function isActiveAdmin(org: Organisation): boolean {
  return org.status === "active" && isAdmin(org);
}

function keysOf(jwks: readonly PublicJwk[], createdAt: string): Record<string, OrgKey> {
  return Object.fromEntries(
    jwks.map((jwk) => [jwk.kid, { jwk, status: "active", created_at: createdAt }]),
  );
}
