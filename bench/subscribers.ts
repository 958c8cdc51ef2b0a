/**
 * Subscribers for the fan-out stages: organisations with the `subscribe` role, 25
 * subscriptions each (the per-organisation limit), every one on its own path of the
 * receiver process. Tiers nest by `min_confidence`: a bulletin whose confidence is
 * tier j's matches exactly the first `tiers[j]` subscriptions.
 */
import type { Transport } from "../cli/sdk/transport.js";
import { mapConcurrent } from "../shared/async/concurrency.js";
import { MAX_SUBSCRIPTIONS_PER_ORG } from "../shared/subscriptions/types.js";
import { type BenchOrg, onboard } from "./fixtures.js";

export interface SubscriberTiers {
  /** Subscriber counts, ascending. */
  tiers: number[];
  /** The bulletin confidence that matches exactly `tiers[j]` subscriptions. */
  confidenceOf(tier: number): number;
}

const CONFIDENCE_STEP = 10;
/** As many partners at once as the publish stage's concurrency. */
const SETUP_CONCURRENCY = 8;

export async function createSubscriberTiers(
  admin: Transport,
  prefix: string,
  receiverUrl: string,
  wanted: number[],
  issuer: string,
  audience = "cordon",
): Promise<SubscriberTiers> {
  const tiers = [...new Set(wanted)].sort((a, b) => a - b);
  const total = tiers.at(-1) ?? 0;
  const orgCount = Math.ceil(total / MAX_SUBSCRIPTIONS_PER_ORG);
  const orgs: BenchOrg[] = [];
  for (let i = 0; i < orgCount; i += 1) {
    orgs.push(await onboard(admin, `${prefix}-${i}`, ["subscribe"], audience));
  }
  const thresholdOf = (index: number) =>
    CONFIDENCE_STEP * (tiers.findIndex((tier) => index < tier) + 1);
  // Each organisation's subscriptions go one after another (the limit of 25 is read
  // before each write); SETUP_CONCURRENCY organisations subscribe side by side.
  await mapConcurrent(orgs, SETUP_CONCURRENCY, async (org, o) => {
    for (let s = 0; s < MAX_SUBSCRIPTIONS_PER_ORG; s += 1) {
      const index = o * MAX_SUBSCRIPTIONS_PER_ORG + s;
      if (index >= total) return;
      const response = await org.client.raw("POST", "/v1/subscriptions", {
        body: {
          url: `${receiverUrl}/hooks/${index}`,
          events: ["bulletin.published"],
          filter: { issuers: [issuer], min_confidence: thresholdOf(index) },
        },
      });
      if (response.status !== 201) {
        throw new Error(`subscribing failed: ${response.status} ${response.text}`);
      }
    }
  });
  return {
    tiers,
    confidenceOf: (tier) => {
      const j = tiers.indexOf(tier);
      if (j === -1) throw new Error(`no subscriber tier of ${tier}`);
      return CONFIDENCE_STEP * (j + 1);
    },
  };
}
