/**
 * `cordon publish --from-stix/--from-misp` and `cordon export` against a real local
 * hub: a bundle from another tool becomes a bulletin signed by the importing
 * organisation (and verifies), what is not mapped is listed (or refused with
 * --strict), and the feed comes out as a STIX bundle that keeps the STIX rules, a
 * MISP feed folder and CSV — never with TLP:RED.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StixBundle } from "../../shared/interop/stix/index.js";
import { bulletinPayload, publish } from "../helpers/bulletins.js";
import { startTestHub, type TestHub, type TestOrg } from "../helpers/hub.js";
import { checkBundle } from "../interop/stix-rules.js";
import { cordon } from "../unit/cli/memory-io.js";

const FOREIGN_BUNDLE = {
  type: "bundle",
  id: "bundle--9b6b1c2e-2a3b-4c1d-9e8f-0a1b2c3d4e5f",
  objects: [
    {
      type: "identity",
      spec_version: "2.1",
      id: "identity--0a6b1c2e-2a3b-4c1d-9e8f-0a1b2c3d4e5f",
      created: "2026-01-01T00:00:00.000Z",
      modified: "2026-01-01T00:00:00.000Z",
      name: "Some ISAC",
      identity_class: "organization",
    },
    {
      type: "report",
      spec_version: "2.1",
      id: "report--1a6b1c2e-2a3b-4c1d-9e8f-0a1b2c3d4e5f",
      created_by_ref: "identity--0a6b1c2e-2a3b-4c1d-9e8f-0a1b2c3d4e5f",
      created: "2026-01-01T00:00:00.000Z",
      modified: "2026-01-01T00:00:00.000Z",
      name: "Donation wallet seen in a recruitment channel",
      labels: ["terrorist-financing"],
      published: "2026-01-01T00:00:00Z",
      object_refs: ["indicator--2a6b1c2e-2a3b-4c1d-9e8f-0a1b2c3d4e5f"],
      object_marking_refs: ["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"],
    },
    {
      type: "indicator",
      spec_version: "2.1",
      id: "indicator--2a6b1c2e-2a3b-4c1d-9e8f-0a1b2c3d4e5f",
      created: "2026-01-01T00:00:00.000Z",
      modified: "2026-01-01T00:00:00.000Z",
      pattern:
        "[cryptocurrency-wallet:value = 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t'] OR [url:value = 'https://t.me/example_channel'] OR [ipv4-addr:value = '198.51.100.7']",
      pattern_type: "stix",
      valid_from: "2026-01-01T00:00:00Z",
      confidence: 80,
    },
  ],
};

describe("cordon publish --from-stix / --from-misp and cordon export against a local hub", () => {
  let t: TestHub;
  let dir: string;
  let trm: TestOrg;
  let binance: TestOrg;
  const env = (org: TestOrg) => ({
    CORDON_HUB_URL: t.hub.url,
    CORDON_AUDIENCE: t.hub.deps.audience,
    CORDON_ORG: org.id,
    CORDON_KEY_FILE: join(dir, `${org.id}.jwk`),
    CORDON_CONFIG: join(dir, "profiles.json"),
  });
  const as = (org: TestOrg, args: string[]) => cordon(args, { env: env(org), cwd: dir });
  let importedId = "";

  beforeAll(async () => {
    t = await startTestHub();
    dir = await mkdtemp(join(tmpdir(), "cordon-e2e-interop-"));
    trm = await t.onboard("trm", { roles: ["publish", "subscribe", "screen"], type: "forensics" });
    binance = await t.onboard("binance", { roles: ["subscribe", "screen"] });
    for (const org of [trm, binance]) {
      await writeFile(join(dir, `${org.id}.jwk`), JSON.stringify(org.key.privateJwk), {
        mode: 0o600,
      });
    }
    await writeFile(join(dir, "bundle.json"), JSON.stringify(FOREIGN_BUNDLE));
  });
  afterAll(async () => {
    await t.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("refuses with --strict and lists what is not mapped", async () => {
    const run = await as(trm, ["publish", "--from-stix", "bundle.json", "--strict"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("/objects/2/pattern: Cordon has no indicator type for ipv4-addr");
    expect(run.stderr).toContain("/objects/1/created_by_ref: The original author (Some ISAC)");
    expect(run.stderr).toContain("--strict refuses to publish");
  });

  it("publishes an imported STIX bundle signed by the importer, and it verifies", async () => {
    // Act
    const run = await as(trm, [
      "--json",
      "publish",
      "--from-stix",
      "bundle.json",
      "--confidence",
      "70",
    ]);
    // Assess
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as {
      id: string;
      bulletin: Record<string, unknown>;
      unmapped: { path: string }[];
    };
    importedId = result.id;
    expect(result.bulletin).toMatchObject({
      issuer: "trm",
      title: "Donation wallet seen in a recruitment channel",
      category: "terrorist_financing",
      tlp: "green",
      confidence: 70,
      indicators: [
        { type: "crypto_address", chain: "tron", address: "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t" },
        { type: "telegram_channel", value: "https://t.me/example_channel" },
      ],
    });
    expect(result.unmapped.map((u) => u.path)).toContain("/objects/2/pattern");
    const verified = await as(binance, ["verify-bulletin", importedId]);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain("Signature valid");
    expect(verified.stdout).toContain("Receipt valid");
  });

  it("publishes an imported MISP event", async () => {
    const event = {
      Event: {
        info: "Scam payout address",
        Tag: [{ name: "tlp:clear" }, { name: 'cordon:category="scam"' }],
        Attribute: [
          {
            type: "btc",
            category: "Financial fraud",
            value: "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
          },
        ],
      },
    };
    await writeFile(join(dir, "event.json"), JSON.stringify(event));
    const run = await as(trm, [
      "--json",
      "publish",
      "--from-misp",
      "event.json",
      "--confidence",
      "60",
    ]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).bulletin).toMatchObject({ tlp: "clear", category: "scam" });
  });

  it("exports the feed as one STIX bundle that keeps the STIX rules, revocations as new versions, no TLP:RED", async () => {
    // Prepare: an amber bulletin for binance, a red one, and a revocation.
    const amber = bulletinPayload("trm", { tlp: "amber", audience: ["binance"] });
    const red = bulletinPayload("trm", {
      tlp: "red",
      audience: ["binance"],
      title: "Red eyes only",
    });
    expect((await publish(trm, amber)).status).toBe(201);
    expect((await publish(trm, red)).status).toBe(201);
    expect((await as(trm, ["revoke", importedId, "--reason", "wrong channel"])).code).toBe(0);
    // Act
    const run = await as(binance, ["export", "--format", "stix", "--output", "feed.stix.json"]);
    // Assess
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(
      /Exported 3 bulletins as stix \(\d+ TLP:RED notices? or partial histories skipped\)/,
    );
    const bundle = JSON.parse(await readFile(join(dir, "feed.stix.json"), "utf8")) as StixBundle;
    expect(bundle.type).toBe("bundle");
    // The file holds every version: check each version's set of objects separately.
    const latest = new Map(bundle.objects.map((o) => [o.id, o]));
    checkBundle([...latest.values()]);
    const reports = bundle.objects.filter((o) => o.type === "report");
    expect(reports.some((o) => o.name === "Red eyes only")).toBe(false);
    const imported = reports.filter(
      (o) => o.external_references && JSON.stringify(o).includes(importedId),
    );
    expect(imported.map((o) => o.revoked === true)).toEqual([false, true]);
  });

  it("exports a MISP feed folder and CSV", async () => {
    const folder = await as(binance, ["export", "--format", "misp", "--output", "misp-feed/"]);
    expect(folder.code).toBe(0);
    const files = await readdir(join(dir, "misp-feed"));
    const manifest = JSON.parse(
      await readFile(join(dir, "misp-feed", "manifest.json"), "utf8"),
    ) as Record<string, unknown>;
    expect(Object.keys(manifest)).toHaveLength(3);
    for (const uuid of Object.keys(manifest)) expect(files).toContain(`${uuid}.json`);
    const hashes = (await readFile(join(dir, "misp-feed", "hashes.csv"), "utf8"))
      .trim()
      .split("\n");
    expect(hashes.every((line) => /^[0-9a-f]{32},[0-9a-f-]{36}$/.test(line))).toBe(true);

    const csv = await as(binance, ["export", "--format", "csv"]);
    expect(csv.code).toBe(0);
    const lines = csv.stdout.trim().split("\r\n");
    expect(lines[0]).toMatch(/^bulletin_id,issuer,issuer_name,status,tlp,/);
    expect(lines.filter((line) => line.includes(importedId))[0]).toContain(",revoked,green,");
    expect(csv.stdout).not.toContain("Red eyes only");

    const one = await as(binance, ["export", "--format", "misp", "--bulletin", importedId]);
    expect(JSON.parse(one.stdout).Event.Tag.map((tag: { name: string }) => tag.name)).toContain(
      "cordon:revoked",
    );
  });
});
