/** The `cordon` program in-process, without a hub: usage, exit codes, keygen, screening output, colours. */
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatHttpMessage } from "../../../cli/http-message.js";
import { colorsFor } from "../../../cli/io.js";
import { decodeBulletinJws } from "../../../shared/signatures/bulletin-jws.js";
import { cordon } from "./memory-io.js";

const TRON = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t";
/** The escape that starts every ANSI colour sequence. */
const ANSI = "\u001b[";

/** A fake hub answering /v1/screen: the Tron donation address is flagged. */
function screeningHub(status = 200): typeof fetch {
  return (async (_url: string | URL | Request, init?: RequestInit) => {
    if (status !== 200) {
      return new Response(
        JSON.stringify({
          type: "https://cordon.dev/problems/unauthenticated",
          title: "Unauthenticated",
          status,
          detail: "The token was issued in the future.",
          code: "token_not_yet_valid",
        }),
        {
          status,
          headers: {
            "content-type": "application/problem+json",
            // The hub's clock is 90 s behind this machine's.
            date: new Date(Date.now() - 90_000).toUTCString(),
          },
        },
      );
    }
    const { indicators } = JSON.parse(Buffer.from(init?.body as Uint8Array).toString()) as {
      indicators: { chain: string; address: string }[];
    };
    const results = indicators.map((indicator) => {
      const hit = indicator.address === TRON;
      return {
        input: indicator,
        normalised: `${indicator.chain}:${indicator.address.toLowerCase()}`,
        match_count: hit ? 1 : 0,
        matches: hit
          ? [
              {
                id: "01JDX3Q8Z6V2M4N5P6R7S8T9VW",
                issuer: "trm",
                category: "terrorist_financing",
                tlp: "amber",
                confidence: 85,
                issued_at: "t",
              },
            ]
          : [],
      };
    });
    return new Response(JSON.stringify({ results }), { status: 200 });
  }) as typeof fetch;
}

