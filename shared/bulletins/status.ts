/** A bulletin's status as served: expiry is computed on read, never stored as a change. */
import type { BulletinMeta, BulletinStatus } from "./types.js";

export function effectiveStatus(
  bulletin: Pick<BulletinMeta, "status" | "valid_until">,
  now: Date,
): BulletinStatus {
  if (bulletin.status !== "active") return bulletin.status;
  if (bulletin.valid_until !== null && Date.parse(bulletin.valid_until) <= now.getTime())
    return "expired";
  return "active";
}
