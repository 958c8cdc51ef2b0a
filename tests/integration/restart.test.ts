import { mkdtemp, readFile, rm, stat, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LocalHubError } from "../../local/errors.js";
import { startLocalHub } from "../../local/hub.js";
import { startTestHub } from "../helpers/hub.js";
import { discardHubData, testDynamoSettings } from "../helpers/test-tables.js";
import { cordon } from "../unit/cli/memory-io.js";

describe("the local hub's data folder", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map(discardHubData));
  });

  it("keeps organisations, keys and the admin key across a restart", async () => {
    // Prepare
    const dataDir = await mkdtemp(join(tmpdir(), "cordon-restart-"));
    dirs.push(dataDir);
    const first = await startTestHub({ dataDir, inMemory: false });
    const org = await first.onboard("binance", { roles: ["screen"] });
    const adminJwk = await readFile(join(dataDir, "admin.jwk"), "utf8");
    const hubJwks = await (await fetch(`${first.hub.url}/.well-known/jwks.json`)).json();
    expect(first.hub.adminCreated).toBe(true);
    await first.stop();
    // Act
    const second = await startTestHub({ dataDir, inMemory: false });
    // Assess
    expect(second.hub.adminCreated).toBe(false);
    expect(await readFile(join(dataDir, "admin.jwk"), "utf8")).toBe(adminJwk);
    expect(await (await fetch(`${second.hub.url}/.well-known/jwks.json`)).json()).toEqual(hubJwks);
    const me = await second.clientFor("binance", org.key).raw("GET", "/v1/me");
    expect(me.status).toBe(200);
    expect((await second.admin.raw("GET", "/v1/admin/orgs/binance")).status).toBe(200);
    await second.stop();
  });

  it("writes the admin key and the hub secret readable by the owner only", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "cordon-perms-"));
    dirs.push(dataDir);
    const hub = await startTestHub({ dataDir });
    for (const file of ["admin.jwk", "hub-secret.json", "sealing.key"]) {
      expect((await stat(join(dataDir, file))).mode & 0o777).toBe(0o600);
    }
    const adminJwk = JSON.parse(await readFile(join(dataDir, "admin.jwk"), "utf8")) as Record<
      string,
      unknown
    >;
    expect(adminJwk).toMatchObject({
      kty: "OKP",
      crv: "Ed25519",
      kid: expect.any(String),
      d: expect.any(String),
    });
    await hub.stop();
  });
});

describe("a lost admin key and a second hub on one folder or port", () => {
  const dirs: string[] = [];
  const newDir = async (name: string) => {
    const dir = await mkdtemp(join(tmpdir(), `cordon-${name}-`));
    dirs.push(dir);
    return dir;
  };
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it("starts without a lost admin.jwk, never makes a new one, and recovers through the data folder", async () => {
    // Prepare: a hub whose admin key file is then lost.
    const dataDir = await newDir("lost-admin");
    const first = await startTestHub({ dataDir, inMemory: false });
    const oldKey = first.adminKey;
    await first.hub.stop();
    await unlink(join(dataDir, "admin.jwk"));
    // Act 1: it starts, says how to recover, and writes no key.
    const orphan = await startLocalHub({ dataDir, dynamo: testDynamoSettings(dataDir, true) });
    // Assess 1
    expect(orphan.adminKey).toBeUndefined();
    expect(orphan.adminNotice?.text).toContain(`cordon admin recover --data-dir ${dataDir}`);
    await expect(stat(join(dataDir, "admin.jwk"))).rejects.toThrow("ENOENT");
    await orphan.stop();
    // Act 2: the operator recovers, and starts the hub again.
    const recover = await cordon(["admin", "recover", "--data-dir", dataDir]);
    const again = await cordon(["admin", "recover", "--data-dir", dataDir]);
    const recovered = await startTestHub({ dataDir, inMemory: false });
    // Assess 2: the new key works, the lost one is revoked, the recovery applied once.
    expect(recover.code, recover.stderr).toBe(0);
    expect(recover.stdout).toContain("restart the hub");
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("admin.jwk exists");
    expect(recovered.hub.adminNotice?.text).toContain(`revoked its other keys (${oldKey.kid})`);
    expect((await recovered.admin.raw("GET", "/v1/me")).status).toBe(200);
    const lost = recovered.clientFor("hub-admin", oldKey);
    expect((await lost.raw("GET", "/v1/me")).body).toMatchObject({ code: "credentials_rejected" });
    await recovered.stop();
    const fourth = await startLocalHub({ dataDir, dynamo: testDynamoSettings(dataDir, true) });
    expect(fourth.adminNotice).toBeUndefined();
    await fourth.stop();
  });

  it("refuses a second hub on the same data folder with a sentence, and takes over a dead hub's lock", async () => {
    // Prepare
    const dataDir = await newDir("locked");
    const running = await startLocalHub({ dataDir, inMemory: true });
    // Act
    const second = await startLocalHub({ dataDir, inMemory: true }).catch((error) => error);
    await running.stop();
    await writeFile(join(dataDir, "hub.lock"), JSON.stringify({ pid: 2 ** 22 + 17, port: 1 }));
    const afterCrash = await startLocalHub({ dataDir, inMemory: true });
    // Assess
    expect(second).toBeInstanceOf(LocalHubError);
    expect(second).toMatchObject({ code: "ERR_DATA_DIR_IN_USE" });
    expect(second.message).toContain(
      `Another hub (process ${process.pid}) is running on the data folder ${dataDir} on ${running.url}`,
    );
    expect(second.message).toContain("CORDON_DATA_DIR=");
    expect(afterCrash.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await afterCrash.stop();
    await expect(stat(join(dataDir, "hub.lock"))).rejects.toThrow("ENOENT");
  });

  it("refuses a port in use with a sentence, and leaves its own folder unlocked", async () => {
    // Prepare
    const running = await startLocalHub({ dataDir: await newDir("port-a"), inMemory: true });
    const otherDir = await newDir("port-b");
    // Act
    const second = await startLocalHub({
      dataDir: otherDir,
      port: running.port,
      inMemory: true,
    }).catch((error) => error);
    await running.stop();
    // Assess
    expect(second).toMatchObject({ code: "ERR_PORT_IN_USE" });
    expect(second.message).toContain(`Port ${running.port} on 127.0.0.1 is in use`);
    expect(second.message).toContain("PORT=");
    await expect(stat(join(otherDir, "hub.lock"))).rejects.toThrow("ENOENT");
  });
});