describe("the cordon program", () => {
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "cordon-cli-"));
    env = { CORDON_CONFIG: join(dir, "profiles.json") };
    const made = await cordon(["keygen", "--out", "me.jwk"], { cwd: dir, env });
    expect(made.code).toBe(0);
    env = { ...env, CORDON_ORG: "binance", CORDON_KEY_FILE: join(dir, "me.jwk") };
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("exits 0 for --help and --version, 2 for usage errors", async () => {
    const help = await cordon(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Exit codes:");
    expect(help.stdout).toContain("CORDON_KEY_FILE");
    expect((await cordon(["screen", "--help"])).stdout).toContain("chain:address");
    expect((await cordon(["--version"])).code).toBe(0);
    const unknown = await cordon(["scren", "x"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Did you mean screen?");
    expect((await cordon(["keygen"])).code).toBe(2);
    expect((await cordon(["keygen", "--alg", "RS256", "--out", "x"], { cwd: dir })).code).toBe(2);
    expect((await cordon(["subscribe", "https://x", "--events", "bulletin.deleted"])).code).toBe(2);
  });

  it("keygen writes the private key with mode 0600, prints the public key, and never overwrites", async () => {
    // Act
    const run = await cordon(
      ["keygen", "--alg", "ES256", "--kid", "binance-2026", "--out", "k.jwk"],
      { cwd: dir },
    );
    // Assess
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.stdout) as Record<string, string>;
    expect(printed).toMatchObject({ kty: "EC", crv: "P-256", kid: "binance-2026" });
    expect(printed.d).toBeUndefined();
    expect((await stat(join(dir, "k.jwk"))).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(await readFile(join(dir, "k.jwk"), "utf8")) as Record<string, string>;
    expect(stored.d).toBeDefined();
    const again = await cordon(["keygen", "--out", "k.jwk"], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("never overwritten");
    expect(JSON.parse(await readFile(join(dir, "k.jwk"), "utf8"))).toEqual(stored);
  });

  it("says what is missing when no organisation or key is configured", async () => {
    const run = await cordon(["me"], { env: { CORDON_CONFIG: join(dir, "none.json") } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Which organisation");
  });

  it("screen exits 1 on a hit, 0 when clean, 2 on invalid lines alone", async () => {
    const hit = await cordon(["screen", "-"], {
      env,
      fetch: screeningHub(),
      stdin: `tron:${TRON}\nethereum:0x52908400098527886e0f7030069857d2e4169ee7\n`,
    });
    expect(hit.code).toBe(1);
    expect(hit.stdout).toContain("HIT (1)");
    expect(hit.stdout).toContain("Screened 2: 1 hit, 0 invalid, 1 clean.");
    const clean = await cordon(["screen", "-", "--chain", "ethereum"], {
      env,
      fetch: screeningHub(),
      stdin: "0x52908400098527886e0f7030069857d2e4169ee7\n",
    });
    expect(clean.code).toBe(0);
    const invalid = await cordon(["screen", "-"], {
      env,
      fetch: screeningHub(),
      stdin: "tron:Tnotanaddress\n",
    });
    expect(invalid.code).toBe(2);
    expect(invalid.stdout).toContain("invalid");
  });

  it("draws a progress bar on a terminal's stderr for a large input, never on stdout", async () => {
    const lines = Array.from(
      { length: 1500 },
      (_, i) => `ethereum:0x${i.toString(16).padStart(40, "0")}`,
    );
    const run = await cordon(["screen", "-", "--batch-size", "500"], {
      env,
      fetch: screeningHub(),
      stdin: lines.join("\n"),
      tty: true,
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("[##########--------------------] 500/1,500 screened");
    expect(run.stderr).toContain("1,500/1,500 screened");
    expect(run.stdout).not.toContain("screened\r");
    const piped = await cordon(["screen", "-"], {
      env,
      fetch: screeningHub(),
      stdin: lines.join("\n"),
    });
    expect(piped.stderr).toBe("");
  });

  it("screen writes every line as CSV or JSON for scripts", async () => {
    const file = join(dir, "deposits.csv");
    await writeFile(
      file,
      `customer,chain,address\n"Doe, J.",tron,${TRON}\nRoe,ethereum,0x52908400098527886e0f7030069857d2e4169ee7\n`,
    );
    const csv = await cordon(["screen", file, "--output", "csv"], { env, fetch: screeningHub() });
    expect(csv.code).toBe(1);
    expect(csv.stdout.split("\n").slice(0, 2)).toEqual([
      "customer,chain,address,normalised,status,match_count,bulletins,categories,error",
      `"Doe, J.",tron,${TRON},tron:${TRON.toLowerCase()},hit,1,01JDX3Q8Z6V2M4N5P6R7S8T9VW,terrorist_financing,`,
    ]);
    const lines = await cordon(["screen", "-", "--output", "csv"], {
      env,
      fetch: screeningHub(),
      stdin: `tron:${TRON}\n`,
    });
    expect(lines.stdout.split("\n").slice(0, 2)).toEqual([
      "line,input,normalised,status,match_count,bulletins,categories,error",
      `1,tron:${TRON},tron:${TRON.toLowerCase()},hit,1,01JDX3Q8Z6V2M4N5P6R7S8T9VW,terrorist_financing,`,
    ]);
    const json = await cordon(["--json", "screen", file], { env, fetch: screeningHub() });
    const parsed = JSON.parse(json.stdout) as {
      summary: { hits: number };
      results: { line: number; status: string }[];
    };
    expect(parsed.summary.hits).toBe(1);
    expect(parsed.results.map((r) => [r.line, r.status])).toEqual([
      [2, "hit"],
      [3, "clean"],
    ]);
  });

  it("screen keeps a semicolon table's columns and separator, and adds the results", async () => {
    const file = join(dir, "export.csv");
    await writeFile(
      file,
      `\uFEFFcustomer_id;address;status;amount\r\nC-1001;${TRON};open;1250,00\r\nC-1002;TXYZ;open;3,5\r\n`,
    );
    const csv = await cordon(["screen", file, "--chain", "tron", "--output", "csv"], {
      env,
      fetch: screeningHub(),
    });
    expect(csv.code).toBe(1);
    expect(csv.stdout.split("\n").slice(0, 3)).toEqual([
      "customer_id;address;status;amount;normalised;cordon_status;match_count;bulletins;categories;error",
      `C-1001;${TRON};open;1250,00;tron:${TRON.toLowerCase()};hit;1;01JDX3Q8Z6V2M4N5P6R7S8T9VW;terrorist_financing;`,
      "C-1002;TXYZ;open;3,5;;invalid;0;;;Not a Tron address: it decodes to 3 bytes, not 25.",
    ]);
  });

  it("screens an empty file as 0 screened, exit 0 (2 with --fail-if-empty), without asking the hub", async () => {
    const file = join(dir, "quiet-day.csv");
    await writeFile(file, "customer_id,chain,address\n");
    const refuse = (() => {
      throw new Error("the hub was asked");
    }) as unknown as typeof fetch;
    const quiet = await cordon(["screen", file], { env, fetch: refuse });
    const strict = await cordon(["screen", file, "--fail-if-empty"], { env, fetch: refuse });
    expect([quiet.code, quiet.stdout.trim()]).toEqual([
      0,
      "Screened 0: 0 hits, 0 invalid, 0 clean.",
    ]);
    expect(strict.code).toBe(2);
    expect(strict.stderr).toContain("holds nothing to screen");
  });

  it("prints the hub's problem, its reason and what to do, and exits 2 when it refuses", async () => {
    const run = await cordon(["screen", "-"], {
      env,
      fetch: screeningHub(401),
      stdin: `tron:${TRON}\n`,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Unauthenticated (HTTP 401, token_not_yet_valid)");
    expect(run.stderr).toContain("The token was issued in the future.");
    expect(run.stderr).toMatch(/this machine's clock is (8[89]|9[0-2]) s ahead of it/);
    expect(run.stderr).toContain("Set this machine's clock right");
  });

  it("says so when the hub cannot be reached", async () => {
    const run = await cordon(["--hub", "http://127.0.0.1:1", "screen", "-"], {
      env,
      stdin: `tron:${TRON}\n`,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("cannot reach the hub at http://127.0.0.1:1");
  });

  it("publish --dry-run fills and signs a YAML bulletin; an invalid one lists each pointer", async () => {
    const yaml = join(dir, "b.yaml");
    await writeFile(
      yaml,
      `title: Donation address\ncategory: terrorist_financing\ntlp: amber\naudience: [binance]\nconfidence: 85\nindicators:\n  - { type: crypto_address, chain: tron, address: ${TRON} }\n`,
    );
    const run = await cordon(["publish", yaml, "--dry-run"], { env });
    expect(run.code).toBe(0);
    const { bulletin, jws } = JSON.parse(run.stdout) as {
      bulletin: { issuer: string };
      jws: string;
    };
    expect(bulletin.issuer).toBe("binance");
    expect(decodeBulletinJws(jws).payload).toEqual(bulletin);

    const bad = join(dir, "bad.yaml");
    await writeFile(bad, "title: x\ncategory: gossip\ntlp: red\nconfidence: 200\nindicators: []\n");
    const refused = await cordon(["publish", bad], { env });
    expect(refused.code).toBe(2);
    for (const pointer of ["/category", "/confidence", "/indicators"])
      expect(refused.stderr).toContain(`${pointer}:`);

    await writeFile(bad, "title: x\ntitle: y\n");
    expect((await cordon(["publish", bad], { env })).stderr).toContain("not valid YAML");
  });

  it("verify-webhook exits 0 when it verifies, 1 when it does not, 2 without keys", async () => {
    const secret = `whsec_${randomBytes(32).toString("base64")}`;
    const body = JSON.stringify({
      type: "ping",
      timestamp: "t",
      subscription_id: "s1",
      data: { subscription_id: "s1" },
    });
    const at = new Date();
    const message = formatHttpMessage({
      method: "POST",
      path: "/",
      headers: {
        "webhook-id": "msg_1",
        "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
        "webhook-signature": new Webhook(secret).sign("msg_1", at, body),
      },
      body: Buffer.from(body),
    });
    const good = await cordon(["verify-webhook", "--secret", secret], { stdin: message });
    expect(good.code).toBe(0);
    expect(good.stdout).toContain("Verified (v1): ping for subscription s1");
    const bad = await cordon(
      ["verify-webhook", "--secret", `whsec_${randomBytes(32).toString("base64")}`],
      { stdin: message },
    );
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain("Not verified");
    const wrongSubscription = await cordon(
      ["verify-webhook", "--secret", secret, "--subscription", "s2"],
      {
        stdin: message,
      },
    );
    expect(wrongSubscription.code).toBe(1);
    expect((await cordon(["verify-webhook"], { stdin: message })).code).toBe(2);
  });

  it("saves profiles and lists them", async () => {
    const profileEnv = { CORDON_CONFIG: join(dir, "p.json") };
    const add = await cordon(
      [
        "profile",
        "add",
        "binance",
        "--hub",
        "http://127.0.0.1:8080/",
        "--org",
        "binance",
        "--key",
        "me.jwk",
      ],
      {
        cwd: dir,
        env: profileEnv,
      },
    );
    expect(add.code).toBe(0);
    const list = await cordon(["profile", "list"], { env: profileEnv });
    expect(list.stdout).toContain("binance *");
    expect(list.stdout).toContain(join(dir, "me.jwk"));
  });

  it("colours only a terminal, and never with NO_COLOR", () => {
    expect(colorsFor({ write: () => true, isTTY: false }, {}).red("x")).toBe("x");
    expect(colorsFor({ write: () => true, isTTY: true }, {}).red("x")).toContain(ANSI);
    expect(colorsFor({ write: () => true, isTTY: true }, { NO_COLOR: "1" }).red("x")).toBe("x");
    expect(colorsFor({ write: () => true, isTTY: false }, { FORCE_COLOR: "1" }).red("x")).toMatch(
      ANSI,
    );
  });
});
