/**
 * The MISP feed and the STIX bundle route over HTTP against a local hub (DESIGN §12,
 * §13): MISP's call pattern (Basic only, or its feed's header setting; the manifest,
 * then each event), events as MISP's feed format, a revocation seen as an update
 * (later timestamp, `cordon:revoked`, `to_ids` false), hidden and missing events
 * alike, TLP per credential, and a bulletin whose event uuid another holds refused.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BulletinPayload } from "../../shared/bulletins/schema.js";
import { mispEventUuid } from "../../shared/interop/misp/uuid.js";
import type { StixObject } from "../../shared/interop/stix/types.js";
import { bulletinPayload, publish, randomEvmAddress } from "../helpers/bulletins.js";
import { startTestHub, type TestHub, type TestOrg } from "../helpers/hub.js";
import { checkBundle } from "../interop/stix-rules.js";

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

interface ManifestEntry {
  timestamp: number;
  info: string;
  Tag: { name: string }[];
}
interface Event {
  Event: {
    uuid: string;
    timestamp: string;
    info: string;
    Tag: { name: string }[];
    Attribute: { to_ids: boolean; value: string }[];
    Object: { name: string; Attribute: { to_ids: boolean; value: string }[] }[];
  };
}

describe("MISP feed and STIX bundles", () => {
  let t: TestHub;
  let p1: TestOrg;
  let reader: TestOrg;
  let outsider: TestOrg;
  let token: { id: string; token: string };
  const bulletins = new Map<string, BulletinPayload>();
  const evm = () => ({
    type: "crypto_address" as const,
    chain: "ethereum" as const,
    address: randomEvmAddress(),
  });

  beforeAll(async () => {
    t = await startTestHub();
    p1 = await t.onboard("p1", { roles: ["publish"] });
    reader = await t.onboard("reader", { roles: ["subscribe"] });
    outsider = await t.onboard("outsider", { roles: ["screen", "publish"] });
    const add = async (label: string, overrides: Partial<BulletinPayload>) => {
      const payload = bulletinPayload("p1", overrides);
      const answer = await publish(p1, payload);
      expect(answer.status, answer.text).toBe(201);
      bulletins.set(label, payload);
    };
    await add("green", { indicators: [evm()] });
    await add("amber", { tlp: "amber", audience: ["reader"], indicators: [evm()] });
    await add("strict", { tlp: "amber+strict", audience: ["reader"], indicators: [evm()] });
    await add("red", { tlp: "red", audience: ["reader"], indicators: [evm()] });
    await add("revoked", { tlp: "clear", indicators: [evm(), evm()] });
    await add("successor", {
      supersedes: bulletins.get("green")?.id as string,
      indicators: [evm()],
    });
    token = (await reader.client.raw("POST", "/v1/feed-tokens", { body: { name: "misp" } }))
      .body as {
      id: string;
      token: string;
    };
  }, 60_000);
  afterAll(async () => {
    await t.stop();
  });

  const misp = (file: string, authorization: string | undefined, org: TestOrg = reader) =>
    org.client.raw("GET", `/misp/${file}`, {
      headers: { accept: "application/json, text/plain, text/*" },
      ...(authorization === undefined ? {} : { authorization }),
    });
  const uuidOf = (label: string) => mispEventUuid(bulletins.get(label)?.id as string);

  it("serves MISP's call pattern with Basic only: the manifest, then each event", async () => {
    const auth = basic(token.id, token.token);
    const manifest = await misp("manifest.json", auth);
    expect(manifest.status).toBe(200);
    expect(manifest.headers.get("content-type")).toBe("application/json");
    const entries = manifest.body as Record<string, ManifestEntry>;
    expect(Object.keys(entries).sort()).toEqual(
      ["green", "amber", "revoked", "successor"].map(uuidOf).sort(),
    );
    for (const [uuid, entry] of Object.entries(entries)) {
      const event = await misp(`${uuid}.json`, auth);
      expect(event.status).toBe(200);
      const body = (event.body as Event).Event;
      expect(body.uuid).toBe(uuid);
      expect(Number(body.timestamp)).toBe(entry.timestamp);
      expect(body.info).toBe(entry.info);
    }
    const hashes = await misp("hashes.csv", auth);
    expect(hashes.status).toBe(200);
    expect(hashes.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    const lines = hashes.text.trim().split("\n");
    expect(lines.length).toBeGreaterThan(4);
    for (const line of lines) expect(line).toMatch(/^[0-9a-f]{32},[0-9a-f-]{36}$/);
    // The header MISP's feed settings send, and a signed request, are accepted too.
    expect((await misp("manifest.json", `Bearer ${token.token}`)).status).toBe(200);
    expect((await misp("manifest.json", `Token ${token.token}`)).status).toBe(200);
    expect((await misp("manifest.json", undefined)).status).toBe(200);
  });

  it("shows a revocation as an update: later timestamp, cordon:revoked, to_ids false", async () => {
    const auth = basic(token.id, token.token);
    const uuid = uuidOf("revoked");
    const before = (await misp("manifest.json", auth)).body as Record<string, ManifestEntry>;
    const id = bulletins.get("revoked")?.id as string;
    expect(
      (await p1.client.raw("POST", `/v1/bulletins/${id}/revoke`, { body: { reason: "wrong" } }))
        .status,
    ).toBe(200);
    const after = (await misp("manifest.json", auth)).body as Record<string, ManifestEntry>;
    expect(after[uuid]?.timestamp).toBeGreaterThan(before[uuid]?.timestamp as number);
    expect(after[uuid]?.Tag.map((tag) => tag.name)).toContain("cordon:revoked");
    const event = ((await misp(`${uuid}.json`, auth)).body as Event).Event;
    expect(event.Tag.map((tag) => tag.name)).toContain("cordon:revoked");
    const flags = [...event.Attribute, ...event.Object.flatMap((o) => o.Attribute)].map(
      (a) => a.to_ids,
    );
    expect(flags.every((flag) => flag === false)).toBe(true);
    // The superseded one is an update too.
    expect(after[uuidOf("green")]?.Tag.map((tag) => tag.name)).toContain("cordon:superseded");
  });

  it("serves a feed token up to TLP:AMBER, a signed request TLP:AMBER+STRICT, TLP:RED never; hidden and missing alike", async () => {
    const signed = (await misp("manifest.json", undefined)).body as Record<string, ManifestEntry>;
    expect(Object.keys(signed)).toContain(uuidOf("strict"));
    expect(Object.keys(signed)).not.toContain(uuidOf("red"));
    const auth = `Bearer ${token.token}`;
    const strict = await misp(`${uuidOf("strict")}.json`, auth);
    const red = await misp(`${uuidOf("red")}.json`, undefined);
    const hidden = await misp(`${uuidOf("amber")}.json`, undefined, outsider);
    const missing = await misp("00000000-0000-4000-8000-000000000000.json", auth);
    for (const answer of [strict, red, hidden]) {
      expect(answer.status).toBe(404);
      expect(answer.body).toEqual(missing.body);
    }
    expect((await misp(`${uuidOf("strict")}.json`, undefined)).status).toBe(200);
    expect((await misp("anything-else", auth)).status).toBe(404);
    const outside = (await misp("manifest.json", undefined, outsider)).body as Record<
      string,
      ManifestEntry
    >;
    expect(Object.keys(outside).sort()).toEqual(
      ["green", "revoked", "successor"].map(uuidOf).sort(),
    );
  });

  it("refuses a bulletin whose MISP event uuid (or STIX ids) another bulletin holds", async () => {
    const original = bulletins.get("amber") as BulletinPayload;
    // Two ULIDs differing only in bits the event uuid overwrites (bits 48–51: character 10).
    const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    const chars = original.id.split("");
    const value = alphabet.indexOf(chars[10] as string);
    chars[10] = alphabet[value ^ 0b10000] as string;
    const twin = chars.join("");
    expect(twin).not.toBe(original.id);
    expect(mispEventUuid(twin)).toBe(mispEventUuid(original.id));
    const answer = await publish(
      outsider,
      bulletinPayload("outsider", { id: twin, indicators: [evm()] }),
    );
    expect(answer.status).toBe(409);
    expect(answer.text).toContain("MISP");
    // Nothing of the twin exists, and the original is untouched.
    expect((await outsider.client.raw("GET", `/v1/bulletins/${twin}`)).status).toBe(404);
    expect((await reader.client.raw("GET", `/v1/bulletins/${original.id}`)).status).toBe(200);
  });

  it("answers GET /v1/bulletins/{id}/stix with one bundle, by the bulletin's visibility", async () => {
    const green = bulletins.get("successor")?.id as string;
    const answer = await reader.client.raw("GET", `/v1/bulletins/${green}/stix`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toBe("application/stix+json;version=2.1");
    const bundle = answer.body as { type: string; objects: StixObject[] };
    expect(bundle.type).toBe("bundle");
    checkBundle(bundle.objects);
    // The superseded predecessor's objects come along, so every derived-from end is there.
    expect(bundle.objects.filter((o) => o.type === "report")).toHaveLength(2);
    expect(bundle.objects.some((o) => o.relationship_type === "derived-from")).toBe(true);
    const strict = bulletins.get("strict")?.id as string;
    expect((await reader.client.raw("GET", `/v1/bulletins/${strict}/stix`)).status).toBe(200);
    const hidden = await outsider.client.raw("GET", `/v1/bulletins/${strict}/stix`);
    const missing = await outsider.client.raw(
      "GET",
      "/v1/bulletins/01JDX3Q8Z6V2M4N5P6R7S8T9VW/stix",
    );
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual(missing.body);
    const red = bulletins.get("red")?.id as string;
    const redAnswer = await reader.client.raw("GET", `/v1/bulletins/${red}/stix`);
    expect(redAnswer.status).toBe(403);
    expect(redAnswer.text).toContain("direct GET");
    expect((await outsider.client.raw("GET", `/v1/bulletins/${red}/stix`)).status).toBe(404);
    expect((await t.admin.raw("GET", `/v1/bulletins/${green}/stix`)).status).toBe(404);
    const viaToken = await reader.client.raw("GET", `/v1/bulletins/${green}/stix`, {
      authorization: `Bearer ${token.token}`,
    });
    expect(viaToken.status).toBe(401);
  });
});
