/** Large bulletins for the feed attacks of issue 13, and a whole walk of the feed. */

import { bulletinPayload, publish } from "../helpers/bulletins.js";
import type { TestOrg } from "../helpers/hub.js";

/** One indicator of the longest value a channel may have (512 characters). */
function longWebsite(
  i: number,
  j: number,
): { type: "channel"; platform: "website"; value: string } {
  const path = `${i}-${j}-`.padEnd(480, "x");
  return { type: "channel", platform: "website", value: `https://example.org/${path}` };
}

/** Publishes `count` TLP:CLEAR bulletins of about 245 KB of JWS each; answers their ids. */
export async function publishLargeBulletins(publisher: TestOrg, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const payload = bulletinPayload(publisher.id, {
      tlp: "clear",
      summary: "s".repeat(4000),
      indicators: Array.from({ length: 340 }, (_, j) => longWebsite(i, j)),
    });
    const answer = await publish(publisher, payload);
    if (answer.status !== 201) throw new Error(`publishing a large bulletin: ${answer.text}`);
    ids.push(payload.id);
  }
  return ids;
}

export interface FeedWalk {
  ids: string[];
  statuses: number[];
  pageBytes: number[];
}

export async function walkFeed(org: TestOrg): Promise<FeedWalk> {
  const walk: FeedWalk = { ids: [], statuses: [], pageBytes: [] };
  let cursor = "";
  for (let page = 0; page < 1000; page += 1) {
    const answer = await org.client.raw("GET", `/v1/bulletins?limit=100${cursor}`);
    walk.statuses.push(answer.status);
    walk.pageBytes.push(Buffer.byteLength(answer.text, "utf8"));
    if (answer.status !== 200) break;
    const body = answer.body as { items: { id: string }[]; next_cursor: string; has_more: boolean };
    walk.ids.push(...body.items.map((item) => item.id));
    if (!body.has_more) break;
    cursor = `&cursor=${body.next_cursor}`;
  }
  return walk;
}
