/**
 * What the console's browser suite runs on: Debian's Chromium driven by
 * playwright-core (no browser download), started as this machine needs it (no
 * sandbox as root, no GPU, no QUIC, no background networking — see
 * /work/.library/env/machines/node.md), each launch with a fresh temporary profile;
 * a local hub serving the console's build; and a watch on every page for what the
 * suite must fail on — a Content-Security-Policy violation, an uncaught error, or
 * any console error other than the network log line of an API answer the console
 * expects and handles (404 for a route this hub lacks).
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import AxeBuilder from "@axe-core/playwright";
import { sha256 } from "@noble/hashes/sha2.js";
import { createBase58check } from "@scure/base";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { buildConsole } from "../../console/build.js";
import { adminKeyOf, type LocalHub, startLocalHub } from "../../local/hub.js";
import type { SigningKey } from "../../shared/signatures/types.js";

export const CHROMIUM = process.env.CORDON_CHROMIUM ?? "/usr/bin/chromium";
export const RESULTS_DIR = join(process.cwd(), "test-results", "console");
export const CONSOLE_DIST = join(process.cwd(), "console", "dist");

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

const run = promisify(execFile);

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it).`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export interface ConsoleHub {
  hub: LocalHub;
  url: string;
  dir: string;
  adminKey: SigningKey;
  stop(): Promise<void>;
}

/** A local hub (in memory) serving the console's build, built first if it is missing. */
export async function startConsoleHub(): Promise<ConsoleHub> {
  if (!existsSync(join(CONSOLE_DIST, "index.html"))) await buildConsole();
  const dir = await mkdtemp(join(tmpdir(), "cordon-console-"));
  const hub = await startLocalHub({
    dataDir: join(dir, "data"),
    inMemory: true,
    consoleDir: CONSOLE_DIST,
  });
  await mkdir(RESULTS_DIR, { recursive: true });
  return {
    hub,
    url: hub.url,
    dir,
    adminKey: adminKeyOf(hub),
    stop: async () => {
      await hub.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** What a watched page did wrong; the suite asserts it stays empty. */
export interface PageFaults {
  errors: string[];
  /** Every API answer's URL, status and Cache-Control. */
  apiAnswers: { url: string; status: number; cacheControl: string | undefined }[];
}

const EXPECTED_NETWORK_LOG = /^Failed to load resource: the server responded with a status of 404/;

/** A context (one organisation's analyst) whose pages are all watched for faults. */
export async function watchedContext(
  browser: Browser,
  viewport = DESKTOP,
): Promise<{ context: BrowserContext; page: Page; faults: PageFaults }> {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const faults: PageFaults = { errors: [], apiAnswers: [] };
  // Runs in the page (this project's TypeScript has no DOM types, hence a string).
  await context.addInitScript({
    content: `document.addEventListener("securitypolicyviolation", (event) => {
      console.error("CSP violation: " + event.violatedDirective + " " + event.blockedURI);
    });`,
  });
  context.on("page", (page) => watch(page, faults));
  const page = await context.newPage();
  return { context, page, faults };
}

function watch(page: Page, faults: PageFaults): void {
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    const text = message.text();
    if (EXPECTED_NETWORK_LOG.test(text)) return;
    faults.errors.push(`console error: ${text}`);
  });
  page.on("pageerror", (error) => faults.errors.push(`uncaught: ${error.message}`));
  page.on("response", (response) => {
    const url = new URL(response.url());
    if (!url.pathname.startsWith("/v1/") && !url.pathname.startsWith("/.well-known/")) return;
    faults.apiAnswers.push({
      url: url.pathname,
      status: response.status(),
      cacheControl: response.headers()["cache-control"],
    });
  });
}

/** Serious and critical axe-core violations on the page as it is now. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map(
      (violation) =>
        `${violation.id} (${violation.impact}): ${violation.help} — ${violation.nodes
          .slice(0, 3)
          .map((node) => node.target.join(" "))
          .join(", ")}`,
    );
}

export async function screenshot(page: Page, name: string): Promise<string> {
  const path = join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Presses Tab until the focused element matches `selector` (keyboard-only navigation). */
export async function tabTo(page: Page, selector: string, limit = 80): Promise<void> {
  for (let presses = 0; presses < limit; presses += 1) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(
      `document.activeElement?.matches(${JSON.stringify(selector)}) === true`,
    );
    if (focused === true) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

/**
 * The real `cordon` executable, as the hub operator or a key holder runs it. Exit code
 * 1 ("something hit") is an answer, not a failure; any other non-zero code throws.
 */
export async function cordonCli(
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<{ stdout: string; stderr: string; code: number; ms: number }> {
  const started = performance.now();
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [join(process.cwd(), "cli", "bin.js"), ...args],
      {
        cwd: options.cwd,
        env: { ...process.env, NO_COLOR: "1", ...options.env },
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    return { stdout, stderr, code: 0, ms: performance.now() - started };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    if (failed.code !== 1) throw error;
    return {
      stdout: failed.stdout ?? "",
      stderr: failed.stderr ?? "",
      code: 1,
      ms: performance.now() - started,
    };
  }
}

/** The key request the console offers for download. */
export async function downloadKeyRequest(page: Page, into: string): Promise<string> {
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Download key request" }).click(),
  ]);
  await download.saveAs(into);
  return readFile(into, "utf8");
}

const tronBase58 = createBase58check(sha256);

/** `count` distinct valid Tron addresses (base58check of 0x41 ‖ 20 bytes), seeded. */
export function tronAddresses(count: number, seed = 7): string[] {
  const addresses: string[] = [];
  let state = seed >>> 0;
  for (let i = 0; i < count; i += 1) {
    const bytes = new Uint8Array(21);
    bytes[0] = 0x41;
    for (let j = 1; j < 21; j += 1) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      bytes[j] = state >>> 24;
    }
    addresses.push(tronBase58.encode(bytes));
  }
  return addresses;
}

export async function writeFigures(name: string, figures: Record<string, unknown>): Promise<void> {
  await mkdir(RESULTS_DIR, { recursive: true });
  await writeFile(join(RESULTS_DIR, `${name}.json`), `${JSON.stringify(figures, null, 2)}\n`);
}
