/**
 * The seed's case, end to end in a real browser, three organisations in three browser
 * contexts, each analyst with a key made in their own browser and registered from
 * its key request by the real `cordon` CLI: a forensics analyst publishes — with the
 * keyboard alone — a TLP:AMBER bulletin about a Tron USDT address and a Telegram
 * channel to an exchange and group:central-banks; the exchange's analyst sees it
 * arrive live, sees its signature and receipt verified in the browser, screens a CSV
 * of 10,000 deposit addresses (progress, hits first, download) and reports a
 * sighting; the central bank's officer sees the bulletin; the forensics analyst sees
 * the sighting and revokes, and the exchange sees the revocation arrive. A TLP:RED
 * bulletin is shown only after a click and is in no cache or storage. Every page is
 * watched for CSP violations and console errors, and photographed.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKeyRequest } from "../../cli/sdk/key-request.js";
import { generateSigningKey } from "../../shared/signatures/keys.js";
import { TRON_USDT_DONATION } from "../helpers/bulletins.js";
import {
  type ConsoleHub,
  cordonCli,
  downloadKeyRequest,
  launchChromium,
  type PageFaults,
  screenshot,
  startConsoleHub,
  tabTo,
  tronAddresses,
  watchedContext,
  writeFigures,
} from "./browser.js";

interface Analyst {
  org: string;
  context: BrowserContext;
  page: Page;
  faults: PageFaults;
}

const TITLE = "ISKP donation address and recruitment channel";
const RED_TITLE = "Undercover source: wallet cluster of a facilitator";
const RED_ADDRESS = tronAddresses(1, 4242)[0] as string;

describe("the analyst console, end to end", () => {
  let h: ConsoleHub;
  let browser: Browser;
  const analysts: Record<string, Analyst> = {};
  let bulletinId = "";
  let cliKeyFile = "";
  const figures: Record<string, unknown> = {};

  const admin = (args: string[]) =>
    cordonCli(["--org", "hub-admin", "--key", h.hub.adminKeyFile, ...args], {
      cwd: h.dir,
      env: { CORDON_HUB_URL: h.url, CORDON_AUDIENCE: "cordon" },
    });

  beforeAll(async () => {
    h = await startConsoleHub();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await h?.stop();
    await writeFigures("flow-figures", figures);
  });

  it("onboards three organisations from key requests their browsers made", async () => {
    const orgs = [
      ["trm", "TRM Labs", "forensics", "publish,subscribe,screen", ""],
      ["binance", "Binance", "exchange", "subscribe,screen", "exchanges"],
      ["nbt-fmd", "NBT financial monitoring", "central_bank", "subscribe,screen", "central-banks"],
    ] as const;
    for (const [org, name, type, roles, groups] of orgs) {
      // Prepare: a fresh browser context, and the sign-in page.
      const { context, page, faults } = await watchedContext(browser);
      analysts[org] = { org, context, page, faults };
      await page.goto(`${h.url}/`);
      await expect.poll(() => page.url()).toBe(`${h.url}/console/`);
      await page.getByRole("heading", { name: "Sign in to Cordon" }).waitFor();
      if (org === "trm") await screenshot(page, "01-sign-in");
      // Act: make a key in the browser and download its key request.
      await page.getByLabel("Your organisation's id").first().fill(org);
      await page.getByRole("button", { name: "Create my key" }).click();
      await page.getByRole("heading", { name: "Your key request" }).waitFor();
      const file = join(h.dir, `${org}.key-request.json`);
      const request = JSON.parse(await downloadKeyRequest(page, file));
      if (org === "trm") await screenshot(page, "02-key-request");
      // Assess: a public key and a proof, nothing private.
      expect(request).toMatchObject({ type: "cordon-key-request", org });
      expect(request.jwk.d).toBeUndefined();
      expect(await page.getByTestId("pending-kid").textContent()).toBe(request.jwk.kid);
      // Act: the hub operator registers it with the real CLI.
      const created = await admin([
        "admin",
        "org",
        "create",
        "--request",
        file,
        "--name",
        name,
        "--type",
        type,
        "--roles",
        roles,
        ...(groups === "" ? [] : ["--groups", groups]),
      ]);
      expect(created.stdout).toContain(`Onboarded ${org}.`);
      await page.getByRole("button", { name: "I have been registered: sign in" }).click();
      // Assess
      await expect.poll(() => page.getByTestId("signed-in-as").textContent()).toContain(`(${org})`);
      const stored = await page.evaluate(`new Promise((resolve) => {
        const open = indexedDB.open("cordon-console");
        open.onsuccess = () => {
          const get = open.result.transaction("identity").objectStore("identity").get("current");
          get.onsuccess = () => resolve({ extractable: get.result.privateKey.extractable, type: get.result.privateKey.type });
        };
      })`);
      expect(stored).toEqual({ extractable: false, type: "private" });
    }
  });

  it("a second analyst of the exchange is registered from the console's Keys page", async () => {
    // Prepare
    const { context, page, faults } = await watchedContext(browser);
    await page.goto(`${h.url}/console/`);
    await page.getByLabel("Your organisation's id").first().fill("binance");
    await page.getByRole("button", { name: "Create my key" }).click();
    const file = join(h.dir, "binance-2.key-request.json");
    const request = JSON.parse(await downloadKeyRequest(page, file));
    const colleague = analysts.binance as Analyst;
    // Act
    await colleague.page.goto(`${h.url}/console/#/keys`);
    await colleague.page.getByLabel("Register a colleague's key request").setInputFiles(file);
    await colleague.page.getByRole("button", { name: "Register key" }).click();
    await colleague.page.getByText(`Registered key ${request.jwk.kid}`).waitFor();
    await page.getByRole("button", { name: "I have been registered: sign in" }).click();
    // Assess
    await expect.poll(() => page.getByTestId("signed-in-as").textContent()).toContain("(binance)");
    expect(faults.errors).toEqual([]);
    await context.close();

    // The exchange's scripts get a key file the same way, for `cordon screen` below.
    const { signingKey } = await generateSigningKey("Ed25519");
    cliKeyFile = join(h.dir, "binance-cli.jwk");
    await writeFile(cliKeyFile, JSON.stringify(signingKey.privateJwk));
    const scriptRequest = join(h.dir, "binance-cli.key-request.json");
    await writeFile(scriptRequest, JSON.stringify(await createKeyRequest("binance", signingKey)));
    await colleague.page
      .getByLabel("Register a colleague's key request")
      .setInputFiles(scriptRequest);
    await colleague.page.getByRole("button", { name: "Register key" }).click();
    await colleague.page.getByText(`Registered key ${signingKey.kid}`).waitFor();
  });

  it("the forensics analyst publishes with the keyboard alone; the exchange sees it arrive live", async () => {
    const trm = analysts.trm as Analyst;
    const binance = analysts.binance as Analyst;
    const nbt = analysts["nbt-fmd"] as Analyst;
    await binance.page.goto(`${h.url}/console/#/feed`);
    await binance.page.getByText("following live").waitFor();
    const page = trm.page;
    await page.goto(`${h.url}/console/#/feed`);
    await page.getByRole("heading", { name: "Feed" }).waitFor();
    // Act: keyboard only, from the navigation to "Sign and publish".
    await tabTo(page, 'nav a[href="#/publish"]');
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Publish a bulletin" }).waitFor();
    await tabTo(page, "#publish-title");
    await page.keyboard.type(TITLE);
    await page.keyboard.press("Tab");
    await page.keyboard.type("Address advertised in a Telegram channel used to raise donations.");
    // Category (terrorist financing) and TLP:AMBER are the defaults; audience:
    await tabTo(page, "#publish-audience");
    await page.keyboard.type("binance");
    await page.keyboard.press("Enter");
    await page.keyboard.type("group:central-banks");
    await page.keyboard.press("Enter");
    await tabTo(page, '[id$="-value"]');
    await page.keyboard.type(TRON_USDT_DONATION.slice(0, -1));
    await expect
      .poll(() => page.getByTestId("indicator-check").first().textContent())
      .toContain("✗");
    await page.keyboard.type(TRON_USDT_DONATION.slice(-1));
    await expect
      .poll(() => page.getByTestId("indicator-check").first().textContent())
      .toContain(`✓ tron:${TRON_USDT_DONATION}`);
    await page.keyboard.press("Tab");
    await page.keyboard.type("USDT");
    await page.keyboard.press("Tab");
    await page.keyboard.type("donation");
    await tabTo(page, "button:not(.remove)", 5);
    expect(await page.evaluate("document.activeElement.textContent")).toBe("Add an indicator");
    await page.keyboard.press("Enter");
    await tabTo(page, "[data-testid=indicator-row]:nth-of-type(2) select");
    await page.keyboard.type("Telegram");
    await tabTo(page, "[data-testid=indicator-row]:nth-of-type(2) input");
    await page.keyboard.type("https://t.me/example_channel");
    await expect
      .poll(() => page.getByTestId("indicator-check").nth(1).textContent())
      .toContain("✓ telegram:example_channel");
    await tabTo(page, "#publish-references");
    await page.keyboard.type("case:2026-0142");
    await expect.poll(() => page.getByTestId("publish-preview").isVisible()).toBe(true);
    await screenshot(page, "03-publish");
    await tabTo(page, "button.primary");
    await page.keyboard.press("Enter");
    // Assess: the bulletin's page, verified in the browser.
    await page.getByTestId("bulletin").waitFor();
    bulletinId = (await page.getByTestId("bulletin").getAttribute("data-id")) ?? "";
    expect(bulletinId).toMatch(/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
    await expect
      .poll(() => page.getByTestId("mark-signature").getAttribute("data-state"))
      .toBe("ok");
    // The exchange's feed shows it without a reload, as published.
    const arrived = binance.page.locator(`[data-testid=feed-item][data-id="${bulletinId}"]`);
    await arrived.waitFor({ timeout: 20_000 });
    expect(await arrived.textContent()).toContain(TITLE);
    expect(await arrived.locator(".change").getAttribute("data-kind")).toBe("published");
    await screenshot(binance.page, "04-feed");
    // …and the central bank's too (group:central-banks).
    await nbt.page.goto(`${h.url}/console/#/feed`);
    await nbt.page.locator(`[data-testid=feed-item][data-id="${bulletinId}"]`).waitFor();
  });

  it("the exchange's analyst verifies it in the browser; the central bank's officer reads it", async () => {
    for (const org of ["binance", "nbt-fmd"]) {
      const page = (analysts[org] as Analyst).page;
      await page.locator(`[data-testid=feed-item][data-id="${bulletinId}"] a`).click();
      await page.getByTestId("bulletin").waitFor();
      await expect
        .poll(() => page.getByTestId("mark-signature").getAttribute("data-state"))
        .toBe("ok");
      await expect
        .poll(() => page.getByTestId("mark-receipt").getAttribute("data-state"))
        .toBe("ok");
      // The log route lands with another issue: verified where the hub has it, else said so.
      await expect
        .poll(() => page.getByTestId("mark-log").getAttribute("data-state"))
        .not.toBe("pending");
      expect(["ok", "unavailable"]).toContain(
        await page.getByTestId("mark-log").getAttribute("data-state"),
      );
      expect(await page.locator(".tlp-banner").textContent()).toContain("TLP:AMBER");
      if (org === "binance") await screenshot(page, "05-bulletin");
    }
  });

  it("the exchange screens a CSV of 10,000 deposit addresses: progress, hits first, download", async () => {
    // Prepare: 10,000 customers' deposit addresses, one of them the donation address.
    const page = (analysts.binance as Analyst).page;
    const addresses = tronAddresses(10_000);
    addresses[7_776] = TRON_USDT_DONATION;
    const csv = `customer_id,chain,address\n${addresses.map((a, i) => `C${100000 + i},tron,${a}`).join("\n")}\n`;
    const file = join(h.dir, "deposits.csv");
    await writeFile(file, csv);
    await page.goto(`${h.url}/console/#/screen`);
    await page.getByLabel("Or a file").setInputFiles(file);
    // Act
    await page.getByRole("button", { name: "Screen", exact: true }).click();
    await page.getByTestId("screen-progress").waitFor();
    await page.getByTestId("screen-summary").waitFor({ timeout: 300_000 });
    // Assess
    const summary = (await page.getByTestId("screen-summary").textContent()) ?? "";
    expect(summary).toContain("Screened 10,000: 1 hit, 0 invalid, 9,999 clean");
    const first = page.locator("[data-testid=screen-results] tbody tr").first();
    expect(await first.getAttribute("data-status")).toBe("hit");
    expect(await first.textContent()).toContain(TRON_USDT_DONATION);
    figures.screen_10000_browser_s = Number(
      await page.getByTestId("screen-summary").getAttribute("data-seconds"),
    );
    await screenshot(page, "06-screening");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download results as CSV" }).click(),
    ]);
    const saved = join(h.dir, "results.csv");
    await download.saveAs(saved);
    const lines = (await readFile(saved, "utf8")).trimEnd().split("\n");
    expect(lines).toHaveLength(10_001);
    expect(lines[0]).toBe(
      "customer_id,chain,address,normalised,status,match_count,bulletins,categories,error",
    );
    expect(lines[1]).toBe(
      `C107776,tron,${TRON_USDT_DONATION},tron:${TRON_USDT_DONATION},hit,1,${bulletinId},terrorist_financing,`,
    );
    // The same 10 batches from the real CLI, for the figures.
    const cli = await cordonCli(["screen", file, "--output", "csv"], {
      cwd: h.dir,
      env: { CORDON_HUB_URL: h.url, CORDON_ORG: "binance", CORDON_KEY_FILE: cliKeyFile },
    });
    expect(cli.code).toBe(1); // "something hit"
    expect(cli.stdout.trimEnd().split("\n")).toHaveLength(10_001);
    const started = performance.now();
    await cordonCli(["--version"], { cwd: h.dir });
    figures.cli_start_ms = performance.now() - started;
    figures.screen_10000_cli_s = cli.ms / 1000;
  });

  it("the exchange reports a sighting; the forensics analyst sees it and revokes; the exchange sees the revocation", async () => {
    const binance = (analysts.binance as Analyst).page;
    // Act: from the hit, one click to the bulletin's sighting form, preselected.
    await binance.getByRole("link", { name: "Report sighting of line 7778" }).click();
    await binance.getByRole("heading", { name: "Report a sighting" }).waitFor();
    expect(await binance.getByLabel("Indicator", { exact: true }).inputValue()).toBe("0");
    await binance
      .getByLabel("Note for the publisher (optional)")
      .fill("Deposit from customer C107776");
    await binance.getByRole("button", { name: "Report sighting" }).click();
    await binance.getByTestId("sighting-reported").waitFor();
    // Assess: the publisher sees it.
    const trm = (analysts.trm as Analyst).page;
    await trm.goto(`${h.url}/console/#/sightings`);
    const sightings = trm.getByTestId("sightings-of");
    await sightings.waitFor();
    expect(await sightings.textContent()).toContain(`tron:${TRON_USDT_DONATION}`);
    expect(await sightings.textContent()).toContain("Deposit from customer C107776");
    await screenshot(trm, "07-sightings");
    // Act: the publisher revokes.
    await binance.goto(`${h.url}/console/#/feed`);
    await trm.goto(`${h.url}/console/#/bulletins/${bulletinId}`);
    await trm.getByLabel("Reason for revoking").fill("Address reassigned by the exchange");
    await trm.getByRole("button", { name: "Revoke this bulletin" }).click();
    await expect.poll(() => trm.getByTestId("bulletin-status").textContent()).toContain("revoked");
    // Assess: the exchange's feed learns of it, live.
    const item = binance.locator(`[data-testid=feed-item][data-id="${bulletinId}"]`);
    await expect
      .poll(() => item.locator(".change").getAttribute("data-kind"), { timeout: 20_000 })
      .toBe("revoked");
    expect(await item.textContent()).toContain("revoked");
  });

  it("shows TLP:RED content only after a click, and keeps it in no cache or storage", async () => {
    // Prepare: the forensics analyst publishes a red bulletin to the exchange only.
    const trm = (analysts.trm as Analyst).page;
    await trm.goto(`${h.url}/console/#/publish`);
    await trm.getByLabel("Title").fill(RED_TITLE);
    await trm.getByLabel("Summary").fill("Shared with one exchange under TLP:RED.");
    await trm.getByLabel("TLP:RED").check();
    await trm.getByLabel("Add an organisation or group").fill("binance");
    await trm.getByRole("button", { name: "Add", exact: true }).click();
    await trm.getByLabel("Indicator 1 address").fill(RED_ADDRESS);
    await trm.getByRole("button", { name: "Sign and publish" }).click();
    // Even its publisher sees TLP:RED content only after the click.
    await trm.getByTestId("reveal-red").waitFor();
    const redId = decodeURIComponent(new URL(trm.url()).hash.split("/").pop() ?? "");
    expect(redId).toMatch(/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
    // Act: the exchange sees it in the feed as a notice, and opens it.
    const binance = (analysts.binance as Analyst).page;
    const reads: string[] = [];
    binance.on("request", (request) => {
      if (new URL(request.url()).pathname === `/v1/bulletins/${redId}`) reads.push(request.url());
    });
    const item = binance.locator(`[data-testid=feed-item][data-id="${redId}"]`);
    await item.waitFor({ timeout: 20_000 });
    expect(await item.textContent()).not.toContain(RED_TITLE);
    await item.locator("a").click();
    await binance.getByTestId("reveal-red").waitFor();
    // Assess: nothing fetched or shown before the click.
    expect(reads).toEqual([]);
    expect(await binance.content()).not.toContain(RED_ADDRESS);
    await screenshot(binance, "08-tlp-red-hidden");
    const answer = binance.waitForResponse(
      (r) => new URL(r.url()).pathname === `/v1/bulletins/${redId}`,
    );
    await binance.getByTestId("reveal-red").click();
    const response = await answer;
    expect(response.headers()["cache-control"]).toBe("no-store");
    await binance.getByRole("heading", { name: RED_TITLE }).waitFor();
    expect(await binance.content()).toContain(RED_ADDRESS);
    // Assess: no Cache Storage, no service worker, nothing red in any storage.
    const stores = (await binance.evaluate(`(async () => {
      const cacheNames = await caches.keys();
      const workers = await navigator.serviceWorker.getRegistrations();
      const databases = await indexedDB.databases();
      const records = [];
      for (const { name } of databases) {
        const db = await new Promise((resolve) => { const open = indexedDB.open(name); open.onsuccess = () => resolve(open.result); });
        for (const storeName of db.objectStoreNames) {
          const all = await new Promise((resolve) => { const get = db.transaction(storeName).objectStore(storeName).getAll(); get.onsuccess = () => resolve(get.result); });
          for (const record of all) records.push(JSON.stringify(record, (k, v) => (v instanceof CryptoKey ? "[CryptoKey]" : v)));
        }
        db.close();
      }
      return JSON.stringify({ cacheNames, workers: workers.length, databases: databases.map((d) => d.name), records,
        local: JSON.stringify({ ...localStorage }), session: JSON.stringify({ ...sessionStorage }) });
    })()`)) as string;
    const found = JSON.parse(stores);
    expect(found.cacheNames).toEqual([]);
    expect(found.workers).toBe(0);
    expect(found.databases).toEqual(["cordon-console"]);
    expect(found.local).toBe("{}");
    expect(found.session).toBe("{}");
    expect(stores).not.toContain(RED_ADDRESS);
    expect(stores).not.toContain(RED_TITLE);
    await screenshot(binance, "09-tlp-red-shown");
    // Leaving the page drops it: back to the feed, the notice says nothing.
    await binance.goto(`${h.url}/console/#/feed`);
    await binance.locator(`[data-testid=feed-item][data-id="${redId}"]`).waitFor();
    expect(await binance.content()).not.toContain(RED_ADDRESS);
    await screenshot(binance, "10-feed-later");
  });

  it("answered every API call but the log's with no-store, and no page had a CSP violation or console error", async () => {
    for (const analyst of Object.values(analysts)) {
      expect(analyst.faults.errors, analyst.org).toEqual([]);
      expect(analyst.faults.apiAnswers.length).toBeGreaterThan(0);
      // The hub's public keys (/.well-known/jwks.json) and its transparency log (the
      // log key, checkpoints, immutable tiles: DESIGN §14) may be cached; nothing else may.
      const cached = analyst.faults.apiAnswers.filter(
        (answer) =>
          answer.url.startsWith("/v1/") &&
          !answer.url.startsWith("/v1/log/") &&
          answer.cacheControl !== "no-store",
      );
      expect(cached, analyst.org).toEqual([]);
    }
  });

  it("signing out forgets the key: it is gone from this browser", async () => {
    const page = (analysts["nbt-fmd"] as Analyst).page;
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in to Cordon" }).waitFor();
    const left = await page.evaluate(`new Promise((resolve) => {
      const open = indexedDB.open("cordon-console");
      open.onsuccess = () => {
        const count = open.result.transaction("identity").objectStore("identity").count();
        count.onsuccess = () => resolve(count.result);
      };
    })`);
    expect(left).toBe(0);
    await page.reload();
    await page.getByRole("heading", { name: "Sign in to Cordon" }).waitFor();
  });
});
