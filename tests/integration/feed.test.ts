import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bulletinPayload, publish } from "../helpers/bulletins.js";
import { startTestHub, type TestHub, type TestOrg } from "../helpers/hub.js";

interface FeedPage {
  items: { id: string; status: string; revocation?: unknown }[];
  next_cursor: string;
  has_more: boolean;
}

async function page(org: TestOrg, query: string): Promise<FeedPage> {
  const response = await org.client.raw("GET", `/v1/bulletins${query}`);
  expect(response.status, response.text).toBe(200);
  return response.body as FeedPage;
}

/** Follows the feed from `cursor` to its end; answers the ids seen and the last cursor. */
async function drain(
  org: TestOrg,
  cursor: string | undefined,
  limit = 7,
): Promise<{ ids: string[]; cursor: string }> {
  const ids: string[] = [];
  let at = cursor;
  for (;;) {
    const p = await page(org, `?limit=${limit}${at === undefined ? "" : `&cursor=${at}`}`);
    ids.push(...p.items.map((item) => `${item.id}:${item.status}`));
    at = p.next_cursor;
    if (!p.has_more) return { ids, cursor: at };
  }
}

describe("the change feed", () => {
  let t: TestHub;
  let trm: TestOrg;
  let chain: TestOrg;
  let reader: TestOrg;

  beforeAll(async () => {
    t = await startTestHub();
    trm = await t.onboard("trm", { roles: ["publish"] });
    chain = await t.onboard("chainalysis", { roles: ["publish"] });
    reader = await t.onboard("reader", { roles: ["screen"] });
  });
  afterAll(async () => {
    await t.stop();
  });

  it("starts empty with a string cursor, and a poll with that cursor returns only what came since", async () => {
    const first = await page(reader, "");
    expect(first).toEqual({ items: [], next_cursor: expect.any(String), has_more: false });
    const again = await page(reader, `?cursor=${first.next_cursor}`);
    expect(again.items).toEqual([]);
    expect(again.next_cursor).toBe(first.next_cursor);

    const a = bulletinPayload("trm");
    await publish(trm, a);
    const next = await page(reader, `?cursor=${first.next_cursor}`);
    expect(next.items.map((item) => item.id)).toEqual([a.id]);
    expect(next.has_more).toBe(false);
    const nothingNew = await page(reader, `?cursor=${next.next_cursor}`);
    expect(nothingNew.items).toEqual([]);
    expect(nothingNew.next_cursor).toBe(next.next_cursor);
  });

  it("pages by limit, oldest change first, and a revocation appears again with its new status", async () => {
    const { cursor: start } = await drain(reader, undefined);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const payload = bulletinPayload("trm");
      ids.push(payload.id);
      await publish(trm, payload);
    }
    await trm.client.raw("POST", `/v1/bulletins/${ids[1]}/revoke`, {
      body: { reason: "retracted" },
    });
    const first = await page(reader, `?limit=2&cursor=${start}`);
    expect(first.items.map((item) => item.id)).toEqual(ids.slice(0, 2));
    expect(first.has_more).toBe(true);
    // Each item shows the bulletin's current state: the revoked one already says so.
    expect(first.items[1]).toMatchObject({
      status: "revoked",
      revocation: { reason: "retracted" },
    });
    const rest = await drain(reader, first.next_cursor, 2);
    expect(rest.ids).toEqual([...ids.slice(2).map((id) => `${id}:active`), `${ids[1]}:revoked`]);
  });

  it("never skips or repeats a change while writers race", async () => {
    const { cursor: start } = await drain(reader, undefined);
    const published: string[] = [];
    const seen: string[] = [];
    let cursor = start;
    let writing = true;
    const writers = [trm, chain].map(async (org) => {
      for (let i = 0; i < 15; i++) {
        const payload = bulletinPayload(org.id);
        published.push(payload.id);
        expect((await publish(org, payload)).status).toBe(201);
      }
    });
    const readerLoop = (async () => {
      while (writing) {
        const result = await drain(reader, cursor, 3);
        seen.push(...result.ids.map((id) => id.split(":")[0] ?? ""));
        cursor = result.cursor;
      }
    })();
    await Promise.all(writers);
    writing = false;
    await readerLoop;
    const tail = await drain(reader, cursor, 3);
    seen.push(...tail.ids.map((id) => id.split(":")[0] ?? ""));
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual([...published].sort());
  });

  it("refuses a cursor it did not issue, a repeated parameter and an out-of-range limit", async () => {
    expect((await reader.client.raw("GET", "/v1/bulletins?cursor=garbage")).status).toBe(422);
    expect((await reader.client.raw("GET", "/v1/bulletins?limit=101")).status).toBe(422);
    expect((await reader.client.raw("GET", "/v1/bulletins?limit=0")).status).toBe(422);
    expect((await reader.client.raw("GET", "/v1/bulletins?limit=1&limit=2")).status).toBe(422);
  });

  it("shows nothing to an admin", async () => {
    const { ids } = await drain({ ...reader, client: t.admin }, undefined);
    expect(ids).toEqual([]);
  });
});
