/**
 * The STIX 2.1 shapes this module produces and the records a TAXII server needs to
 * serve them (DESIGN §12).
 */
import type { Tlp } from "../../bulletins/schema.js";

/** Any STIX 2.1 object: its common members typed, the rest by its type's rules. */
export interface StixObject {
  type: string;
  spec_version: "2.1";
  id: string;
  [property: string]: unknown;
}

export interface StixBundle {
  type: "bundle";
  id: string;
  objects: StixObject[];
}

/** The TLP levels that may leave the hub through STIX, TAXII, MISP and CSV. */
export type ExportTlp = Exclude<Tlp, "red">;

/** The media type of STIX 2.1 content (TAXII manifests, `GET …/stix`). */
export const STIX_MEDIA_TYPE = "application/stix+json;version=2.1";

/**
 * One version of one object, as a TAXII collection lists it (objects, manifest,
 * versions). `version` is the object's `modified`, or `date_added` for objects STIX
 * does not version (SCOs); `date_added` is the `at` of the change that made it.
 */
export interface StixRecord {
  id: string;
  type: string;
  version: string;
  date_added: string;
  media_type: typeof STIX_MEDIA_TYPE;
  object: StixObject;
  /**
   * `bulletin`: a version of one of the bulletin's own objects (report, indicators,
   * relationships), made by one change. `shared`: an object other bulletins may serve
   * too (identities, SCOs, markings, extension definitions): a collection serves it
   * once, with the earliest `date_added` among the bulletins the caller may see.
   */
  scope: "bulletin" | "shared";
  /**
   * Set on `derived-from` relationships to a superseded bulletin's objects: serve the
   * record only to callers who may also see that bulletin, so no reference dangles.
   */
  requires?: string;
}

export interface StixMappingOptions {
  /** The hub's own identity (which defines the Cordon extensions); default "Cordon". */
  hubName?: string;
  /**
   * The bulletin this one supersedes, when the caller may see it: its objects are the
   * targets of the `derived-from` relationships. Without it none are made.
   */
  predecessor?: import("../history.js").BulletinHistory;
}
