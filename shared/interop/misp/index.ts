/** MISP for Cordon (DESIGN §13): a bulletin as a feed event, and the feed's index files. */
export {
  categoryTag,
  chainTag,
  changeTimestamps,
  MISP_TEMPLATES,
  type MispTemplateName,
  mispEvent,
  mispEventHeader,
  mispTag,
  platformTag,
  REVOKED_TAG,
  SUPERSEDED_TAG,
} from "./event.js";
export { hashLines, manifestEntry } from "./feed.js";
export type {
  MispAttribute,
  MispEvent,
  MispEventBody,
  MispEventHeader,
  MispManifestEntry,
  MispObject,
  MispTag,
} from "./types.js";
export { mispEventUuid, mispUuid, ulidBytes } from "./uuid.js";
