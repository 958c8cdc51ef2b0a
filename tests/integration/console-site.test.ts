/**
 * The local runtime's console files (local/console-site.ts), over a real HTTP server:
 * `/` and `/console` lead to `/console/`; the build's files are served with the §16
 * headers (hashed assets immutable, the page revalidated); nothing outside the build
 * folder is ever served, however the path is written; an unbuilt console says how to
 * build it; the API's paths are not the site's.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consoleSite } from "../../local/console-site.js";
import { CONSOLE_CSP } from "../../shared/http/console-headers.js";
import { sendRaw } from "../helpers/raw-http.js";

describe("the console's files on the local hub", () => {
  let root: string;
  let server: Server;
  let base: string;
  let apiHits: string[];

  const serve = async (dist: string) => {
    const site = consoleSite(dist);
    const started = createServer((req, res) => {
      if (site.serves(req)) {
        void site.serve(req, res);
        return;
      }
      apiHits.push(req.url ?? "");
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => started.listen(0, "127.0.0.1", resolve));
    return started;
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "cordon-console-site-"));
    await mkdir(join(root, "dist", "assets"), { recursive: true });
    await writeFile(join(root, "dist", "index.html"), "<!doctype html><title>c</title>");
    await writeFile(join(root, "dist", "assets", "app-ABCD1234.js"), "export {};");
    await writeFile(join(root, "dist", ".env"), "SECRET=1");
    await writeFile(join(root, "secret.txt"), "outside");
    apiHits = [];
    server = await serve(join(root, "dist"));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(root, { recursive: true, force: true });
  });

  it("leads / and /console to /console/", async () => {
    for (const path of ["/", "/console", "/?x=1"]) {
      const response = await fetch(`${base}${path}`, { redirect: "manual" });
      expect(response.status, path).toBe(302);
      expect(response.headers.get("location")).toBe("/console/");
    }
  });

  it("serves the page and its assets with the console's security headers", async () => {
    const page = await fetch(`${base}/console/`);
    const asset = await fetch(`${base}/console/assets/app-ABCD1234.js`);
    expect(await page.text()).toContain("<title>c</title>");
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(page.headers.get("cache-control")).toBe("no-cache");
    expect(asset.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    for (const response of [page, asset]) {
      expect(response.headers.get("content-security-policy")).toBe(CONSOLE_CSP);
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("referrer-policy")).toBe("no-referrer");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
    }
    const head = await fetch(`${base}/console/`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    expect((await fetch(`${base}/console/`, { method: "POST" })).status).toBe(405);
  });

  it("serves nothing outside the build folder, nor hidden files, however the path is written", async () => {
    for (const path of [
      "/console/../secret.txt",
      "/console/..%2fsecret.txt",
      "/console/%2e%2e/secret.txt",
      "/console/assets/..%2f..%2fsecret.txt",
      "/console/.env",
      "/console/assets%5c..%5c..%5csecret.txt",
      "/console/%00",
      "/console/%E0%A4%A",
      "/console/assets/",
      "/console/unknown.exe",
    ]) {
      const response = await sendRaw(base, { method: "GET", path });
      expect(response.status, path).toBe(404);
      expect(response.text, path).not.toContain("outside");
      expect(response.text, path).not.toContain("SECRET");
    }
  });

  it("says how to build a console that is not built", async () => {
    const unbuilt = await serve(join(root, "no-such-dist"));
    const port = (unbuilt.address() as AddressInfo).port;
    const response = await fetch(`http://127.0.0.1:${port}/console/`);
    expect(response.status).toBe(404);
    expect(await response.text()).toContain("npm run build:console");
    await new Promise((resolve) => unbuilt.close(resolve));
  });

  it("leaves the API's paths to the API", async () => {
    await fetch(`${base}/v1/me`);
    await fetch(`${base}/health`);
    await fetch(`${base}/consoles`);
    expect(apiHits).toEqual(["/v1/me", "/health", "/consoles"]);
  });
});
