/**
 * The mirror (DESIGN §17), Node only: it keeps a SQLite file through better-sqlite3,
 * so it is its own entry, apart from the SDK's browser-safe core.
 *
 *   import { openMirror } from "cordon/cli/sdk/mirror/index.js";
 *   const mirror = openMirror({ path: "cordon-mirror.sqlite", client });
 *   await mirror.sync();
 *   const { results } = mirror.screen([{ type: "crypto_address", chain: "tron", address }]);
 */
export { MirrorError, type MirrorErrorCode, type SetAsideCode } from "./errors.js";
export { ClientKeySource, type KeyNeed, type KeySource } from "./keys.js";
export {
  type FollowOptions,
  Mirror,
  type MirrorOptions,
  type OpenMirrorOptions,
  openMirror,
  type PageReport,
} from "./mirror.js";
export {
  type LoggedChange,
  MIGRATIONS,
  MIRROR_SCHEMA_VERSION,
  type Migration,
  type MirrorStore,
  openMirrorStore,
} from "./store.js";
export type { HeldBulletin, MirrorStatus, SetAsideChange, SyncReport } from "./types.js";
