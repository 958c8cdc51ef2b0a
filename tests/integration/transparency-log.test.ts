/**
 * The SDK audits a transparency log over real HTTP on loopback: the log fixture server
 * (shared/log's tiles at the DESIGN §14 paths) until the hub serves them itself. An
 * honest log passes every check; each way of misbehaving is caught with its code.
 */

import { afterAll, describe, expect, it } from "vitest";
import {
  LogVerificationError,
  proveCheckpointExtends,
  proveReceiptIncluded,
  readEntries,
  TransparencyLog,
  verifyInclusion,
} from "../../cli/sdk/index.js";
import { type LogFixture, type LogMisbehaviour, startLogFixture } from "../helpers/log-fixture.js";

const fixtures: LogFixture[] = [];

afterAll(async () => {
  await Promise.all(fixtures.map((fixture) => fixture.stop()));
});

async function serve(sizes: number[], misbehave: LogMisbehaviour = "none") {
  const fixture = await startLogFixture({ sizes, misbehave });
  fixtures.push(fixture);
  return { fixture, log: new TransparencyLog({ url: fixture.url }) };
}

async function code(action: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await action();
  } catch (error) {
    expect(error).toBeInstanceOf(LogVerificationError);
    return (error as LogVerificationError).code;
  }
  return undefined;
}

describe("auditing a log over HTTP", () => {
  it("an honest log: key, checkpoints, extension, receipts, entries", async () => {
    // Prepare
    const { fixture, log } = await serve([300, 1_000]);
    const key = await log.fetchVerifierKey();
    const first = await log.latestCheckpoint(key);
    await fixture.advance();
    // Act
    const second = await log.latestCheckpoint(key);
    const extension = await proveCheckpointExtends(log, first, second);
    const inclusion = await proveReceiptIncluded(log, second, fixture.receipts[640] as string);
    const entries = await readEntries(log, second, 3);
    // Assess
    expect(key).toBe(fixture.verifierKey);
    expect([first.origin, first.size, second.size]).toEqual(["cordon/v1/log", 300, 1_000]);
    expect(extension.proof.length).toBeGreaterThan(0);
    expect(inclusion.index).toBe(640);
    verifyInclusion({
      receipt: fixture.receipts[640],
      index: 640,
      proof: inclusion.proof,
      checkpoint: second,
    });
    expect(entries).toHaveLength(1_000 - 768);
  });

  it.each([
    ["bad-signature", "ERR_LOG_SIGNATURE_INVALID"],
    ["other-key", "ERR_LOG_NOTE_UNVERIFIED"],
  ] as const)("a checkpoint with %s is refused", async (misbehave, expected) => {
    const { fixture, log } = await serve([500], misbehave);
    expect(await code(() => log.latestCheckpoint(fixture.verifierKey))).toBe(expected);
  });

  it("a tampered tile or entry bundle is refused", async () => {
    const tile = await serve([500], "tamper-tile");
    const checkpoint = await tile.log.latestCheckpoint(tile.fixture.verifierKey);
    expect(
      await code(() =>
        proveReceiptIncluded(tile.log, checkpoint, tile.fixture.receipts[3] as string),
      ),
    ).toBe("ERR_LOG_TILE_INVALID");
    const bundle = await serve([500], "tamper-entries");
    const its = await bundle.log.latestCheckpoint(bundle.fixture.verifierKey);
    expect(await code(() => readEntries(bundle.log, its, 0))).toBe("ERR_LOG_TILE_INVALID");
  });

  it("a forked log is refused: the new checkpoint does not extend the old one", async () => {
    const { fixture, log } = await serve([1_000, 1_500], "fork");
    const seen = await log.latestCheckpoint(fixture.verifierKey);
    const honestReceipt = fixture.receipts[0] as string;
    await fixture.advance();
    const forked = await log.latestCheckpoint(fixture.verifierKey);
    expect(await code(() => proveCheckpointExtends(log, seen, forked))).toBe(
      "ERR_LOG_INCONSISTENT",
    );
    // The receipt of change 0, as its holder kept it, is no longer in the log.
    expect(await code(() => proveReceiptIncluded(log, forked, honestReceipt, { index: 0 }))).toBe(
      "ERR_LOG_ENTRY_MISMATCH",
    );
  });
});
