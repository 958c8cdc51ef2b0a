/**
 * The one visibility rule (DESIGN §4), used by every surface: get, feed, screening,
 * sightings, fan-out and any later export. Keep it the only place this is decided.
 */
import type { Organisation } from "../orgs/types.js";
import { isAdmin } from "../orgs/types.js";
import type { BulletinMeta } from "./types.js";

export type Viewer = Pick<Organisation, "id" | "roles">;

export function isVisibleTo(
  bulletin: Pick<BulletinMeta, "issuer" | "tlp" | "recipients">,
  viewer: Viewer,
): boolean {
  // An operator holds no other role and sees no bulletin, not even a TLP:CLEAR one.
  if (isAdmin(viewer)) return false;
  if (bulletin.issuer === viewer.id) return true;
  if (bulletin.tlp === "clear" || bulletin.tlp === "green") return true;
  return bulletin.recipients.includes(viewer.id);
}

/**
 * The most a reader of the export routes (TAXII, the MISP feed) receives: a feed
 * token stops at TLP:AMBER, a signed request at TLP:AMBER+STRICT (DESIGN §11).
 */
export type ExportCeiling = "amber" | "amber+strict";

/**
 * The rule of the export routes: what the viewer sees, but TLP:RED never (a red
 * bulletin is read by direct GET only), and TLP:AMBER+STRICT not through a feed token.
 */
export function isExportedTo(
  bulletin: Pick<BulletinMeta, "issuer" | "tlp" | "recipients">,
  viewer: Viewer,
  ceiling: ExportCeiling,
): boolean {
  if (bulletin.tlp === "red") return false;
  if (bulletin.tlp === "amber+strict" && ceiling !== "amber+strict") return false;
  return isVisibleTo(bulletin, viewer);
}
