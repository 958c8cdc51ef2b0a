/** Reading one bulletin and revoking it (DESIGN §4, §9). Hidden and missing answer alike. */
import { ConflictError, ForbiddenError, NotFoundError } from "../errors/errors.js";
import { parseOrThrow } from "../errors/zod.js";
import type { HubDeps } from "../hub/deps.js";
import type { Organisation } from "../orgs/types.js";
import { advanceBulletin, outboxDue } from "./outbox.js";
import { RevokeBodySchema, UlidSchema } from "./schema.js";
import type { BulletinRecord, BulletinView } from "./types.js";
import { toBulletinView } from "./view.js";
import { isVisibleTo } from "./visibility.js";

/** The bulletin if the caller may see it; otherwise the same 404 as for no bulletin at all. */
export async function visibleBulletin(
  deps: Pick<HubDeps, "store">,
  caller: Organisation,
  id: string,
): Promise<BulletinRecord> {
  const record = UlidSchema.safeParse(id).success
    ? await deps.store.bulletins.getBulletin(id)
    : undefined;
  if (record === undefined || !isVisibleTo(record, caller)) throw new NotFoundError("bulletin");
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
): Promise<BulletinView> {
  const record = await visibleBulletin(deps, caller, id);
  if (record.issuer !== caller.id)
    throw new ForbiddenError("Only the publisher of a bulletin can revoke it.");
  const { reason } = parseOrThrow(RevokeBodySchema, body);
  if (record.status === "revoked") throw new ConflictError("This bulletin is already revoked.");
  const now = deps.clock.now();
  const revoked = await deps.store.bulletins.revokeBulletin(
    id,
    caller.id,
    { reason, revoked_at: now.toISOString() },
    outboxDue(now),
  );
  if (!revoked) throw new ConflictError("This bulletin is already revoked.");
  deps.metrics.count("BulletinsRevoked");
  await advanceBulletin(deps, id).catch((error: unknown) =>
    deps.logger.warn("a revocation waits for the sweeper", {
      bulletinId: id,
      error: String(error),
    }),
  );
  const updated = await deps.store.bulletins.getBulletin(id);
  if (updated === undefined) throw new Error(`bulletin ${id} vanished after its revocation`);
  return toBulletinView(updated, deps.clock.now());
}
