import { mkdtemp, readFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startTestHub } from "../helpers/hub.js";
import { discardHubData } from "../helpers/test-tables.js";

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
