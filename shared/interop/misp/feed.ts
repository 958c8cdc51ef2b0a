/**
 * The two index files of a MISP feed, as MISP's `Feed.php` reads them and PyMISP's
 * feed generator (`to_feed(with_meta=True)`, `feed_meta_generator`) writes them:
 * `manifest.json` maps each event uuid to `{Orgc, Tag, info, date, analysis,
 * threat_level_id, timestamp}` (MISP fetches an event again when this `timestamp`
 * passes its own), and `hashes.csv` has one `<md5 of a value>,<event uuid>` line per
 * attribute value, for MISP's quick cache lookups.
 */
import { md5 } from "@noble/hashes/legacy.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import type { MispEvent, MispEventHeader, MispManifestEntry } from "./types.js";

/** The manifest entry of one event (`{[uuid]: entry}` in `manifest.json`). */
export function manifestEntry(event: { Event: MispEventHeader }): MispManifestEntry {
  const body = event.Event;
  return {
    Orgc: body.Orgc,
    Tag: body.Tag,
    info: body.info,
    date: body.date,
    analysis: Number(body.analysis),
    threat_level_id: Number(body.threat_level_id),
    timestamp: Number(body.timestamp),
  };
}

/** Every attribute value of the event, event-level first, then each object's. */
function attributeValues(event: MispEvent): string[] {
  const body = event.Event;
  return [
    ...body.Attribute.map((attribute) => attribute.value),
    ...body.Object.flatMap((object) => object.Attribute.map((attribute) => attribute.value)),
  ];
}

/** The lines (without line ends) of `hashes.csv` for one event. */
export function hashLines(event: MispEvent): string[] {
  const uuid = event.Event.uuid;
  return attributeValues(event).map((value) => `${bytesToHex(md5(utf8ToBytes(value)))},${uuid}`);
}
