/**
 * `cordon mirror` and `cordon screen --local` as a partner runs them against a real
 * local hub — same output and exit codes as screening through the hub — and a mirror
 * killed mid-sync (a real process, SIGKILL; and a failure injected between a page and
 * its commit) that resumes with no change repeated and none skipped.
 */
import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Mirror, type MirrorStore, openMirrorStore } from "../../cli/sdk/mirror/index.js";
import { bulletinPayload, publish, randomEvmAddress } from "../helpers/bulletins.js";
import { startTestHub, type TestHub, type TestOrg } from "../helpers/hub.js";
import { clientOf, hubScreen, mirrorFolder, openTestMirror } from "../helpers/mirror.js";
import { cordon } from "../unit/cli/memory-io.js";

const evm = (address: string) => ({
  type: "crypto_address" as const,
  chain: "ethereum" as const,
  address,
});

describe("cordon mirror and screen --local", () => {
  let t: TestHub;
  let trm: TestOrg;
  let binance: TestOrg;
  let folder: Awaited<ReturnType<typeof mirrorFolder>>;
  const flagged: string[] = [];

  const env = (org: TestOrg): Record<string, string> => ({
    CORDON_HUB_URL: t.hub.url,
    CORDON_AUDIENCE: t.hub.deps.audience,
    CORDON_ORG: org.id,
    CORDON_KEY_FILE: folder.path(`${org.id}.jwk`),
    CORDON_CONFIG: folder.path("config/profiles.json"),
  });
  const as = (org: TestOrg, args: string[], stdin?: string) =>
    cordon(args, {
      env: env(org),
      cwd: folder.path(""),
      ...(stdin === undefined ? {} : { stdin }),
    });

  beforeAll(async () => {
    t = await startTestHub();
    folder = await mirrorFolder();
    trm = await t.onboard("trm", { type: "forensics", roles: ["publish"] });
    binance = await t.onboard("binance", { roles: ["screen"] });
    for (const org of [trm, binance]) {
      await writeFile(folder.path(`${org.id}.jwk`), JSON.stringify(org.key.privateJwk), {
        mode: 0o600,
      });
    }
    // Enough bulletins for many pages of a few items, some restricted, one red.
    for (let i = 0; i < 40; i += 1) {
      const address = randomEvmAddress();
      flagged.push(address);
      const restricted = i % 10 === 3 ? { tlp: "red" as const, audience: ["binance"] } : {};
      const response = await publish(
        trm,
        bulletinPayload("trm", { ...restricted, indicators: [evm(address)] }),
      );
      expect(response.status, response.text).toBe(201);
      if (i % 7 === 6) {
        await trm.client.raw(
          "POST",
          `/v1/bulletins/${response.body && (response.body as { id: string }).id}/revoke`,
          {
            body: { reason: "retracted" },
          },
        );
      }
    }
  });
  afterAll(async () => {
    await t.stop();
    await folder.remove();
  });

  it("syncs into the profile's mirror file and reports its status", async () => {
    const synced = await as(binance, ["mirror", "sync"]);
    expect(synced.code, synced.stderr).toBe(0);
    expect(synced.stdout).toMatch(/^Synced \d+ changes in 1 page: the mirror holds 40 bulletins/);
    const status = await as(binance, ["--json", "mirror", "status"]);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      path: folder.path("config/mirrors/binance.sqlite"),
      org: "binance",
      hub: t.hub.url,
      bulletins: 40,
      unverifiable: 0,
      screen_role: true,
      set_aside: [],
    });
    const human = await as(binance, ["mirror", "status"]);
    expect(human.stdout).toContain("caught up:");
    expect(human.stdout).toContain("kept aside:   0");
  });

  it("screens locally with the same output and exit code as through the hub", async () => {
    const hit = [
      `ethereum:${flagged[3]}`,
      `ethereum,${flagged[0]?.toUpperCase().replace("0X", "0x")}`,
      `ethereum:${randomEvmAddress()}`,
      "dogecoin:Dxxxx",
      `ethereum:${flagged[6]}`,
    ].join("\n");
    const clean = `ethereum:${randomEvmAddress()}\n`;
    const invalid = "dogecoin:Dxxxx\n";
    for (const input of [hit, clean, invalid]) {
      for (const output of ["table", "json", "csv"]) {
        const remote = await as(binance, ["screen", "--output", output, "-"], input);
        const local = await as(binance, ["screen", "--local", "--output", output, "-"], input);
        expect(local.stdout).toBe(remote.stdout);
        expect(local.code).toBe(remote.code);
        expect(local.stderr).toContain("Screening locally");
      }
    }
    expect((await as(binance, ["screen", "--local", "-"], hit)).code).toBe(1);
    expect((await as(binance, ["screen", "--local", "-"], clean)).code).toBe(0);
  });

  it("refuses a mirror of another organisation, and one that does not exist", async () => {
    const other = await as(
      trm,
      ["screen", "--local", "--mirror", "config/mirrors/binance.sqlite", "-"],
      "x:y",
    );
    expect(other.code).toBe(2);
    expect(other.stderr).toContain("mirrors binance");
    const never = await as(
      binance,
      ["screen", "--local", "--mirror", "never.sqlite", "-"],
      `ethereum:${flagged[0]}`,
    );
    expect(never.code).toBe(2);
    expect(never.stderr).toContain("There is no mirror at");
  });

  it("resumes after being killed mid-sync, again and again: no change repeated, none skipped", async () => {
    const path = folder.path("killed.sqlite");
    const bin = join(process.cwd(), "cli", "bin.js");
    for (const pagesBeforeKill of [3, 7, 12]) {
      const child = spawn(
        process.execPath,
        [bin, "mirror", "sync", "--page-size", "1", "--mirror", path],
        {
          env: { ...process.env, ...env(binance) },
          stdio: ["ignore", "ignore", "pipe"],
        },
      );
      let pages = 0;
      const ended = new Promise<NodeJS.Signals | null>((resolve) =>
        child.on("exit", (_code, signal) => resolve(signal)),
      );
      child.stderr.on("data", (chunk: Buffer) => {
        pages += (chunk.toString().match(/up to change/g) ?? []).length;
        if (pages >= pagesBeforeKill) child.kill("SIGKILL");
      });
      expect(await ended).toBe("SIGKILL");
    }
    const killed = openMirrorStore(path);
    const seen = killed.changes().length;
    killed.close();
    expect(seen).toBeGreaterThan(0);
    const mirror = openTestMirror(t, binance, path, { pageLimit: 2 });
    try {
      const report = await mirror.sync();
      expect(report.applied).toBeGreaterThan(0);
      expect(mirror.store.changes().length).toBeGreaterThan(seen);
      await expectExactly(mirror, binance);
    } finally {
      mirror.close();
    }
  });

  it("resumes after a failure between a page and its commit", async () => {
    const path = folder.path("injected.sqlite");
    const store = openMirrorStore(path);
    let pages = 0;
    // Every fourth page is verified and then lost before its transaction commits.
    const failing: MirrorStore = {
      path: store.path,
      schemaVersion: store.schemaVersion,
      state: () => store.state(),
      bind: (hub, org) => store.bind(hub, org),
      recordIdentity: (roles, status, at) => store.recordIdentity(roles, status, at),
      digests: (ids) => store.digests(ids),
      applyPage: (cursor, page) => {
        pages += 1;
        if (pages % 4 === 0) throw new Error("injected: the process dies before the commit");
        return store.applyPage(cursor, page);
      },
      entriesOf: (indicators) => store.entriesOf(indicators),
      indicatorsAfter: (seq) => store.indicatorsAfter(seq),
      counts: (now) => store.counts(now),
      setAside: () => store.setAside(),
      changes: () => store.changes(),
      close: () => store.close(),
    };
    const mirror = new Mirror({ store: failing, client: clientOf(t, binance), pageLimit: 3 });
    try {
      let failures = 0;
      for (;;) {
        const outcome = await mirror.sync().then(
          () => "done",
          (error: Error) => error.message,
        );
        if (outcome === "done") break;
        expect(outcome).toContain("injected");
        failures += 1;
      }
      expect(failures).toBeGreaterThan(2);
      await expectExactly(mirror, binance);
    } finally {
      mirror.close();
    }
  });

  /** The mirror logged exactly the changes the feed shows `org`, and screens as the hub does. */
  async function expectExactly(mirror: Mirror, org: TestOrg): Promise<void> {
    const seqs: number[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = (
        await org.client.raw("GET", `/v1/bulletins?limit=100${cursor ? `&cursor=${cursor}` : ""}`)
      ).body as { items: { change: { seq: number } }[]; next_cursor: string; has_more: boolean };
      seqs.push(...page.items.map((item) => item.change.seq));
      cursor = page.next_cursor;
      if (!page.has_more) break;
    }
    expect(mirror.store.changes().map((c) => c.seq)).toEqual(seqs);
    expect(mirror.status()).toMatchObject({ bulletins: 40, unverifiable: 0 });
    const inputs = flagged.map(evm);
    expect(mirror.screen(inputs)).toEqual((await hubScreen(org, inputs)).body);
  }
});
