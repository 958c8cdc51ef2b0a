/**
 * An independent model of who is owed what (DESIGN §4 visibility, §6 filters), written
 * from the design rather than imported from `shared/`, so that a test using it as its
 * oracle does not share a bug with the code it checks.
 */
import type { BulletinPayload } from "../../shared/bulletins/schema.js";

export interface ModelOrg {
  id: string;
  /** The groups the organisation is in right now. */
  groups: readonly string[];
  admin?: boolean;
}

export interface ModelFilter {
  categories?: string[];
  chains?: string[];
  indicator_types?: string[];
  issuers?: string[];
  min_confidence?: number;
}

/** The recipients of a bulletin, resolved from its audience against the directory at acceptance. */
export function recipientsAt(
  audience: readonly string[],
  directory: readonly ModelOrg[],
): Set<string> {
  const recipients = new Set<string>();
  for (const entry of audience) {
    if (entry.startsWith("group:")) {
      const group = entry.slice("group:".length);
      for (const org of directory) if (org.groups.includes(group)) recipients.add(org.id);
    } else {
      recipients.add(entry);
    }
  }
  return recipients;
}

export function mayView(
  bulletin: Pick<BulletinPayload, "issuer" | "tlp">,
  recipients: ReadonlySet<string>,
  viewer: ModelOrg,
): boolean {
  if (viewer.admin === true) return false;
  if (bulletin.issuer === viewer.id) return true;
  if (bulletin.tlp === "clear" || bulletin.tlp === "green") return true;
  return recipients.has(viewer.id);
}

export function filterMatches(filter: ModelFilter, bulletin: BulletinPayload): boolean {
  const chains = bulletin.indicators.flatMap((indicator) =>
    "chain" in indicator && typeof indicator.chain === "string" ? [indicator.chain] : [],
  );
  const types = bulletin.indicators.map((indicator) => indicator.type as string);
  if (filter.categories !== undefined && !filter.categories.includes(bulletin.category))
    return false;
  if (filter.chains !== undefined && !chains.some((chain) => filter.chains?.includes(chain)))
    return false;
  if (
    filter.indicator_types !== undefined &&
    !types.some((type) => filter.indicator_types?.includes(type))
  )
    return false;
  if (filter.issuers !== undefined && !filter.issuers.includes(bulletin.issuer)) return false;
  if (filter.min_confidence !== undefined && bulletin.confidence < filter.min_confidence)
    return false;
  return true;
}
