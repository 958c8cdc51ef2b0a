/**
 * The export routes (DESIGN §12, §13), on an in-process hub on an on-disk data folder
 * holding 1,000 bulletins of 10 indicators: TAXII pages of 100 objects (limit=100; a
 * page ends between changes, so it holds whole bulletins) read one after another
 * from the start through a feed token, and the MISP manifest of the 1,000 events.
 *
 * Each request's floor is the same reads done directly: every call the request made
 * to the store (the feed token, its organisation, the log, the bulletins, the
 * publishers' names, the introductions) is recorded as it runs, then made again
 * straight on the store, calls that ran side by side run side by side — so the ratio
 * is what HTTP, authentication and the STIX and MISP mapping add. The collection is
 * walked once first, so introductions are recorded (its steady state: no writes).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLocalHub } from "../../local/hub.js";
import { mapConcurrent } from "../../shared/async/concurrency.js";
import type { Store } from "../../shared/store/types.js";
import { BENCH_RATE_LIMITS } from "../config.js";
import { inProcessAdmin, onboard, publishOrThrow, signedBulletin } from "../fixtures.js";
import { now, type Summary, summarise } from "../stats.js";

export interface InteropResult {
  bulletins: number;
  taxii: {
    pages: number;
    objects_per_page: Summary;
    hub: { latency_ms: Summary };
    floor: { latency_ms: Summary };
  };
  misp: {
    events: number;
    requests: number;
    hub: { latency_ms: Summary };
    floor: { latency_ms: Summary };
  };
}

const COLLECTION = "/taxii2/cordon/collections/4e1b7c1a-6f52-4c55-9d39-8a7c5b0e3f10";
const TAXII = { accept: "application/taxii+json;version=2.1" };

interface Call {
  run: () => Promise<unknown>;
  start: number;
  end: number;
}

/** Records every call made to the store's read ports while a request runs. */
class StoreRecorder {
  private calls: Call[] | undefined;

  constructor(store: Store) {
    const ports = [store.changes, store.orgs, store.introductions, store.feedTokens] as object[];
    for (const port of ports) {
      const target = port as Record<string, unknown>;
      for (const name of methodsOf(port)) {
        const original = (target[name] as (...args: unknown[]) => Promise<unknown>).bind(port);
        target[name] = async (...args: unknown[]) => {
          const call: Call = { run: () => original(...args), start: now(), end: Number.NaN };
          this.calls?.push(call);
          try {
            return await original(...args);
          } finally {
            call.end = now();
          }
        };
      }
    }
  }

  async record<T>(request: () => Promise<T>): Promise<{ result: T; calls: Call[] }> {
    this.calls = [];
    try {
      return { result: await request(), calls: this.calls };
    } finally {
      this.calls = undefined;
    }
  }
}

function methodsOf(port: object): string[] {
  const names = new Set<string>();
  for (let proto = Object.getPrototypeOf(port); proto !== Object.prototype; ) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name !== "constructor" && typeof (port as Record<string, unknown>)[name] === "function")
        names.add(name);
    }
    proto = Object.getPrototypeOf(proto);
  }
  return [...names].filter((name) => !name.startsWith("commit") && name !== "sequence");
}

/**
 * The recorded calls made again, in waves: a call that started before the first of the
 * calls in flight ended ran beside them, so it runs beside them again.
 */
async function replay(calls: readonly Call[]): Promise<number> {
  const waves: Call[][] = [];
  for (const call of [...calls].sort((a, b) => a.start - b.start)) {
    const wave = waves.at(-1);
    if (wave !== undefined && call.start < Math.min(...wave.map((c) => c.end))) wave.push(call);
    else waves.push([call]);
  }
  const started = now();
  for (const wave of waves) await Promise.all(wave.map((call) => call.run()));
  return now() - started;
}

export async function interopStage(options: {
  bulletins: number;
  indicators: number;
  taxiiPages: number;
  mispRequests: number;
  progress: (line: string) => void;
}): Promise<InteropResult> {
  const dataDir = await mkdtemp(join(tmpdir(), "cordon-bench-interop-"));
  const hub = await startLocalHub({
    dataDir,
    sweepIntervalMs: 3_600_000,
    rateLimits: BENCH_RATE_LIMITS,
  });
  try {
    const admin = inProcessAdmin(hub);
    const publisher = await onboard(admin, "interop-publisher", ["publish"], hub.deps.audience);
    const reader = await onboard(admin, "interop-reader", ["subscribe"], hub.deps.audience);
    options.progress(
      `interop: publishing ${options.bulletins} bulletins of ${options.indicators} indicators`,
    );
    await mapConcurrent(
      Array.from({ length: options.bulletins }, (_, i) => i),
      8,
      async () => publishOrThrow(publisher, await signedBulletin(publisher, options.indicators)),
    );
    const created = await reader.client.raw("POST", "/v1/feed-tokens", { body: { name: "bench" } });
    const authorization = `Bearer ${(created.body as { token: string }).token}`;
    const get = (path: string, headers: Record<string, string> = {}) =>
      reader.client.raw("GET", path, { authorization, headers });

    // One walk first: the introductions of the shared objects are then recorded.
    options.progress("interop: a first walk of the TAXII collection");
    for (let next: string | undefined, guard = 0; guard < 100_000; guard++) {
      const page = await get(
        `${COLLECTION}/objects/?limit=1000${next ? `&next=${next}` : ""}`,
        TAXII,
      );
      const body = page.body as { more: boolean; next?: string };
      if (!body.more) break;
      next = body.next;
    }

    const recorder = new StoreRecorder(hub.deps.store);
    options.progress(`interop: ${options.taxiiPages} TAXII pages of 100, each with its floor`);
    const hubMs: number[] = [];
    const floorMs: number[] = [];
    const sizes: number[] = [];
    let next: string | undefined;
    while (hubMs.length < options.taxiiPages) {
      const path = `${COLLECTION}/objects/?limit=100${next ? `&next=${next}` : ""}`;
      const t = now();
      const { result: page, calls } = await recorder.record(() => get(path, TAXII));
      const elapsed = now() - t;
      if (page.status !== 200) throw new Error(`TAXII page: ${page.status} ${page.text}`);
      const body = page.body as { more: boolean; next?: string; objects?: unknown[] };
      hubMs.push(elapsed);
      floorMs.push(await replay(calls));
      sizes.push(body.objects?.length ?? 0);
      next = body.more ? body.next : undefined;
    }

    options.progress(
      `interop: the MISP manifest of ${options.bulletins} events, ${options.mispRequests}×`,
    );
    const mispHub: number[] = [];
    const mispFloor: number[] = [];
    let events = 0;
    for (let i = 0; i < options.mispRequests; i++) {
      const t = now();
      const { result: manifest, calls } = await recorder.record(() => get("/misp/manifest.json"));
      const elapsed = now() - t;
      if (manifest.status !== 200) throw new Error(`MISP manifest: ${manifest.status}`);
      events = Object.keys(manifest.body as object).length;
      mispHub.push(elapsed);
      mispFloor.push(await replay(calls));
    }
    return {
      bulletins: options.bulletins,
      taxii: {
        pages: hubMs.length,
        objects_per_page: summarise(sizes),
        hub: { latency_ms: summarise(hubMs) },
        floor: { latency_ms: summarise(floorMs) },
      },
      misp: {
        events,
        requests: mispHub.length,
        hub: { latency_ms: summarise(mispHub) },
        floor: { latency_ms: summarise(mispFloor) },
      },
    };
  } finally {
    await hub.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}
