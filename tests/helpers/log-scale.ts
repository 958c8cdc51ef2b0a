/**
 * The log at scale, as the "done when" states it: many changes — publishes and
 * revocations mixed, from several publishers at once — through a real local hub, the
 * checkpoints taken along the way kept, and then every check a member can make: the
 * tree's size is the number of changes, every receipt is the leaf at its seq, and
 * every checkpoint extends every earlier one. `npm test` runs it small, `npm run
 * test:soak` at 10,000 changes, the log interop lane with Go's verifier beside it.
 */
import { expect } from "vitest";
import {
  proveCheckpointExtends,
  proveReceiptIncluded,
  type TileSource,
  type TransparencyLog,
  type VerifiedCheckpoint,
} from "../../cli/sdk/log.js";
import { tilePath } from "../../shared/log/tiles.js";
import type { TileAddress } from "../../shared/log/types.js";
import { bulletinPayload, publish, randomEvmAddress } from "./bulletins.js";
import type { TestOrg } from "./hub.js";
import { logOf, waitForCheckpoint } from "./hub-log.js";

export interface HeldChange {
  seq: number;
  kind: "published" | "revoked";
  receipt: string;
}

export interface GrownLog {
  log: TransparencyLog;
  key: string;
  /** Every change's receipt as its publisher got it, in seq order. */
  changes: HeldChange[];
  /** Distinct checkpoints seen while the log grew, the final one last. */
  checkpoints: VerifiedCheckpoint[];
}

export interface GrowOptions {
  changes: number;
  /** Requests in flight at once (default 8). */
  concurrency?: number;
  /** About how many checkpoints to keep along the way (default 24). */
  samples?: number;
  /**
   * Rounds of changes, each waited on until a checkpoint covers it (default 1): so that a
   * short run keeps at least this many checkpoints however fast the store answers.
   */
  rounds?: number;
  /** Called with each checkpoint kept, as it is kept (the Go lane checks it then). */
  onCheckpoint?: (checkpoint: VerifiedCheckpoint) => Promise<void>;
  progress?: (line: string) => void;
}

/** One change in five is a revocation of an earlier bulletin of the same publisher. */
const REVOKE_EVERY = 5;

export async function growLog(
  publishers: readonly TestOrg[],
  options: GrowOptions,
): Promise<GrownLog> {
  const reader = publishers[0] as TestOrg;
  const log = logOf(reader);
  const key = await log.fetchVerifierKey();
  const changes: HeldChange[] = [];
  const active = new Map<string, string[]>(publishers.map((org) => [org.id, []]));
  const checkpoints: VerifiedCheckpoint[] = [];
  const sampleEvery = Math.max(1, Math.floor(options.changes / (options.samples ?? 24)));
  let nextSample = sampleEvery;
  let started = 0;
  const began = Date.now();

  const sample = async (force: boolean) => {
    const checkpoint = await log.latestCheckpoint(key);
    const last = checkpoints.at(-1);
    if (last !== undefined && last.size === checkpoint.size) return;
    if (!force && checkpoint.size < nextSample) return;
    nextSample = checkpoint.size + sampleEvery;
    checkpoints.push(checkpoint);
    await options.onCheckpoint?.(checkpoint);
  };
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      await sample(false);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })();

  let limit = 0;
  const worker = async (slot: number) => {
    for (;;) {
      const n = started;
      if (n >= limit) return;
      started += 1;
      const org = publishers[(slot + n) % publishers.length] as TestOrg;
      const mine = active.get(org.id) as string[];
      const change =
        n % REVOKE_EVERY === REVOKE_EVERY - 1 && mine.length > 0
          ? await revokeOne(org, mine.splice(Math.floor(mine.length / 2), 1)[0] as string)
          : await publishOne(org, mine);
      changes.push(change);
      if (changes.length % 500 === 0) {
        const rate = changes.length / ((Date.now() - began) / 1000);
        options.progress?.(`${changes.length} changes (${rate.toFixed(1)}/s)`);
      }
    }
  };
  const rounds = options.rounds ?? 1;
  try {
    for (let round = 1; round <= rounds; round += 1) {
      limit = Math.round((options.changes * round) / rounds);
      await Promise.all(
        Array.from({ length: options.concurrency ?? 8 }, (_, slot) => worker(slot)),
      );
      if (round < rounds) {
        await waitForCheckpoint(log, key, limit, 120_000);
        await sample(true);
      }
    }
  } finally {
    sampling = false;
    await sampler;
  }
  await waitForCheckpoint(log, key, options.changes, 120_000);
  await sample(true);
  changes.sort((a, b) => a.seq - b.seq);
  return { log, key, changes, checkpoints };
}

async function publishOne(org: TestOrg, mine: string[]): Promise<HeldChange> {
  const payload = bulletinPayload(org.id, {
    indicators: [{ type: "crypto_address", chain: "ethereum", address: randomEvmAddress() }],
  });
  const answer = await publish(org, payload);
  if (answer.status !== 201) throw new Error(`publish: ${answer.status} ${answer.text}`);
  const change = (answer.body as { change?: HeldChange }).change;
  if (change === undefined) throw new Error("the publish answer has no change");
  mine.push(payload.id);
  return { seq: change.seq, kind: "published", receipt: change.receipt };
}

async function revokeOne(org: TestOrg, id: string): Promise<HeldChange> {
  const answer = await org.client.raw("POST", `/v1/bulletins/${id}/revoke`, {
    body: { reason: "scale test" },
  });
  const change = (answer.body as { change?: HeldChange | null }).change;
  if (answer.status !== 200 || change == null) {
    throw new Error(`revoke: ${answer.status} ${answer.text}`);
  }
  return { seq: change.seq, kind: "revoked", receipt: change.receipt };
}

/** A tile source that fetches each tile once: tiles never change, and checks stay per use. */
export function fetchOnce(source: TileSource): TileSource {
  const fetched = new Map<string, Promise<Uint8Array | undefined>>();
  return {
    fetchTile: (tile: TileAddress) => {
      const path = tilePath(tile);
      let pending = fetched.get(path);
      if (pending === undefined) {
        pending = source.fetchTile(tile);
        fetched.set(path, pending);
      }
      return pending;
    },
  };
}

/** Every check a member can make of the grown log, with the SDK. */
export async function expectLogHolds(grown: GrownLog, expected: number): Promise<void> {
  const final = grown.checkpoints.at(-1) as VerifiedCheckpoint;
  const tiles = fetchOnce(grown.log);
  // The tree's size is the number of changes, and each seq is one change.
  expect(final.size).toBe(expected);
  expect(grown.changes.map((change) => change.seq)).toEqual(
    Array.from({ length: expected }, (_, seq) => seq),
  );
  expect(grown.changes.filter((change) => change.kind === "revoked").length).toBeGreaterThan(0);
  // Every receipt is the leaf at its seq.
  for (const change of grown.changes) {
    const included = await proveReceiptIncluded(tiles, final, change.receipt, {
      index: change.seq,
    });
    expect(included.index).toBe(change.seq);
  }
  // Every checkpoint extends every earlier one.
  expect(grown.checkpoints.length).toBeGreaterThanOrEqual(3);
  for (const [j, newer] of grown.checkpoints.entries()) {
    for (const older of grown.checkpoints.slice(0, j)) {
      await proveCheckpointExtends(tiles, older, newer);
    }
  }
}
