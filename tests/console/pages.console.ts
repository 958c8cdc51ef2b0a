/**
 * Every page of the console, as a keyboard or screen-reader user and a phone user get
 * it: axe-core finds no serious or critical violation on any page, at 1280×800 and at
 * 390 px wide; a key file opens as a non-extractable key; the console's files carry
 * the §16 headers and the API's answers `no-store`; the feed of 1,000 bulletins
 * renders (the time is a figure, not an assertion); the bundle stays within budget.
 * Each page is photographed at both sizes.
 */

import { readFile, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CordonClient } from "../../cli/sdk/client.js";
import { CONSOLE_CSP } from "../../shared/http/console-headers.js";
import { generateSigningKey } from "../../shared/signatures/keys.js";
import type { SigningKey } from "../../shared/signatures/types.js";
import { bulletinPayload, TRON_USDT_DONATION } from "../helpers/bulletins.js";
import {
  CONSOLE_DIST,
  type ConsoleHub,
  DESKTOP,
  launchChromium,
  type PageFaults,
  PHONE,
  screenshot,
  seriousViolations,
  startConsoleHub,
  tronAddresses,
  watchedContext,
  writeFigures,
} from "./browser.js";

const FEED_SIZE = 1_000;

interface Org {
  id: string;
  key: SigningKey;
  keyFile: string;
  client: CordonClient;
}

