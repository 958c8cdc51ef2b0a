/** The normalised indicators, chains and types of a bulletin payload, for indexing and filters. */
import {
  type Chain,
  type IndicatorType,
  indicatorChain,
  normaliseIndicator,
} from "../indicators/index.js";
import type { BulletinPayload } from "./schema.js";

export interface IndicatorSummary {
  normalised: string[];
  chains: Chain[];
  types: IndicatorType[];
}

export function summariseIndicators(
  payload: Pick<BulletinPayload, "indicators">,
): IndicatorSummary {
  const normalised = new Set<string>();
  const chains = new Set<Chain>();
  const types = new Set<IndicatorType>();
  for (const indicator of payload.indicators) {
    normalised.add(normaliseIndicator(indicator));
    types.add(indicator.type);
    const chain = indicatorChain(indicator);
    if (chain !== undefined) chains.add(chain);
  }
  return { normalised: [...normalised], chains: [...chains].sort(), types: [...types].sort() };
}
