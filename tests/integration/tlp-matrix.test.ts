/**
 * The TLP × relationship matrix (DESIGN §4, §11): for every TLP and every relationship a
 * caller can have to a bulletin, the same answer on every surface — get, feed, screen,
 * and the export routes: TAXII and the MISP feed (with a signed request up to
 * TLP:AMBER+STRICT, with a feed token up to TLP:AMBER, TLP:RED never) and the STIX
 * bundle route (TLP:RED refused to its recipients, hidden and missing alike).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BulletinPayload, Tlp } from "../../shared/bulletins/schema.js";
import { mispEventUuid } from "../../shared/interop/misp/uuid.js";
import { bulletinPayload, publish, randomEvmAddress } from "../helpers/bulletins.js";
import { startTestHub, type TestHub, type TestOrg } from "../helpers/hub.js";
import { TaxiiReader } from "../helpers/taxii-client.js";

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

  for (const relationship of [
    "issuer",
    "named",
    "group-member",
    "joined-group-later",
    "outsider",
    "admin",
  ] as const) {
    it(`${relationship}: TAXII, the MISP feed and the STIX route agree with the rule and the credential`, async () => {
      const org = orgs.get(relationship) as TestOrg;
      const created = await org.client.raw("POST", "/v1/feed-tokens", {
        body: { name: "matrix" },
      });
      const token =
        relationship === "admin" ? undefined : (created.body as { id: string; token: string });
      expect(created.status).toBe(relationship === "admin" ? 403 : 201);
      const credentials = [
        { label: "signed", authorization: undefined, ceiling: "amber+strict" },
        ...(token === undefined
          ? []
          : [{ label: "feed token", authorization: `Bearer ${token.token}`, ceiling: "amber" }]),
      ];
      for (const { label, authorization, ceiling } of credentials) {
        const taxii = await new TaxiiReader(org, authorization).walk("objects", {
          "match[version]": "all",
        });
        const taxiiText = JSON.stringify(taxii.items);
        const manifest = await org.client.raw("GET", "/misp/manifest.json", {
          ...(authorization === undefined ? {} : { authorization }),
        });
        expect(manifest.status).toBe(200);
        for (const p of published) {
          const exported =
            p.case.visibleTo.includes(relationship) &&
            p.case.tlp !== "red" &&
            (ceiling === "amber+strict" || p.case.tlp !== "amber+strict");
          const where = `${p.case.tlp} for ${relationship} (${label})`;
          expect(taxiiText.includes(p.payload.id), `TAXII: ${where}`).toBe(exported);
          expect(taxiiText.includes(p.address), `TAXII: ${where}`).toBe(exported);
          const uuid = mispEventUuid(p.payload.id);
          expect(uuid in (manifest.body as object), `MISP manifest: ${where}`).toBe(exported);
          const event = await org.client.raw("GET", `/misp/${uuid}.json`, {
            ...(authorization === undefined ? {} : { authorization }),
          });
          expect(event.status, `MISP event: ${where}`).toBe(exported ? 200 : 404);
        }
      }
      for (const p of published) {
        const visible = p.case.visibleTo.includes(relationship);
        const stix = await org.client.raw("GET", `/v1/bulletins/${p.payload.id}/stix`);
        const expected = !visible ? 404 : p.case.tlp === "red" ? 403 : 200;
        expect(stix.status, `stix: ${p.case.tlp} for ${relationship}`).toBe(expected);
      }
      if (token !== undefined) {
        // Revoked: refused from the very next request on every export route.
        expect((await org.client.raw("DELETE", `/v1/feed-tokens/${token.id}`)).status).toBe(204);
        const taxii = await new TaxiiReader(org, `Bearer ${token.token}`).get("/taxii2/");
        const misp = await org.client.raw("GET", "/misp/manifest.json", {
          authorization: `Bearer ${token.token}`,
        });
        expect([taxii.status, misp.status]).toEqual([401, 401]);
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