describe("every page of the console", () => {
  let h: ConsoleHub;
  let browser: Browser;
  let receiver: Server;
  const orgs: Record<string, Org> = {};
  const figures: Record<string, unknown> = {};
  let amberId = "";
  let redId = "";

  const onboard = async (id: string, type: string, roles: string[], groups: string[] = []) => {
    const { signingKey, publicJwk } = await generateSigningKey("Ed25519");
    const admin = new CordonClient({ baseUrl: h.url, orgId: "hub-admin", key: h.adminKey });
    await admin.admin.createOrg({
      id,
      name: `${id} analysts`,
      type: type as "exchange",
      roles: roles as "screen"[],
      groups,
      jwks: { keys: [publicJwk] },
    });
    const keyFile = join(h.dir, `${id}.jwk`);
    await writeFile(keyFile, JSON.stringify(signingKey.privateJwk));
    orgs[id] = {
      id,
      key: signingKey,
      keyFile,
      client: new CordonClient({ baseUrl: h.url, orgId: id, key: signingKey, retries: 10 }),
    };
  };

  /** Opens the console in a new watched context, signed in with a key file. */
  const signedIn = async (org: string, keyFile: string, viewport = DESKTOP) => {
    const watched = await watchedContext(browser, viewport);
    const { page } = watched;
    await page.goto(`${h.url}/console/`);
    await page.getByLabel("Your organisation's id").nth(1).fill(org);
    await page.getByLabel("Key file (JWK)").setInputFiles(keyFile);
    await page.getByRole("button", { name: "Sign in with this key" }).click();
    await expect.poll(() => page.getByTestId("signed-in-as").textContent()).toContain(`(${org})`);
    return watched;
  };

  beforeAll(async () => {
    h = await startConsoleHub();
    browser = await launchChromium();
    receiver = createServer((_req, res) => {
      res.writeHead(503, { "content-type": "text/plain" });
      res.end("receiver down for maintenance");
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    await onboard("trm", "forensics", ["publish", "subscribe", "screen"]);
    await onboard("binance", "exchange", ["subscribe", "screen"], ["exchanges"]);
    const trm = orgs.trm as Org;
    // 1,000 bulletins for the exchange, a few at a time (the hub may rate-limit publishing).
    const addresses = tronAddresses(FEED_SIZE, 99);
    let next = 0;
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        for (let i = next++; i < FEED_SIZE - 1; i = next++) {
          const published = await trm.client.publish(
            bulletinPayload("trm", {
              tlp: i === 0 ? "red" : "amber",
              audience: ["binance"],
              title: i === 0 ? "Undercover source: do not share" : `Donation address ${i}`,
              indicators: [
                {
                  type: "crypto_address",
                  chain: "tron",
                  address: addresses[i] as string,
                  asset: "USDT",
                },
              ],
            }),
          );
          if (i === 0) redId = published.id;
        }
      }),
    );
    // The newest: the one the exchange reports a sighting of.
    amberId = (
      await trm.client.publish(bulletinPayload("trm", { tlp: "amber", audience: ["binance"] }))
    ).id;
    const binance = orgs.binance as Org;
    await binance.client.reportSighting({
      bulletin_id: amberId,
      indicator: `tron:${TRON_USDT_DONATION}`,
      note: "seen at deposit",
    });
    const port = (receiver.address() as { port: number }).port;
    const subscription = await binance.client.subscriptions.create({
      url: `http://127.0.0.1:${port}/hooks`,
      events: ["bulletin.published"],
    });
    await binance.client.subscriptions.test(subscription.id);
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await h?.stop();
    await new Promise((resolve) => receiver?.close(resolve));
    await writeFigures("pages-figures", figures);
  });

  it("renders the feed of 1,000 bulletins (figure: time to first rows and to all)", async () => {
    const { context, page, faults } = await signedIn("binance", (orgs.binance as Org).keyFile);
    // Act: a fresh page load with the key already in this browser.
    await page.reload();
    await page.getByText("following live").waitFor({ timeout: 120_000 });
    // Assess
    expect(await page.getByTestId("feed-count").textContent()).toContain(
      `${FEED_SIZE} of ${FEED_SIZE} bulletins`,
    );
    const marks = (await page.evaluate(`JSON.stringify({
      first: performance.getEntriesByName("cordon:feed-first-rows")[0]?.startTime,
      all: performance.getEntriesByName("cordon:feed-caught-up")[0]?.startTime,
      dom: performance.getEntriesByType("navigation")[0]?.domContentLoadedEventEnd,
    })`)) as string;
    const { first, all, dom } = JSON.parse(marks);
    figures.feed_1000_first_rows_ms = Math.round(first);
    figures.feed_1000_all_rows_ms = Math.round(all);
    figures.feed_1000_dom_content_loaded_ms = Math.round(dom);
    expect(first).toBeGreaterThan(0);
    expect(all).toBeGreaterThanOrEqual(first);
    expect(faults.errors).toEqual([]);
    await context.close();
  });

  for (const [size, viewport] of [
    ["desktop", DESKTOP],
    ["phone", PHONE],
  ] as const) {
    it(`has no serious or critical accessibility violation on any page (${size}, ${viewport.width}×${viewport.height})`, async () => {
      const violations: Record<string, string[]> = {};
      const faults: PageFaults[] = [];
      const check = async (page: Page, name: string) => {
        await page.evaluate("document.fonts.ready");
        const found = await seriousViolations(page);
        if (found.length > 0) {
          violations[name] = found;
          console.log(`axe, ${size} ${name}:`, found);
        }
        await screenshot(page, `${size}-${name}`);
      };

      // Signing in, and a key request.
      const fresh = await watchedContext(browser, viewport);
      faults.push(fresh.faults);
      await fresh.page.goto(`${h.url}/console/`);
      await fresh.page.getByRole("heading", { name: "Sign in to Cordon" }).waitFor();
      await check(fresh.page, "sign-in");
      await fresh.page.getByLabel("Your organisation's id").first().fill("kraken");
      await fresh.page.getByRole("button", { name: "Create my key" }).click();
      await fresh.page.getByRole("button", { name: "Show a new proof" }).click();
      await fresh.page.getByTestId("key-request").waitFor();
      await check(fresh.page, "key-request");
      await fresh.context.close();

      // The exchange's pages.
      const binance = await signedIn("binance", (orgs.binance as Org).keyFile, viewport);
      faults.push(binance.faults);
      const page = binance.page;
      await page.getByText("following live").waitFor({ timeout: 120_000 });
      await check(page, "feed");
      await page.goto(`${h.url}/console/#/bulletins/${amberId}`);
      await expect
        .poll(() => page.getByTestId("mark-signature").getAttribute("data-state"))
        .toBe("ok");
      await expect
        .poll(() => page.getByTestId("mark-log").getAttribute("data-state"))
        .not.toBe("pending");
      await check(page, "bulletin");
      await page.goto(`${h.url}/console/#/bulletins/${redId}`);
      await page.getByTestId("reveal-red").waitFor();
      await check(page, "bulletin-red");
      await page.goto(`${h.url}/console/#/screen`);
      await page
        .getByLabel("Addresses to screen")
        .fill(
          `tron:${TRON_USDT_DONATION}\ntron:T-not-an-address\n${(tronAddresses(3, 5) as string[]).join("\n")}`,
        );
      await page.getByRole("button", { name: "Screen", exact: true }).click();
      await page.getByTestId("screen-summary").waitFor();
      await check(page, "screening");
      await page.goto(`${h.url}/console/#/subscriptions`);
      await page.getByRole("button", { name: "Delivery log" }).click();
      await page.getByTestId("deliveries").waitFor();
      await page
        .getByRole("button", { name: /^Attempts of delivery/ })
        .first()
        .click();
      await page.getByTestId("delivery").waitFor();
      await page
        .getByTestId("delivery")
        .getByText(/attempt|not available/)
        .first()
        .waitFor();
      await check(page, "subscriptions");
      await page.goto(`${h.url}/console/#/keys`);
      await page.getByRole("heading", { name: "Feed tokens", exact: true }).waitFor();
      await page
        .getByText(/not available on this hub|Create feed token/)
        .first()
        .waitFor();
      await check(page, "keys");
      await binance.context.close();

      // The publisher's pages.
      const trm = await signedIn("trm", (orgs.trm as Org).keyFile, viewport);
      faults.push(trm.faults);
      await trm.page.goto(`${h.url}/console/#/publish`);
      await trm.page.getByLabel("Indicator 1 address").fill("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6x");
      await trm.page.getByTestId("publish-problems").waitFor();
      await check(trm.page, "publish");
      await trm.page.goto(`${h.url}/console/#/sightings`);
      await trm.page.getByTestId("sightings-of").waitFor({ timeout: 60_000 });
      await check(trm.page, "sightings");
      await trm.page.goto(`${h.url}/console/#/bulletins/${amberId}`);
      await trm.page.getByRole("heading", { name: "Revoke or supersede" }).waitFor();
      await check(trm.page, "bulletin-publisher");
      await trm.context.close();

      // The hub operator's page.
      const admin = await signedIn("hub-admin", h.hub.adminKeyFile, viewport);
      faults.push(admin.faults);
      await admin.page.goto(`${h.url}/console/#/admin`);
      await admin.page.getByTestId("org").first().waitFor();
      await check(admin.page, "organisations");
      await admin.context.close();

      expect(violations).toEqual({});
      for (const watched of faults) expect(watched.errors).toEqual([]);
    });
  }

  it("serves the console's files with the §16 headers, and the API's answers with no-store", async () => {
    const index = await fetch(`${h.url}/console/`);
    const html = await index.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] as string);
    expect(assets).toHaveLength(3);
    for (const response of [
      index,
      ...(await Promise.all(assets.map((asset) => fetch(`${h.url}/console/${asset}`)))),
    ]) {
      expect(response.status).toBe(200);
      expect(response.headers.get("content-security-policy")).toBe(CONSOLE_CSP);
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    }
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).not.toMatch(/unsafe-inline|unsafe-eval/);
    for (const directive of [
      "connect-src 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "object-src 'none'",
    ]) {
      expect(CONSOLE_CSP).toContain(directive);
    }
    // No inline script or style in the page itself.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|style=/);
    // Outside the build folder, nothing: not even with an encoded `..`.
    for (const path of [
      "/console/..%2fpackage.json",
      "/console/../package.json",
      "/console/%2e%2e/package.json",
      "/console/.hidden",
    ]) {
      expect((await fetch(`${h.url}${path}`)).status, path).not.toBe(200);
    }
    const problem = await fetch(`${h.url}/v1/nothing-here`);
    expect(problem.status).toBe(404);
    expect(problem.headers.get("cache-control")).toBe("no-store");
  });

  it("keeps the console's JavaScript within 250 KB gzipped (a figure too)", async () => {
    const report = JSON.parse(await readFile(join(CONSOLE_DIST, "build-report.json"), "utf8"));
    figures.bundle_js_gzip_kb = Math.round(report.js_gzip_bytes / 102.4) / 10;
    figures.bundle_js_kb = Math.round(report.js_bytes / 102.4) / 10;
    figures.bundle_css_gzip_kb = Math.round(report.css_gzip_bytes / 102.4) / 10;
    expect(report.js_gzip_bytes).toBeLessThanOrEqual(250 * 1024);
  });
});
