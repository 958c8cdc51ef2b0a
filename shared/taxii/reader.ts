/**
 * Who reads the collection: an organisation and the highest TLP its credential may
 * receive (DESIGN §11) — a feed token TLP:AMBER, a signed request TLP:AMBER+STRICT,
 * TLP:RED never. The one visibility rule decides the rest (bulletins/visibility.ts).
 */
import { type ExportCeiling, isExportedTo } from "../bulletins/visibility.js";
import type { Credential } from "../feed-tokens/types.js";
import type { Organisation } from "../orgs/types.js";

export interface ExportReader {
  org: Organisation;
  ceiling: ExportCeiling;
}

export function exportReaderOf(org: Organisation, credential: Credential): ExportReader {
  return { org, ceiling: credential.kind === "feed-token" ? "amber" : "amber+strict" };
}

export function isReadBy(
  bulletin: Parameters<typeof isExportedTo>[0],
  reader: ExportReader,
): boolean {
  return isExportedTo(bulletin, reader.org, reader.ceiling);
}
