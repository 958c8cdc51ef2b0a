/**
 * A log fixture server: a transparency log of N changes built with shared/log and
 * served on loopback at the DESIGN §14 paths (`/v1/log/checkpoint`, `/v1/log/key`,
 * `/v1/log/tile/...`), one signed checkpoint per size in `sizes`, the next one served
 * after `advance()`. It stands in for a hub until the log is wired into it, so Go's
 * x/mod tlog and note (npm run test:log-interop) and the SDK can be pointed at real HTTP.
 *
 * It can misbehave on purpose — a bad signature, another key, a tampered tile or entry
 * bundle, a forked history after the first checkpoint — so tests see verifiers catch it.
 */

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { base64, base64urlnopad } from "@scure/base";
import { signCheckpoint } from "../../shared/log/checkpoint.js";
import { sha256Digest } from "../../shared/log/hashing.js";
import { receiptLeafData } from "../../shared/log/leaves.js";
import { appendLeaves, EMPTY_EDGE, type LogEdge } from "../../shared/log/tile-builder.js";
import { parseTilePath } from "../../shared/log/tiles.js";
import { generateLogKey, type LogKey } from "./log-memory.js";

export const LOG_MISBEHAVIOURS = [
  "none",
  "bad-signature",
  "other-key",
  "tamper-tile",
  "tamper-entries",
  "fork",
] as const;
export type LogMisbehaviour = (typeof LOG_MISBEHAVIOURS)[number];

export interface LogFixtureOptions {
  /** The tree sizes of the checkpoints, served one after another (ascending). */
  sizes: readonly number[];
  origin?: string;
  misbehave?: LogMisbehaviour;
}

export interface LogFixture {
  url: string;
  origin: string;
  verifierKey: string;
  /** Every change's receipt, in seq order (the forked history's after a fork). */
  receipts: readonly string[];
  /** The checkpoint notes served so far. */
  checkpoints: readonly string[];
  /** Serves the checkpoint of the next size; false when there is none. */
  advance(): Promise<boolean>;
  stop(): Promise<void>;
}

const encode = (text: string) => base64urlnopad.encode(new TextEncoder().encode(text));
const HEADER = encode('{"alg":"EdDSA","kid":"fixture","typ":"cordon-change+jws"}');

/**
 * A change receipt's shape: a compact JWS over {id, issuer, kind, seq, at}. The log only
 * ever holds its hash, so the fixture does not spend time signing it for real.
 */
export function fixtureReceipt(seq: number, history = "main"): string {
  const payload = encode(
    JSON.stringify({
      id: `01J${String(seq).padStart(23, "0")}`,
      issuer: history === "main" ? "org-a" : `org-${history}`,
      kind: seq % 3 === 2 ? "revoked" : "published",
      seq,
      at: new Date(Date.UTC(2026, 0, 1) + seq * 1000).toISOString(),
    }),
  );
  const signature = base64urlnopad.encode(
    new Uint8Array([
      ...sha256Digest(new TextEncoder().encode(`${history}:${seq}`)),
      ...new Uint8Array(32),
    ]),
  );
  return `${HEADER}.${payload}.${signature}`;
}

const TILE_PREFIX = "/v1/log/";
const IMMUTABLE = "private, max-age=31536000, immutable";

export async function startLogFixture(options: LogFixtureOptions): Promise<LogFixture> {
  const origin = options.origin ?? "cordon/v1/log";
  const misbehave = options.misbehave ?? "none";
  const key = await generateLogKey(origin);
  const otherKey: LogKey | undefined =
    misbehave === "other-key" ? await generateLogKey(origin) : undefined;
  const sizes = [...options.sizes];
  let receipts = Array.from({ length: sizes.at(-1) ?? 0 }, (_, seq) => fixtureReceipt(seq));
  let tiles = new Map<string, Uint8Array>();
  let edge: LogEdge = EMPTY_EDGE;
  const checkpoints: string[] = [];
  let step = -1;

  async function advance(): Promise<boolean> {
    if (step + 1 >= sizes.length) return false;
    step += 1;
    const size = sizes[step] as number;
    if (misbehave === "fork" && step === 1) {
      // A rewritten past: change 0 differs, everything after it is rebuilt.
      receipts = receipts.map((receipt, seq) => (seq === 0 ? fixtureReceipt(0, "fork") : receipt));
      tiles = new Map();
      edge = EMPTY_EDGE;
    }
    const result = appendLeaves(edge, receipts.slice(edge.size, size).map(receiptLeafData));
    for (const tile of result.tiles) tiles.set(tile.path, tile.bytes);
    edge = result.edge;
    const signer = (otherKey ?? key).signer;
    checkpoints.push(
      await signCheckpoint({ origin, size, rootHash: result.rootHash, extensions: [] }, signer),
    );
    return true;
  }
  await advance();

  function served(path: string): Uint8Array | undefined {
    const bytes = tiles.get(path);
    if (bytes === undefined) return undefined;
    const flip =
      (misbehave === "tamper-tile" && path === "tile/0/000") ||
      (misbehave === "tamper-entries" && path === "tile/entries/000");
    if (!flip) return bytes;
    const copy = bytes.slice();
    copy[3] = (copy[3] as number) ^ 1;
    return copy;
  }

  function checkpointText(): string {
    const note = checkpoints.at(-1) as string;
    if (misbehave !== "bad-signature") return note;
    const at = note.lastIndexOf(" ") + 1;
    const signature = base64.decode(note.slice(at, -1));
    signature[10] = (signature[10] as number) ^ 1;
    return `${note.slice(0, at)}${base64.encode(signature)}\n`;
  }

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://fixture").pathname;
    const send = (status: number, type: string, body: string | Uint8Array, cache = "no-store") => {
      res.writeHead(status, { "content-type": type, "cache-control": cache });
      res.end(body);
    };
    const notFound = () =>
      send(
        404,
        "application/problem+json",
        JSON.stringify({
          type: "about:blank",
          title: "Not Found",
          status: 404,
          detail: "No such resource.",
        }),
      );
    if (req.method === "POST" && path === "/fixture/advance") {
      advance().then(
        (moved) => send(moved ? 200 : 409, "text/plain; charset=utf-8", String(edge.size)),
        () => send(500, "text/plain; charset=utf-8", "advance failed"),
      );
      return;
    }
    if (req.method !== "GET") return notFound();
    if (path === `${TILE_PREFIX}checkpoint`) {
      return send(200, "text/plain; charset=utf-8", checkpointText(), "private, max-age=1");
    }
    if (path === `${TILE_PREFIX}key`) {
      return send(200, "text/plain; charset=utf-8", `${key.verifierKey}\n`, "private, max-age=300");
    }
    if (!path.startsWith(`${TILE_PREFIX}tile/`)) return notFound();
    const tilePathText = path.slice(TILE_PREFIX.length);
    try {
      parseTilePath(tilePathText);
    } catch {
      return notFound();
    }
    const bytes = served(tilePathText);
    if (bytes === undefined) return notFound();
    return send(200, "application/octet-stream", bytes, IMMUTABLE);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    origin,
    verifierKey: key.verifierKey,
    get receipts() {
      return receipts;
    },
    checkpoints,
    advance,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
