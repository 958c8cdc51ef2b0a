/**
 * Screening: batches of 1,000 addresses, 99% clean (10 name published indicators),
 * one call at a time; each hub call is followed by its floor — the raw BatchGetItem
 * calls for the same 1,000 indicator heads — so both meet the same moment of a
 * noisy host.
 */
import type { StageContext } from "../context.js";
import { type BenchBulletin, type BenchOrg, randomEvmAddress } from "../fixtures.js";
import { now, type Summary, summarise } from "../stats.js";

export interface ScreenResult {
  batches: number;
  batch_size: number;
  hits_per_batch: number;
  hub: { latency_ms: Summary };
  floor: { latency_ms: Summary; batch_get_calls: number };
}

interface ScreenAnswer {
  results: { match_count: number }[];
}

export async function screenStage(
  ctx: StageContext,
  screener: BenchOrg,
  published: readonly BenchBulletin[],
): Promise<ScreenResult> {
  const { screenBatches, screenBatchSize: size, screenHitsPerBatch: hits } = ctx.config;
  const flagged = published.flatMap((bulletin) => bulletin.addresses);
  const batches = Array.from({ length: screenBatches + 1 }, () => {
    const addresses = Array.from({ length: size }, () => randomEvmAddress());
    for (let h = 0; h < hits; h += 1) {
      const position = Math.floor(Math.random() * size);
      addresses[position] = flagged[Math.floor(Math.random() * flagged.length)] as string;
    }
    return addresses;
  });
  const hubLatencies: number[] = [];
  const floorLatencies: number[] = [];
  for (const [i, addresses] of batches.entries()) {
    const body = {
      indicators: addresses.map((address) => ({
        type: "crypto_address",
        chain: "ethereum",
        address,
      })),
    };
    let t = now();
    const response = await screener.client.raw("POST", "/v1/screen", { body });
    const hubMs = now() - t;
    if (response.status !== 200)
      throw new Error(`screen failed: ${response.status} ${response.text}`);
    const found = (response.body as ScreenAnswer).results.filter((r) => r.match_count > 0).length;
    if (found === 0 && hits > 0) throw new Error("a screening batch found none of its hits");

    t = now();
    const heads = await ctx.floor.batchGetHeads(addresses.map((address) => `ethereum:${address}`));
    const floorMs = now() - t;
    if (heads === 0 && hits > 0) throw new Error("the screening floor found none of its hits");
    // The first batch warms both up.
    if (i === 0) continue;
    hubLatencies.push(hubMs);
    floorLatencies.push(floorMs);
  }
  return {
    batches: screenBatches,
    batch_size: size,
    hits_per_batch: hits,
    hub: { latency_ms: summarise(hubLatencies) },
    floor: { latency_ms: summarise(floorLatencies), batch_get_calls: Math.ceil(size / 100) },
  };
}
