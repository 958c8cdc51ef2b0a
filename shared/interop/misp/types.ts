/**
 * MISP's feed format as PyMISP's `to_feed` writes it (and MISP's `Feed.php` reads it):
 * integers as strings, booleans as booleans, one `{"Event": …}` per file.
 */

export interface MispTag {
  name: string;
  colour: string;
  local: boolean;
  relationship_type: string;
}

export interface MispAttribute {
  uuid: string;
  type: string;
  category: string;
  value: string;
  comment: string;
  to_ids: boolean;
  disable_correlation: boolean;
  deleted: boolean;
  timestamp: string;
  object_relation?: string;
  Tag?: MispTag[];
}

export interface MispObject {
  uuid: string;
  name: string;
  "meta-category": string;
  description: string;
  template_uuid: string;
  template_version: string;
  comment: string;
  deleted: boolean;
  timestamp: string;
  Attribute: MispAttribute[];
}

export interface MispEventBody {
  uuid: string;
  info: string;
  date: string;
  analysis: string;
  threat_level_id: string;
  published: boolean;
  protected: boolean;
  extends_uuid: string;
  timestamp: string;
  publish_timestamp: string;
  Orgc: { name: string; uuid: string };
  Tag: MispTag[];
  Attribute: MispAttribute[];
  Object: MispObject[];
}

/** An event without its attributes and objects (what `manifest.json` lists). */
export type MispEventHeader = Omit<MispEventBody, "Attribute" | "Object">;

export interface MispEvent {
  Event: MispEventBody;
}

/** One entry of `manifest.json`, keyed there by the event uuid. */
export interface MispManifestEntry {
  Orgc: { name: string; uuid: string };
  Tag: MispTag[];
  info: string;
  date: string;
  analysis: number;
  threat_level_id: number;
  timestamp: number;
}
