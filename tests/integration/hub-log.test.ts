/**
 * The hub's own transparency log (DESIGN §14) over loopback, against a real local hub:
 * every change (publish, revoke, supersede) becomes a leaf at its seq, a signed
 * checkpoint follows within a second or so, the routes answer the C2SP formats with
 * their content types and cache headers, and the SDK verifies all of it from tiles.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  proveCheckpointExtends,
  proveReceiptIncluded,
  readEntries,
  type TransparencyLog,
  type VerifiedCheckpoint,
  verifyCheckpoint,
  verifyInclusion,
} from "../../cli/sdk/log.js";
import { Transport } from "../../cli/sdk/transport.js";
import { receiptLeafData } from "../../shared/log/leaves.js";
import { keepLogCurrent } from "../../shared/transparency/schedule.js";
import { watchCheckpointLag } from "../../shared/transparency/watch.js";
import { bulletinPayload, publish } from "../helpers/bulletins.js";
import { startTestHub, type TestHub, type TestOrg } from "../helpers/hub.js";
import { logOf, waitForCheckpoint } from "../helpers/hub-log.js";
import { ReferenceTree } from "../helpers/merkle-reference.js";

let t: TestHub;
let trm: TestOrg;
let binance: TestOrg;
let kraken: TestOrg;
let log: TransparencyLog;
let key: string;
let empty: VerifiedCheckpoint;
const receipts: { seq: number; receipt: string }[] = [];

beforeAll(async () => {
  t = await startTestHub();
  trm = await t.onboard("trm");
  binance = await t.onboard("binance", { roles: ["screen"] });
  kraken = await t.onboard("kraken", { roles: ["screen"] });
  log = logOf(trm);
  key = await log.fetchVerifierKey();
  empty = await log.latestCheckpoint(key);
});
afterAll(async () => {
  await t?.stop();
});

describe("the hub's transparency log", () => {
  it("serves a signed size-0 checkpoint before the first change", () => {
    expect(empty.size).toBe(0);
    expect(empty.origin).toBe("cordon/v1/log");
    expect(key.startsWith("cordon/v1/log+")).toBe(true);
  });

  it("logs every change at its seq and signs a checkpoint of them all", async () => {
    // Prepare: publications, a revocation and a supersession.
    const first = bulletinPayload("trm");
    const published = await publish(trm, first);
    const second = bulletinPayload("trm");
    await publish(trm, second);
    const revoked = await trm.client.raw("POST", `/v1/bulletins/${first.id}/revoke`, {
      body: { reason: "false positive" },
    });
    await publish(trm, bulletinPayload("trm", { supersedes: second.id }));
    // Act
    const checkpoint = await waitForCheckpoint(log, key, 5);
    // Assess: the feed's changes are the leaves, in seq order.
    const feed = await trm.client.call<{ items: { change: { seq: number; receipt: string } }[] }>(
      "GET",
      "/v1/bulletins?limit=100",
    );
    const changes = feed.items.map((item) => item.change).sort((a, b) => a.seq - b.seq);
    expect(changes.map((c) => c.seq)).toEqual([0, 1, 2, 3, 4]);
    const reference = new ReferenceTree(changes.map((c) => receiptLeafData(c.receipt)));
    expect(Buffer.from(checkpoint.rootHash).equals(Buffer.from(reference.root()))).toBe(true);
    expect((published.body as { change?: { seq: number } }).change?.seq).toBe(0);
    const revocation = (revoked.body as { change: { seq: number; receipt: string } }).change;
    expect(revocation.seq).toBe(2);
    for (const change of changes) {
      await proveReceiptIncluded(log, checkpoint, change.receipt, { index: change.seq });
    }
    receipts.push(...changes);
    await proveCheckpointExtends(log, empty, checkpoint);
    expect(await readEntries(log, checkpoint, 0)).toHaveLength(5);
  });

  it("answers a visible bulletin's proof, and hides a hidden one like a missing one", async () => {
    const amber = bulletinPayload("trm", { tlp: "amber", audience: ["kraken"] });
    expect((await publish(trm, amber)).status).toBe(201);
    const checkpoint = await waitForCheckpoint(log, key, 6);
    const proof = await trm.client.call<{
      checkpoint: string;
      changes: { seq: number; kind: string; receipt: string; inclusion: string[] | null }[];
    }>("GET", `/v1/bulletins/${amber.id}/proof`);
    const verified = await verifyCheckpoint(proof.checkpoint, key);
    expect(verified.size).toBeGreaterThanOrEqual(checkpoint.size);
    const [change] = proof.changes;
    expect(change?.kind).toBe("published");
    verifyInclusion({
      receipt: change?.receipt,
      index: change?.seq as number,
      proof: change?.inclusion ?? [],
      checkpoint: verified,
    });
    const recipient = await kraken.client.raw("GET", `/v1/bulletins/${amber.id}/proof`);
    const hidden = await binance.client.raw("GET", `/v1/bulletins/${amber.id}/proof`);
    const missing = await binance.client.raw(
      "GET",
      "/v1/bulletins/01JDX3Q8Z6V2M4N5P6R7S8T9AB/proof",
    );
    expect(recipient.status).toBe(200);
    expect(hidden.status).toBe(404);
    expect(hidden.text).toBe(missing.text);
  });

  it("answers the C2SP formats with their content types and cache headers", async () => {
    const get = (path: string) => binance.client.raw("GET", path);
    const checkpoint = await get("/v1/log/checkpoint");
    const { size } = await verifyCheckpoint(checkpoint.text, key);
    const verifierKey = await get("/v1/log/key");
    const tile = await get(`/v1/log/tile/0/000.p/${size}`);
    const bundle = await get(`/v1/log/tile/entries/000.p/${size}`);
    expect(checkpoint.status).toBe(200);
    expect(checkpoint.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(checkpoint.headers.get("cache-control")).toBe("private, max-age=1");
    expect(verifierKey.text).toBe(`${key}\n`);
    expect(verifierKey.headers.get("cache-control")).toBe("private, max-age=300");
    expect(tile.status).toBe(200);
    expect(tile.headers.get("content-type")).toBe("application/octet-stream");
    expect(tile.headers.get("cache-control")).toBe("private, max-age=31536000, immutable");
    expect(bundle.status).toBe(200);
  });

  it("answers 404 problem+json for non-canonical tile paths and tiles beyond the checkpoint", async () => {
    const { size } = await log.latestCheckpoint(key);
    expect((await binance.client.raw("GET", `/v1/log/tile/0/000.p/${size}`)).status).toBe(200);
    for (const path of [
      `/v1/log/tile/0/0.p/${size}`,
      `/v1/log/tile/0/x000/000.p/${size}`,
      `/v1/log/tile/0/000.p/0${size}`,
      "/v1/log/tile/0/000.p/256",
      `/v1/log/tile/00/000.p/${size}`,
      "/v1/log/tile/0/000",
      `/v1/log/tile/0/000.p/${size + 1}`,
      "/v1/log/tile/1/000.p/1",
      "/v1/log/tile/entries/001",
      "/v1/log/tile/x/000",
      `/v1/log/tile/0/000.p/${size}/extra`,
      "/v1/log/tile/",
    ]) {
      const answer = await binance.client.raw("GET", path);
      expect(answer.status, path).toBe(404);
      expect(answer.headers.get("content-type"), path).toBe("application/problem+json");
    }
    const posted = await binance.client.raw("POST", `/v1/log/tile/0/000.p/${size}`, { body: {} });
    expect(posted.status).toBe(405);
    expect(posted.headers.get("allow")).toBe("GET");
  });

  it("needs a signed request", async () => {
    const anonymous = new Transport({ baseUrl: t.hub.url, orgId: "x", key: t.adminKey });
    const answer = await anonymous.raw("GET", "/v1/log/checkpoint", { authorization: null });
    expect(answer.status).toBe(401);
  });

  it("keeps every earlier receipt included as the log grows", async () => {
    const before = await log.latestCheckpoint(key);
    for (let i = 0; i < 3; i += 1) await publish(trm, bulletinPayload("trm"));
    const after = await waitForCheckpoint(log, key, before.size + 3);
    await proveCheckpointExtends(log, before, after);
    for (const { seq, receipt } of receipts) {
      await proveReceiptIncluded(log, after, receipt, { index: seq });
    }
  });
});

describe("a hub whose log writer is off (the benchmark's switch), and the sweeper's watch", () => {
  let quiet: TestHub;
  let publisher: TestOrg;

  beforeAll(async () => {
    quiet = await startTestHub({ logWriter: false, sweepIntervalMs: 3_600_000 });
    publisher = await quiet.onboard("trm");
  });
  afterAll(async () => {
    await quiet?.stop();
  });

  it("logs changes but signs no checkpoint; the watch measures the lag and asks for one", async () => {
    // Prepare
    for (let i = 0; i < 2; i += 1) await publish(publisher, bulletinPayload("trm"));
    const deps = quiet.hub.deps;
    expect(deps.checkpoints).toBeUndefined();
    const asked: Date[] = [];
    const watching = {
      ...deps,
      checkpoints: { checkpointDue: async (at: Date) => void asked.push(at) },
    };
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    // Act
    const lag = await watchCheckpointLag(watching);
    // Assess
    expect(
      (await logOf(publisher).latestCheckpoint(await logOf(publisher).fetchVerifierKey())).size,
    ).toBe(0);
    expect(lag.waiting).toBe(2);
    expect(lag.seconds).toBeGreaterThanOrEqual(1);
    expect(quiet.hub.metrics.measured.get("LogCheckpointLag")).toBe(lag.seconds);
    expect(asked).toHaveLength(1);

    // Once the writer has run, nothing waits and nothing is asked.
    await keepLogCurrent(deps, {
      second: Math.floor(Date.now() / 1000) - 1,
      remainingMs: () => 30_000,
    });
    expect(await watchCheckpointLag(watching)).toEqual({ waiting: 0, seconds: 0 });
    expect(asked).toHaveLength(1);
    expect(quiet.hub.metrics.measured.get("LogCheckpointLag")).toBe(0);
  });
});
