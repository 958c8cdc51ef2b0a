/**
 * The TLP × relationship matrix (DESIGN §4): for every TLP and every relationship a
 * caller can have to a bulletin, the same answer on every surface — get, feed, screen.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BulletinPayload, Tlp } from "../../shared/bulletins/schema.js";
import { bulletinPayload, publish, randomEvmAddress } from "../helpers/bulletins.js";
import { startTestHub, type TestHub, type TestOrg } from "../helpers/hub.js";

type Relationship =
  | "issuer"
  | "named"
  | "group-member"
  | "joined-group-later"
  | "outsider"
  | "admin";

interface Case {
  tlp: Tlp;
  audience: string[];
  visibleTo: Relationship[];
}

const CASES: Case[] = [
  {
    tlp: "clear",
    audience: [],
    visibleTo: ["issuer", "named", "group-member", "joined-group-later", "outsider"],
  },
  {
    tlp: "green",
    audience: [],
    visibleTo: ["issuer", "named", "group-member", "joined-group-later", "outsider"],
  },
  {
    tlp: "amber",
    audience: ["named", "group:central-banks"],
    visibleTo: ["issuer", "named", "group-member"],
  },
  { tlp: "amber+strict", audience: ["named"], visibleTo: ["issuer", "named"] },
  { tlp: "red", audience: ["named"], visibleTo: ["issuer", "named"] },
];

describe("TLP × relationship on every surface", () => {
  let t: TestHub;
  const orgs = new Map<Relationship, TestOrg>();
  const published: { case: Case; payload: BulletinPayload; address: string }[] = [];

  beforeAll(async () => {
    t = await startTestHub();
    orgs.set(
      "issuer",
      await t.onboard("issuer", { type: "forensics", roles: ["publish", "screen"] }),
    );
    orgs.set("named", await t.onboard("named", { roles: ["screen"] }));
    orgs.set(
      "group-member",
      await t.onboard("group-member", {
        type: "central_bank",
        roles: ["screen"],
        groups: ["central-banks"],
      }),
    );
    orgs.set(
      "joined-group-later",
      await t.onboard("joined-group-later", { type: "central_bank", roles: ["screen"] }),
    );
    orgs.set("outsider", await t.onboard("outsider", { roles: ["screen", "publish"] }));
    orgs.set("admin", {
      id: "hub-admin",
      key: t.adminKey,
      publicJwk: undefined as never,
      client: t.admin,
    });
    const issuer = orgs.get("issuer") as TestOrg;
    for (const c of CASES) {
      const address = randomEvmAddress();
      const payload = bulletinPayload("issuer", {
        tlp: c.tlp,
        ...(c.audience.length > 0 ? { audience: c.audience } : {}),
        indicators: [{ type: "crypto_address", chain: "ethereum", address }],
      });
      const response = await publish(issuer, payload);
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      published.push({ case: c, payload, address });
    }
    // Joining a group after acceptance opens no past bulletin.
    await t.admin.raw("PATCH", "/v1/admin/orgs/joined-group-later", {
      body: { groups: ["central-banks"] },
    });
  });
  afterAll(async () => {
    await t.stop();
  });

  for (const relationship of [
    "issuer",
    "named",
    "group-member",
    "joined-group-later",
    "outsider",
    "admin",
  ] as const) {
    it(`${relationship}: get, feed and screen agree with the rule`, async () => {
      const org = orgs.get(relationship) as TestOrg;
      const feedIds = new Set(await feedOf(org));
      const screened = await org.client.raw("POST", "/v1/screen", {
        body: {
          indicators: published.map((p) => ({
            type: "crypto_address",
            chain: "ethereum",
            address: p.address,
          })),
        },
      });
      for (const [i, p] of published.entries()) {
        const visible = p.case.visibleTo.includes(relationship);
        const label = `${p.case.tlp} for ${relationship}`;
        const got = await org.client.raw("GET", `/v1/bulletins/${p.payload.id}`);
        expect(got.status, label).toBe(visible ? 200 : 404);
        expect(feedIds.has(p.payload.id), label).toBe(visible);
        if (relationship === "admin") {
          expect(screened.status).toBe(403);
        } else {
          const result = (screened.body as { results: { match_count: number }[] }).results[i];
          expect(result?.match_count, label).toBe(visible ? 1 : 0);
        }
      }
    });
  }

  it("a hidden bulletin answers exactly like a missing one", async () => {
    const outsider = orgs.get("outsider") as TestOrg;
    const red = published.find((p) => p.case.tlp === "red");
    const hidden = await outsider.client.raw("GET", `/v1/bulletins/${red?.payload.id}`);
    const missing = await outsider.client.raw("GET", "/v1/bulletins/01JDX3Q8Z6V2M4N5P6R7S8T9VW");
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual(missing.body);
    const revokeHidden = await outsider.client.raw(
      "POST",
      `/v1/bulletins/${red?.payload.id}/revoke`,
      { body: { reason: "x" } },
    );
    const revokeMissing = await outsider.client.raw(
      "POST",
      "/v1/bulletins/01JDX3Q8Z6V2M4N5P6R7S8T9VW/revoke",
      { body: { reason: "x" } },
    );
    expect(revokeHidden.body).toEqual(revokeMissing.body);
  });
});

async function feedOf(org: TestOrg): Promise<string[]> {
  const ids: string[] = [];
  let cursor = "";
  for (;;) {
    const page = (await org.client.raw("GET", `/v1/bulletins?limit=100${cursor}`)).body as {
      items: { id: string }[];
      next_cursor: string;
      has_more: boolean;
    };
    ids.push(...page.items.map((item) => item.id));
    if (!page.has_more) return ids;
    cursor = `&cursor=${page.next_cursor}`;
  }
}
