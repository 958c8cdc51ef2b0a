/**
 * Reading one bulletin and revoking it (DESIGN §4, §9, §10). Hidden and missing answer
 * alike, and cost alike: visibility is decided on a small projection, and only a
 * bulletin the caller may see is then read in full.
 */

import type { BulletinAccess } from "../changes/port.js";
import { advance, outboxDue } from "../changes/protocol.js";
import { changeOf } from "../changes/types.js";
import { ConflictError, ForbiddenError, NotFoundError } from "../errors/errors.js";
import { parseOrThrow } from "../errors/zod.js";
import type { HubDeps } from "../hub/deps.js";
import type { Organisation } from "../orgs/types.js";
import { RevokeBodySchema, UlidSchema } from "./schema.js";
import type { BulletinRecord, BulletinView } from "./types.js";
import { toBulletinView } from "./view.js";
import { isVisibleTo } from "./visibility.js";
import type { RevokedBulletin } from "./wire.js";

/** What decides visibility, if the caller may see the bulletin; otherwise the same 404 as for none. */
export async function visibleAccess(
  deps: Pick<HubDeps, "store">,
  caller: Organisation,
  id: string,
): Promise<BulletinAccess> {
  const access = UlidSchema.safeParse(id).success
    ? await deps.store.changes.bulletinAccess(id)
    : undefined;
  if (access === undefined || !isVisibleTo(access, caller)) throw new NotFoundError("bulletin");
  return access;
}

/** The bulletin if the caller may see it; otherwise the same 404 as for no bulletin at all. */
export async function visibleBulletin(
  deps: Pick<HubDeps, "store">,
  caller: Organisation,
  id: string,
): Promise<BulletinRecord> {
  await visibleAccess(deps, caller, id);
  const record = await deps.store.changes.bulletin(id);
  if (record === undefined) throw new NotFoundError("bulletin");
  return record;
}

export async function getBulletinView(
  deps: HubDeps,
  caller: Organisation,
  id: string,
): Promise<BulletinView> {
  return toBulletinView(await visibleBulletin(deps, caller, id), deps.clock.now());
}

export async function revokeBulletin(
  deps: HubDeps,
  caller: Organisation,
  id: string,
  body: unknown,
): Promise<RevokedBulletin> {
  const access = await visibleAccess(deps, caller, id);
  if (access.issuer !== caller.id)
    throw new ForbiddenError("Only the publisher of a bulletin can revoke it.");
  const { reason } = parseOrThrow(RevokeBodySchema, body);
  const now = deps.clock.now();
  const revoked = await deps.store.changes.commitRevocation(
    id,
    caller.id,
    { reason, revoked_at: now.toISOString() },
    outboxDue(now),
  );
  if (!revoked) throw new ConflictError("This bulletin is already revoked.");
  deps.metrics.count("BulletinsRevoked");
  const advanced = await advance(deps, id).catch((error: unknown) => {
    deps.logger.warn("a revocation waits for the sweeper", {
      bulletinId: id,
      error: String(error),
    });
    return undefined;
  });
  const updated = advanced ?? (await deps.store.changes.bulletin(id));
  if (updated === undefined) throw new Error(`bulletin ${id} vanished after its revocation`);
  return {
    ...toBulletinView(updated, deps.clock.now()),
    change: changeOf("revoked", updated.changes.revoked) ?? null,
  };
}
