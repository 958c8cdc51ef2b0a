/**
 * The change feed: pages of 100 read one after another from the start, the walk
 * restarting at the end; each page is followed by its floor (the feed query and the
 * one BatchGetItem of its bulletins), from the same position.
 */
import { decodeFeedCursor } from "../../shared/bulletins/feed.js";
import type { StageContext } from "../context.js";
import type { BenchOrg } from "../fixtures.js";
import { now, type Summary, summarise } from "../stats.js";

export interface FeedResult {
  pages: number;
  page_size: number;
  hub: { latency_ms: Summary };
  floor: { latency_ms: Summary };
  /** Pages shorter than page_size (a walk's end), read but left out of the figures. */
  partial_pages: number;
}

interface FeedAnswer {
  items: unknown[];
  next_cursor: string;
  has_more: boolean;
}

export async function feedStage(ctx: StageContext, reader: BenchOrg): Promise<FeedResult> {
  const { feedPages, feedPageSize: limit } = ctx.config;
  const hubLatencies: number[] = [];
  const floorLatencies: number[] = [];
  let partial = 0;
  let cursor: string | undefined;
  let warmed = false;
  while (hubLatencies.length < feedPages) {
    const path = `/v1/bulletins?limit=${limit}${cursor === undefined ? "" : `&cursor=${cursor}`}`;
    let t = now();
    const response = await reader.client.raw("GET", path);
    const hubMs = now() - t;
    if (response.status !== 200)
      throw new Error(`feed failed: ${response.status} ${response.text}`);
    const page = response.body as FeedAnswer;

    t = now();
    await ctx.floor.feedPage(decodeFeedCursor(cursor), limit);
    const floorMs = now() - t;

    if (page.items.length < limit) partial += 1;
    else if (!warmed) warmed = true;
    else {
      hubLatencies.push(hubMs);
      floorLatencies.push(floorMs);
    }
    cursor = page.has_more ? page.next_cursor : undefined;
    if (partial > feedPages + 10) throw new Error(`the feed holds fewer than ${limit} changes`);
  }
  return {
    pages: hubLatencies.length,
    page_size: limit,
    hub: { latency_ms: summarise(hubLatencies) },
    floor: { latency_ms: summarise(floorLatencies) },
    partial_pages: partial,
  };
}
