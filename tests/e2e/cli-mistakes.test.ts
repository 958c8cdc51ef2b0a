/**
 * The ordinary mistakes of a new partner (issue 14), each made with the real `cordon`
 * against a real local hub, and each answered with what happened and what to do:
 * refused tokens, unquoted YAML addresses, a sighting's bare address, a listener
 * started before the hub, secrets kept off the command line, hints that keep the
 * profile, revoked keys, the organisation list, an ftp:// webhook, an old capture.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../cli/program.js";
import { signKeyProof } from "../../shared/signatures/key-proof.js";
import { generateSigningKey, publicJwkOf } from "../../shared/signatures/keys.js";
import { startTestHub, type TestHub, type TestOrg } from "../helpers/hub.js";
import { type CliRun, cordon, memoryIo } from "../unit/cli/memory-io.js";

const EVM = "0x52908400098527886E0F7030069857D2E4169EE7";

describe("cordon answers a partner's mistakes with what to do", () => {
  let t: TestHub;
  let dir: string;
  let trm: TestOrg;
  let binance: TestOrg;
  const keyFile = (org: string) => join(dir, `${org}.jwk`);
  const env = (org: string): Record<string, string> => ({
    CORDON_HUB_URL: t.hub.url,
    CORDON_ORG: org,
    CORDON_KEY_FILE: keyFile(org),
    CORDON_CONFIG: join(dir, "profiles.json"),
  });
  const as = (org: string, args: string[], extra: Record<string, string> = {}): Promise<CliRun> =>
    cordon(args, { env: { ...env(org), ...extra }, cwd: dir });

  beforeAll(async () => {
    t = await startTestHub();
    dir = await mkdtemp(join(tmpdir(), "cordon-e2e-mistakes-"));
    trm = await t.onboard("trm", { roles: ["publish", "subscribe"], type: "forensics" });
    binance = await t.onboard("binance", { roles: ["screen", "subscribe"] });
    // The template's audience is binance and group:central-banks.
    await t.onboard("nbt-fmd", { roles: ["screen"], groups: ["central-banks"] });
    for (const org of [trm, binance]) {
      await writeFile(keyFile(org.id), JSON.stringify(org.key.privateJwk), { mode: 0o600 });
    }
    await writeFile(keyFile("hub-admin"), JSON.stringify(t.adminKey.privateJwk), { mode: 0o600 });
  });
  afterAll(async () => {
    await t.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("says which check refused a token: another audience, a suspended organisation", async () => {
    // Prepare
    const suspended = await t.onboard("htx", { roles: ["screen"] });
    await writeFile(keyFile("htx"), JSON.stringify(suspended.key.privateJwk), { mode: 0o600 });
    await t.admin.call("PATCH", "/v1/admin/orgs/htx", { body: { status: "suspended" } });
    // Act
    const audience = await as("binance", ["me"], { CORDON_AUDIENCE: "https://staging.example" });
    const refused = await as("htx", ["me"]);
    // Assess
    expect(audience.code).toBe(2);
    expect(audience.stderr).toContain("Unauthenticated (HTTP 401, audience_mismatch)");
    expect(audience.stderr).toContain(`this hub's audience, which is "cordon"`);
    expect(refused.stderr).toContain("Unauthenticated (HTTP 401, credentials_rejected)");
    expect(refused.stderr).toContain("not suspended");
  });

  it("publishes a YAML bulletin with an unquoted EVM address, from `cordon bulletin new`", async () => {
    // Prepare
    const made = await as("trm", ["bulletin", "new", "case.yaml"]);
    const again = await as("trm", ["bulletin", "new", "case.yaml"]);
    await writeFile(
      join(dir, "evm.yaml"),
      `title: EVM address\ncategory: scam\ntlp: green\nconfidence: 60\nindicators:\n  - {type: crypto_address, chain: ethereum, address: ${EVM}}\n`,
    );
    // Act
    const template = await as("trm", ["--json", "publish", "case.yaml"]);
    const evm = await as("trm", ["--json", "publish", "evm.yaml"]);
    // Assess
    expect(made.code, made.stderr).toBe(0);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("never overwritten");
    expect(template.code, template.stderr).toBe(0);
    expect(evm.code, evm.stderr).toBe(0);
    const published = JSON.parse(evm.stdout) as { bulletin: { indicators: { address: string }[] } };
    expect(published.bulletin.indicators[0]?.address).toBe(EVM);
  });

  it("sighting: takes --chain for a bare address, and prints a 422 once", async () => {
    // Prepare
    const listed = await as("trm", ["--json", "feed"]);
    const bulletin = (JSON.parse(listed.stdout.trim().split("\n").at(-1) ?? "{}") as { id: string })
      .id;
    // Act
    const bare = await as("binance", ["sighting", "--bulletin", bulletin, "--indicator", EVM]);
    const chained = await as("binance", [
      "sighting",
      "--bulletin",
      bulletin,
      "--chain",
      "ethereum",
      "--indicator",
      EVM,
    ]);
    const notNamed = await as("binance", [
      "sighting",
      "--bulletin",
      bulletin,
      "--indicator",
      "tron:TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t",
    ]);
    // Assess
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain("give --chain");
    expect(chained.code, chained.stderr).toBe(0);
    expect(notNamed.code).toBe(2);
    expect(notNamed.stderr.match(/the indicator is not one the bulletin names/g)).toHaveLength(1);
  });

  it("listens before the hub is up, with the secret from a file, and hints keep --profile", async () => {
    // Prepare: the secret in a file, a profile for binance.
    await as("binance", [
      "--hub",
      t.hub.url,
      "--org",
      "binance",
      "--key",
      keyFile("binance"),
      "profile",
      "add",
      "binance",
    ]);
    const io = memoryIo({
      env: { CORDON_CONFIG: join(dir, "profiles.json"), CORDON_HUB_URL: "http://127.0.0.1:9" },
      cwd: dir,
    });
    await writeFile(join(dir, "sub.secret"), "whsec_placeholder\n", { mode: 0o600 });
    // Act: listen while "the hub" (port 9) is down.
    const listening = runCli(
      ["listen", "--port", "0", "--secret-file", "sub.secret", "--save", "captured"],
      io,
    );
    await waitFor(() => io.stderr.text.includes("Listening on"));
    const port = /Listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(io.stderr.text)?.[1];
    const subscribed = await as("binance", [
      "--profile",
      "binance",
      "--json",
      "subscribe",
      `http://127.0.0.1:${port}/hook`,
      "--events",
      "bulletin.published",
    ]);
    const { id, secret } = JSON.parse(subscribed.stdout) as { id: string; secret: string };
    const ping = await cordon(["--profile", "binance", "subscriptions", "test", id], {
      env: { CORDON_CONFIG: join(dir, "profiles.json") },
      cwd: dir,
    });
    await waitFor(() => io.stdout.text.includes("refused (401)"));
    io.controller.abort();
    await listening;
    // Assess
    expect(io.stderr.text).toContain("cannot fetch the hub's keys from http://127.0.0.1:9");
    expect(io.stdout.text).toContain("The hub's keys could not be fetched");
    expect(subscribed.stderr).toContain("cordon --profile binance listen --secret-file FILE");
    expect(ping.code, ping.stderr).toBe(0);
    expect(ping.stdout).toMatch(/see `cordon --profile binance deliveries show \S+ msg_\S+`/);
    // The capture verifies with the secret from CORDON_WEBHOOK_SECRET, and says --tolerance when old.
    const [capture] = await readdir(join(dir, "captured"));
    const file = join("captured", capture ?? "");
    const fromEnv = await as("binance", ["verify-webhook", file], {
      CORDON_WEBHOOK_SECRET: secret,
    });
    const old = (await readFile(join(dir, file), "utf8")).replace(
      /webhook-timestamp: \d+/,
      "webhook-timestamp: 1700000000",
    );
    await writeFile(join(dir, "old.http"), old);
    const tooOld = await as("binance", ["verify-webhook", "old.http"], {
      CORDON_WEBHOOK_SECRET: secret,
    });
    expect(fromEnv.code, fromEnv.stdout + fromEnv.stderr).toBe(0);
    expect(tooOld.code).toBe(1);
    expect(tooOld.stderr).toContain("--tolerance");
  });

  it("refuses an ftp:// webhook as not a web address", async () => {
    const ftp = await as("binance", [
      "subscribe",
      "ftp://example.org/hook",
      "--events",
      "bulletin.published",
    ]);
    expect(ftp.code).toBe(2);
    expect(ftp.stderr).toContain("is not a web address");
    expect(ftp.stderr).not.toContain("must use https");
  });

  it("admin: lists organisations, and shows a revoked key's revocation time", async () => {
    // Prepare: trm rotates; its first key is revoked.
    const { signingKey: next } = await generateSigningKey("Ed25519");
    await trm.client.call("POST", "/v1/keys", {
      body: {
        jwk: publicJwkOf(next.privateJwk),
        proof: await signKeyProof({ iss: "trm", key: next }),
      },
    });
    await t.clientFor("trm", next).call("DELETE", `/v1/keys/${trm.key.kid}`);
    // Act
    const list = await as("hub-admin", ["admin", "org", "list"]);
    const show = await as("hub-admin", ["admin", "org", "show", "trm"]);
    // Assess
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^binance\s+exchange\s+active\s+screen,subscribe\s+-\s+1 active/m);
    expect(list.stdout).toMatch(/^hub-admin\s+other\s+active\s+admin/m);
    const revoked = new RegExp(`key ${trm.key.kid}  revoked  at (\\S+) \\(added (\\S+)\\)`).exec(
      show.stdout,
    );
    expect(revoked).not.toBeNull();
    expect(revoked?.[1]).not.toBe(revoked?.[2]);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
