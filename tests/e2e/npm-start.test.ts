/**
 * `npm start` as a user runs it: it builds the bundle, serves on loopback, and a
 * SIGTERM to npm stops the hub itself (the start script execs node, so no hub is left
 * running behind a stopped npm).
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startHubProcess } from "../helpers/hub-process.js";
import { discardHubData } from "../helpers/test-tables.js";

describe("npm start", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map(discardHubData));
  });

  it("serves the hub and the analyst console, and stops on SIGTERM", async () => {
    // Prepare
    const dataDir = await mkdtemp(join(tmpdir(), "cordon-npm-start-"));
    dirs.push(dataDir);
    const hub = await startHubProcess(dataDir, {}, "npm-start");
    expect((await fetch(`${hub.url}/health`)).status).toBe(200);
    const me = await (await hub.admin()).raw("GET", "/v1/me");
    expect(me.status).toBe(200);
    // npm start builds the console and serves it on the API's origin, / leading to it.
    const root = await fetch(`${hub.url}/`, { redirect: "manual" });
    expect(root.headers.get("location")).toBe("/console/");
    const page = await fetch(`${hub.url}/console/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Cordon analyst console");
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(hub.output()).toContain(`Analyst console: ${hub.url}/console/`);
    // Act
    const code = await hub.kill("SIGTERM");
    // Assess
    expect(code).toBe(0);
    await expect(fetch(`${hub.url}/health`)).rejects.toThrow();
  }, 120_000);

  it("a second hub on the same folder or port says so in one sentence, with no stack trace", async () => {
    // Prepare
    const dataDir = await mkdtemp(join(tmpdir(), "cordon-twice-"));
    const otherDir = await mkdtemp(join(tmpdir(), "cordon-twice-other-"));
    dirs.push(dataDir, otherDir);
    const first = await startHubProcess(dataDir);
    const port = new URL(first.url).port;
    try {
      // Act
      const sameFolder = await startHubProcess(dataDir).catch((error: Error) => error.message);
      const samePort = await startHubProcess(otherDir, { PORT: port }).catch(
        (error: Error) => error.message,
      );
      // Assess
      expect(sameFolder).toContain("the hub exited with 2");
      expect(sameFolder).toContain("The hub did not start: Another hub");
      expect(sameFolder).toContain(`on http://127.0.0.1:${port}`);
      expect(samePort).toContain(`Port ${port} on 127.0.0.1 is in use`);
      for (const output of [sameFolder, samePort]) {
        expect(output).not.toMatch(/^\s+at /m);
        expect(output).not.toMatch(/EADDRINUSE|Database is closed/);
      }
    } finally {
      await first.kill("SIGTERM");
    }
  }, 90_000);
});
