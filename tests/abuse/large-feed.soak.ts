/**
 * Issue 13, finding 4, the long run (`npm run test:soak`): after one publisher posts 50
 * TLP:CLEAR bulletins of about 245 KB, every organisation's feed still answers every
 * page, each change once, no page over 4 MB.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FEED_MAX_PAGE_BYTES } from "../../shared/bulletins/feed.js";
import { startTestHub, type TestHub } from "../helpers/hub.js";
import { publishLargeBulletins, walkFeed } from "./large-bulletins.js";

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub();
});
afterAll(() => t.stop());

describe("a feed full of large bulletins", () => {
  it("answers every page to every organisation", async () => {
    const publisher = await t.onboard("big-publisher", { roles: ["publish"] });
    const readers = await Promise.all(
      ["exchange-a", "exchange-b", "bank"].map((id) => t.onboard(id, { roles: ["screen"] })),
    );
    const ids = await publishLargeBulletins(publisher, 50);
    for (const org of [publisher, ...readers]) {
      const walk = await walkFeed(org);
      expect(walk.statuses.filter((s) => s !== 200)).toEqual([]);
      expect(walk.ids).toEqual(ids);
      expect(Math.max(...walk.pageBytes)).toBeLessThanOrEqual(FEED_MAX_PAGE_BYTES);
    }
  });
});
