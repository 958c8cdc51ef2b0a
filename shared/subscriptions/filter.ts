/**
 * Subscription filters (DESIGN §9): every field given must match (AND); within a
 * list any value matches (OR); `chains` and `indicator_types` match when any
 * indicator of the bulletin does; `min_confidence` is inclusive; an absent field does
 * not constrain.
 */
import type { BulletinMeta } from "../bulletins/types.js";
import type { SubscriptionFilter } from "./types.js";

export function matchesFilter(
  filter: SubscriptionFilter,
  bulletin: Pick<BulletinMeta, "category" | "chains" | "indicator_types" | "issuer" | "confidence">,
): boolean {
  if (filter.categories !== undefined && !filter.categories.includes(bulletin.category))
    return false;
  if (filter.issuers !== undefined && !filter.issuers.includes(bulletin.issuer)) return false;
  if (filter.min_confidence !== undefined && bulletin.confidence < filter.min_confidence)
    return false;
  if (
    filter.chains !== undefined &&
    !filter.chains.some((chain) => bulletin.chains.includes(chain))
  )
    return false;
  if (
    filter.indicator_types !== undefined &&
    !filter.indicator_types.some((type) => bulletin.indicator_types.includes(type))
  ) {
    return false;
  }
  return true;
}
