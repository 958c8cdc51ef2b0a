/**
 * Where a CPU profile's time went: self time by area (a package under node_modules,
 * a folder of this repository, Node's internals, GC, idle) and the hottest
 * functions. `npx tsx bench/profile.ts bench/results/hub.cpuprofile` prints it; the
 * benchmark calls it on the hub's profile when run with BENCH_PROFILE=1.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  total_ms: number;
  /** Share of all sampled time (idle included) spent busy. */
  busy_share: number;
  /**
   * Busy time by component. Node's own frames (and native ones) count for the
   * nearest caller that belongs to a package or to this repository, so a
   * `JSON.parse` called by the SDK counts as the SDK's; what no package called
   * (socket reads, HTTP parsing, timers) stays with the Node.js runtime.
   */
  components: { component: string; ms: number; share_of_busy: number }[];
  areas: { area: string; ms: number; share_of_busy: number }[];
  functions: { name: string; where: string; area: string; ms: number; share_of_busy: number }[];
}

/** The area a script belongs to: `dynalite`, `@aws-sdk/…`, `shared/store`, `node:internal`, … */
export function areaOf(url: string, functionName: string): string {
  if (url === "") {
    if (functionName === "(idle)") return "(idle)";
    if (functionName === "(garbage collector)") return "(garbage collector)";
    if (functionName === "(program)") return "(program)";
    return "(native)";
  }
  if (url.startsWith("node:")) return "node:internal";
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules?.[1] !== undefined) return modules[1];
  // The hub as `npm start` runs it: one bundle of Cordon's code (packages stay outside it).
  if (url.includes("/.cordon-build/")) return "local/bundle";
  const repo = /\/(shared|local|lambdas|cli|bench)\/([^/]+)/.exec(url);
  if (repo !== null) return `${repo[1]}/${repo[2]?.replace(/\.[jt]s$/, "")}`;
  return url;
}

