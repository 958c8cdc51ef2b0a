/**
 * The `cordon` command line against a real local hub, as a partner would use it:
 * keys, onboarding, rotation, publishing, reading, screening, sightings, webhooks.
 * Commands run in-process (same program, buffers for streams); one test runs the
 * real executable as a child process.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../cli/program.js";
import { LOCAL_CREDENTIALS } from "../../local/dynamo.js";
import { startTestHub, type TestHub } from "../helpers/hub.js";
import { startTestTable } from "../helpers/test-tables.js";
import { type CliRun, cordon, memoryIo } from "../unit/cli/memory-io.js";

const TRON = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t";
const run = promisify(execFile);

describe("cordon against a local hub", () => {
  let t: TestHub;
  let dir: string;
  const env = (org: string, keyFile: string): Record<string, string> => ({
    CORDON_HUB_URL: t.hub.url,
    CORDON_AUDIENCE: t.hub.deps.audience,
    CORDON_ORG: org,
    CORDON_KEY_FILE: join(dir, keyFile),
    CORDON_CONFIG: join(dir, "profiles.json"),
  });
  const as = (org: string, keyFile: string, args: string[], stdin?: string): Promise<CliRun> =>
    cordon(args, { env: env(org, keyFile), cwd: dir, ...(stdin === undefined ? {} : { stdin }) });
  const admin = (args: string[]) =>
    cordon(["--org", "hub-admin", "--key", t.hub.adminKeyFile, ...args], {
      env: env("x", "x"),
      cwd: dir,
    });

  let bulletinId = "";

  beforeAll(async () => {
    t = await startTestHub();
    dir = await mkdtemp(join(tmpdir(), "cordon-e2e-cli-"));
  });
  afterAll(async () => {
    await t.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("keygen, then the operator onboards the organisation from its public key alone", async () => {
    // Prepare
    const keygen = await cordon(["keygen", "--out", "trm.jwk"], { cwd: dir });
    expect(keygen.code).toBe(0);
    await writeFile(join(dir, "trm.pub.jwk"), keygen.stdout);
    // Act
    const added = await admin([
      "admin",
      "org",
      "add",
      "--id",
      "trm",
      "--name",
      "TRM Labs",
      "--type",
      "forensics",
      "--roles",
      "publish,subscribe,screen",
      "--public-jwk",
      "trm.pub.jwk",
    ]);
    // Assess
    expect(added.code).toBe(0);
    expect(added.stdout).toContain("Onboarded trm.");
    const me = await as("trm", "trm.jwk", ["--json", "me"]);
    expect(me.code).toBe(0);
    expect(JSON.parse(me.stdout)).toMatchObject({
      id: "trm",
      type: "forensics",
      roles: ["publish", "subscribe", "screen"],
      keys: [{ kid: JSON.parse(keygen.stdout).kid, status: "active" }],
    });
  });

  it("refuses to send a private key to the hub", async () => {
    const leaked = await admin([
      "admin",
      "org",
      "add",
      "--id",
      "leaky",
      "--name",
      "Leaky",
      "--type",
      "other",
      "--roles",
      "screen",
      "--public-jwk",
      "trm.jwk",
    ]);
    expect(leaked.code).toBe(2);
    expect(leaked.stderr).toContain("holds a PRIVATE key");
  });

  it("onboards the exchanges and the central bank; a second onboarding is a 409", async () => {
    for (const [id, type, roles, groups] of [
      ["binance", "exchange", "screen,subscribe", "exchanges"],
      ["kraken", "exchange", "screen,subscribe", ""],
      ["nbt-fmd", "central_bank", "screen,subscribe", "central-banks"],
    ] as const) {
      const keygen = await cordon(["keygen", "--out", `${id}.jwk`], { cwd: dir });
      await writeFile(join(dir, `${id}.pub.jwk`), keygen.stdout);
      const args = [
        "admin",
        "org",
        "add",
        "--id",
        id,
        "--name",
        id,
        "--type",
        type,
        "--roles",
        roles,
      ];
      if (groups !== "") args.push("--groups", groups);
      expect((await admin([...args, "--public-jwk", `${id}.pub.jwk`])).code).toBe(0);
    }
    const again = await admin([
      "admin",
      "org",
      "add",
      "--id",
      "binance",
      "--name",
      "B",
      "--type",
      "exchange",
      "--roles",
      "screen",
      "--public-jwk",
      "binance.pub.jwk",
    ]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("HTTP 409");
    const shown = await admin(["--json", "admin", "org", "show", "nbt-fmd"]);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      type: "central_bank",
      groups: ["central-banks"],
    });
  });

  it("suspends and activates an organisation", async () => {
    expect((await admin(["admin", "org", "suspend", "kraken"])).stdout).toContain(
      "kraken is now suspended",
    );
    const refused = await as("kraken", "kraken.jwk", ["me"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("HTTP 401");
    expect((await admin(["admin", "org", "activate", "kraken"])).code).toBe(0);
    expect((await as("kraken", "kraken.jwk", ["me"])).code).toBe(0);
  });

  it("rotates a key: add the new one with proof, revoke the old one, the old one is refused", async () => {
    const oldKid = JSON.parse(await readFile(join(dir, "trm.pub.jwk"), "utf8")).kid as string;
    // A key id may begin with "-" (1 thumbprint in 64 does): the CLI must take it as an id.
    const newKid = "-trm-rotated";
    const generated = await cordon(["keygen", "--kid", newKid, "--out", "trm-2.jwk"], { cwd: dir });
    expect(generated.code).toBe(0);
    const added = await as("trm", "trm.jwk", ["key", "add", "--new-key", "trm-2.jwk"]);
    expect(added.code).toBe(0);
    const revoked = await as("trm", "trm-2.jwk", ["key", "revoke", oldKid]);
    expect(revoked.code).toBe(0);
    expect((await as("trm", "trm.jwk", ["me"])).code).toBe(2);
    const keys = await as("trm", "trm-2.jwk", ["--json", "key", "list"]);
    expect(JSON.parse(keys.stdout)).toEqual([
      expect.objectContaining({ kid: oldKid, status: "revoked" }),
      expect.objectContaining({ status: "active" }),
    ]);
    expect(JSON.parse(keys.stdout)[1].kid).toBe(newKid);
    const lastKey = await as("trm", "trm-2.jwk", ["key", "revoke", newKid]);
    expect(lastKey.code).toBe(2);
    expect(lastKey.stderr).toContain("HTTP 409");
  });

  it("publishes a YAML bulletin, with a signed receipt; re-publishing the same file is idempotent", async () => {
    await writeFile(
      join(dir, "bulletin.yaml"),
      [
        "id: 01JDX3Q8Z6V2M4N5P6R7S8T9VW",
        "title: ISKP donation address and recruitment channel",
        "category: terrorist_financing",
        "tlp: amber",
        "audience: [binance, group:central-banks]",
        "confidence: 85",
        "indicators:",
        `  - { type: crypto_address, chain: tron, address: ${TRON}, asset: USDT, role: donation }`,
        "  - { type: telegram_channel, value: https://t.me/example_channel }",
        "",
      ].join("\n"),
    );
    const published = await as("trm", "trm-2.jwk", ["--json", "publish", "bulletin.yaml"]);
    expect(published.stderr).toBe("");
    expect(published.code).toBe(0);
    const result = JSON.parse(published.stdout) as {
      id: string;
      created: boolean;
      receipt: string;
    };
    expect(result).toMatchObject({ id: "01JDX3Q8Z6V2M4N5P6R7S8T9VW", created: true });
    bulletinId = result.id;
    const again = await as("trm", "trm-2.jwk", ["publish", "bulletin.yaml"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("already published");
  });

  it("shows the bulletin to its audience only; the feed lists it", async () => {
    const got = await as("binance", "binance.jwk", ["get", bulletinId]);
    expect(got.code).toBe(0);
    expect(got.stdout).toContain(`tron:${TRON} (USDT, donation)`);
    expect((await as("nbt-fmd", "nbt-fmd.jwk", ["get", bulletinId])).code).toBe(0);
    const hidden = await as("kraken", "kraken.jwk", ["get", bulletinId]);
    expect(hidden.code).toBe(2);
    expect(hidden.stderr).toContain("HTTP 404");
    const feed = await as("binance", "binance.jwk", ["feed"]);
    expect(feed.code).toBe(0);
    expect(feed.stdout).toContain(bulletinId);
    expect(feed.stderr).toMatch(/1 change\. Resume with: --cursor \S+/);
  });

  it("verifies the bulletin's signature and receipt, by id or from a saved file", async () => {
    const byId = await as("binance", "binance.jwk", ["verify-bulletin", bulletinId]);
    expect(byId.code).toBe(0);
    expect(byId.stdout).toContain("Signature valid");
    expect(byId.stdout).toContain("Receipt valid");
    const saved = await as("binance", "binance.jwk", ["--json", "get", bulletinId]);
    await writeFile(join(dir, "saved.json"), saved.stdout);
    expect((await as("binance", "binance.jwk", ["verify-bulletin", "saved.json"])).code).toBe(0);
    const view = JSON.parse(saved.stdout) as { jws: string };
    const [header, payload, signature] = view.jws.split(".");
    const forged = Buffer.from(
      Buffer.from(payload ?? "", "base64url")
        .toString()
        .replace('"confidence":85', '"confidence":15'),
    ).toString("base64url");
    await writeFile(join(dir, "forged.jws"), `${header}.${forged}.${signature}`);
    const bad = await as("binance", "binance.jwk", ["verify-bulletin", "forged.jws"]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain("does not verify");
  });

  it("screens: exit 1 with the hit for binance, 0 for kraken, which may not see it", async () => {
    const deposits = `# deposits\ntron:${TRON}\nethereum,0x52908400098527886e0f7030069857d2e4169ee7\n`;
    const hit = await as("binance", "binance.jwk", ["screen", "-"], deposits);
    expect(hit.code).toBe(1);
    expect(hit.stdout).toMatch(
      new RegExp(
        `2\\s+tron:${TRON}\\s+HIT \\(1\\)\\s+${bulletinId} terrorist_financing TLP:AMBER trm 85%`,
      ),
    );
    const clean = await as("kraken", "kraken.jwk", ["screen", "-"], deposits);
    expect(clean.code).toBe(0);
  });

  it("reports a sighting under a pseudonym, which the publisher lists", async () => {
    const reported = await as("binance", "binance.jwk", [
      "sighting",
      "--bulletin",
      bulletinId,
      "--indicator",
      `tron:${TRON}`,
      "--note",
      "deposit of 1,250 USDT",
    ]);
    expect(reported.code).toBe(0);
    expect(reported.stdout).toMatch(/as from anon-\w+ \(a pseudonym/);
    const listed = await as("trm", "trm-2.jwk", ["sightings", bulletinId]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(`tron:${TRON}`);
    expect(listed.stdout).toContain("deposit of 1,250 USDT");
    expect(listed.stdout).not.toContain("binance");
  });

  it("subscribes, listens, verifies a ping and a publication, and shows the deliveries", async () => {
    // Prepare: a free port for the receiver, so the subscription can name it first.
    const port = await freePort();
    const subscribed = await as("binance", "binance.jwk", [
      "--json",
      "subscribe",
      `http://127.0.0.1:${port}/cordon`,
      "--events",
      "bulletin.published",
      "--category",
      "terrorist_financing",
    ]);
    expect(subscribed.code).toBe(0);
    expect(subscribed.stderr).toContain("shown only this once");
    const subscription = JSON.parse(subscribed.stdout) as { id: string; secret: string };
    const io = memoryIo({ env: env("binance", "binance.jwk"), cwd: dir });
    const listening = runCli(
      ["listen", "--port", String(port), "--secret", subscription.secret, "--save", "captured"],
      io,
    );
    await waitFor(() => io.stderr.text.includes("Listening on"));
    // Act
    expect(
      (await as("binance", "binance.jwk", ["subscriptions", "test", subscription.id])).code,
    ).toBe(0);
    await writeFile(
      join(dir, "second.json"),
      JSON.stringify({
        title: "Second address",
        category: "terrorist_financing",
        tlp: "amber",
        audience: ["binance"],
        confidence: 70,
        indicators: [
          {
            type: "crypto_address",
            chain: "ethereum",
            address: "0x52908400098527886e0f7030069857d2e4169ee7",
          },
        ],
      }),
    );
    const second = await as("trm", "trm-2.jwk", ["--json", "publish", "second.json"]);
    const secondId = (JSON.parse(second.stdout) as { id: string }).id;
    await waitFor(() => io.stdout.text.includes(`bulletin.published ${secondId}`));
    await waitFor(() => io.stdout.text.includes("ping for subscription"));
    io.controller.abort();
    // Assess
    expect(await listening).toBe(0);
    expect(io.stdout.text).toContain("[v1 ✔ v1a ✔]");
    expect(io.stdout.text).not.toContain("refused");
    const list = await as("binance", "binance.jwk", ["subscriptions"]);
    expect(list.stdout).toContain(subscription.id);
    const deliveries = await as("binance", "binance.jwk", [
      "--json",
      "deliveries",
      subscription.id,
    ]);
    const items = (
      JSON.parse(deliveries.stdout) as { items: { event_type: string; status: string }[] }
    ).items;
    expect(items.map((d) => [d.event_type, d.status])).toEqual(
      expect.arrayContaining([
        ["ping", "delivered"],
        ["bulletin.published", "delivered"],
      ]),
    );
    // A saved capture verifies later, with the secret or with the hub's keys.
    const saved = (await import("node:fs/promises")).readdir(join(dir, "captured"));
    const file = join(dir, "captured", (await saved)[0] ?? "");
    expect((await cordon(["verify-webhook", file, "--secret", subscription.secret])).code).toBe(0);
    const viaHub = await cordon(["verify-webhook", file, "--hub", t.hub.url]);
    expect(viaHub.stderr).toBe("");
    expect(viaHub.code).toBe(0);
    expect(
      (await cordon(["verify-webhook", file, "--hub", t.hub.url, "--subscription", "sub_other"]))
        .code,
    ).toBe(1);
  });

  it("revokes the bulletin; the feed shows it again, revoked", async () => {
    const revoked = await as("trm", "trm-2.jwk", [
      "revoke",
      bulletinId,
      "--reason",
      "address reassigned",
    ]);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain("address reassigned");
    const feed = await as("binance", "binance.jwk", ["--json", "feed"]);
    const items = feed.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { id: string; status: string });
    expect(items.filter((item) => item.id === bulletinId).map((item) => item.status)).toEqual([
      "revoked",
      "revoked",
    ]);
  });

  it("bootstraps the first administrator into a DynamoDB table, once", async () => {
    const dynamo = await startTestTable();
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = LOCAL_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = LOCAL_CREDENTIALS.secretAccessKey;
    try {
      await cordon(["keygen", "--out", "hub-admin.jwk"], { cwd: dir }).then((r) =>
        writeFile(join(dir, "hub-admin.pub.jwk"), r.stdout),
      );
      const args = [
        "admin",
        "bootstrap",
        "--table",
        dynamo.tableName,
        "--public-jwk",
        "hub-admin.pub.jwk",
        "--region",
        "us-east-1",
        "--endpoint",
        dynamo.endpoint,
      ];
      const first = await cordon(args, { cwd: dir });
      expect(first.code).toBe(0);
      expect(first.stdout).toContain("Created the administrator organisation hub-admin");
      const second = await cordon(args, { cwd: dir });
      expect(second.code).toBe(0);
      expect(second.stdout).toContain("already exists");
      const refused = await cordon([...args.slice(0, 5), "hub-admin.jwk", ...args.slice(6)], {
        cwd: dir,
      });
      expect(refused.code).toBe(2);
    } finally {
      process.env.AWS_ACCESS_KEY_ID = saved.id;
      process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
      if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
      if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
      await dynamo.stop();
    }
  });

  it("runs as a real executable: bin.js --help and keygen", async () => {
    const bin = join(process.cwd(), "cli", "bin.js");
    const help = await run(process.execPath, [bin, "--help"]);
    expect(help.stdout).toContain("Usage: cordon");
    await run(process.execPath, [bin, "keygen", "--out", join(dir, "child.jwk")]);
    expect((await stat(join(dir, "child.jwk"))).mode & 0o777).toBe(0o600);
    const failed = await run(process.execPath, [
      bin,
      "keygen",
      "--out",
      join(dir, "child.jwk"),
    ]).catch((error: { code: number }) => error);
    expect((failed as { code: number }).code).toBe(2);
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

async function waitFor(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