const COMPONENTS: readonly (readonly [string, RegExp])[] = [
  ["Cordon's code (shared/, local/, lambdas/)", /^(shared|local|lambdas)\//],
  [
    "Cordon's libraries (jose, zod, middy, Powertools, standardwebhooks…)",
    /^(jose|zod|ulid|ipaddr\.js|standardwebhooks|fast-sha256|@stablelib\/.*|@noble\/.*|@scure\/.*|@middy\/.*|@aws-lambda-powertools\/.*)$/,
  ],
  [
    "AWS SDK client (@aws-sdk, @smithy)",
    /^(@aws-sdk|@smithy|@aws-crypto)\/|^(fast-xml-parser|strnum|tslib|bowser)$/,
  ],
  [
    "dynalite: embedded DynamoDB server and LevelDB",
    /^(dynalite|classic-level|abstract-level|memory-level|level|level-.*|module-error|lazy|lock|big\.js|async|buffer-crc32|once|catering|functional-red-black-tree|maybe-combine-errors|napi-macros|node-gyp-build)$/,
  ],
  [
    "fauxqs: embedded SQS server (fastify)",
    /^(fauxqs|fastify|@fastify\/.*|find-my-way|avvio|ajv|ajv-.*|pino|pino-.*|light-my-request|json-schema-.*|toad-cache|rfdc|secure-json-parse|safe-regex2|ret|process-warning|abstract-logging|sonic-boom|thread-stream|fast-(?!sha256).*)$/,
  ],
  ["tsx (TypeScript loader; the benchmark's processes)", /^(tsx|esbuild|get-tsconfig|wasm:.*)$/],
  ["the benchmark", /^bench\//],
];

function componentOf(area: string): string | undefined {
  if (area === "(garbage collector)") return "garbage collector";
  if (area === "node:internal" || area === "(native)" || area === "(program)") return undefined;
  return COMPONENTS.find(([, pattern]) => pattern.test(area))?.[0] ?? `other: ${area}`;
}

export function summariseProfile(profile: CpuProfile, top = 25): ProfileSummary {
  const parentOf = new Map<number, number>();
  const nodesById = new Map<number, ProfileNode>();
  for (const node of profile.nodes) {
    nodesById.set(node.id, node);
    for (const child of node.children ?? []) parentOf.set(child, node.id);
  }
  const componentCache = new Map<number, string>();
  const attributed = (id: number): string => {
    const cached = componentCache.get(id);
    if (cached !== undefined) return cached;
    let current: number | undefined = id;
    let found = "Node.js runtime: HTTP, sockets, timers (called by no package)";
    while (current !== undefined) {
      const frame = nodesById.get(current)?.callFrame;
      const component =
        frame === undefined ? undefined : componentOf(areaOf(frame.url, frame.functionName));
      if (component !== undefined) {
        found = component;
        break;
      }
      current = parentOf.get(current);
    }
    componentCache.set(id, found);
    return found;
  };
  const byComponent = new Map<string, number>();
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i += 1) {
    const id = profile.samples[i] as number;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const byArea = new Map<string, number>();
  const byFunction = new Map<string, { name: string; where: string; area: string; us: number }>();
  let total = 0;
  for (const node of profile.nodes) {
    const us = self.get(node.id) ?? 0;
    if (us === 0) continue;
    total += us;
    const { functionName, url, lineNumber } = node.callFrame;
    const area = areaOf(url, functionName);
    byArea.set(area, (byArea.get(area) ?? 0) + us);
    if (area !== "(idle)") {
      const component = attributed(node.id);
      byComponent.set(component, (byComponent.get(component) ?? 0) + us);
    }
    const where = url === "" ? "" : `${shortUrl(url)}:${lineNumber + 1}`;
    const keyOf = `${functionName}@${where}`;
    const entry = byFunction.get(keyOf) ?? {
      name: functionName || "(anonymous)",
      where,
      area,
      us: 0,
    };
    entry.us += us;
    byFunction.set(keyOf, entry);
  }
  const idle = byArea.get("(idle)") ?? 0;
  const busy = Math.max(1, total - idle);
  return {
    total_ms: total / 1000,
    busy_share: busy / Math.max(1, total),
    components: [...byComponent.entries()]
      .map(([component, us]) => ({ component, ms: us / 1000, share_of_busy: us / busy }))
      .sort((a, b) => b.ms - a.ms),
    areas: [...byArea.entries()]
      .filter(([area]) => area !== "(idle)")
      .map(([area, us]) => ({ area, ms: us / 1000, share_of_busy: us / busy }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top),
    functions: [...byFunction.values()]
      .filter((entry) => entry.area !== "(idle)")
      .map((entry) => ({
        name: entry.name,
        where: entry.where,
        area: entry.area,
        ms: entry.us / 1000,
        share_of_busy: entry.us / busy,
      }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top),
  };
}

function shortUrl(url: string): string {
  const path = url.startsWith("file://") ? fileURLToPath(url) : url;
  const modules = path.lastIndexOf("node_modules/");
  if (modules !== -1) return path.slice(modules + "node_modules/".length);
  const repo = /\/(shared|local|lambdas|cli|bench)\/.*$/.exec(path);
  return repo?.[0].slice(1) ?? path;
}

export async function readProfile(path: string): Promise<CpuProfile> {
  return JSON.parse(await readFile(path, "utf8")) as CpuProfile;
}

export function renderProfile(summary: ProfileSummary): string {
  const pct = (share: number) => `${(share * 100).toFixed(1).padStart(5)}%`;
  const lines = [
    `sampled ${(summary.total_ms / 1000).toFixed(1)} s, busy ${pct(summary.busy_share)}`,
    "",
    "busy time by component (Node's own frames counted for their caller)",
    ...summary.components.map(
      (c) => `  ${pct(c.share_of_busy)}  ${c.ms.toFixed(0).padStart(7)} ms  ${c.component}`,
    ),
    "",
    "self time by area (share of busy time)",
    ...summary.areas.map(
      (a) => `  ${pct(a.share_of_busy)}  ${a.ms.toFixed(0).padStart(7)} ms  ${a.area}`,
    ),
    "",
    "hottest functions (self time)",
    ...summary.functions.map(
      (f) => `  ${pct(f.share_of_busy)}  ${f.ms.toFixed(0).padStart(7)} ms  ${f.name}  ${f.where}`,
    ),
  ];
  return lines.join("\n");
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const path = process.argv[2];
  if (path === undefined) {
    console.error("usage: npx tsx bench/profile.ts <file.cpuprofile> [top]");
    process.exit(2);
  }
  const summary = summariseProfile(await readProfile(path), Number(process.argv[3] ?? 25));
  console.log(renderProfile(summary));
}
