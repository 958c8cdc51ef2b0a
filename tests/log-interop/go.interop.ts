/**
 * Go's golang.org/x/mod/sumdb/note and tlog (Debian's golang-golang-x-mod-dev, GOPATH
 * mode, nothing downloaded) check Cordon's transparency log over HTTP: a checkpoint's
 * signed note, the tiles against its root, every entry bundle and receipt with
 * inclusion proofs, and consistency between successive checkpoints — then the same
 * proofs are compared hash for hash with Cordon's, and each way a hub can misbehave
 * must make Go's verifier fail. The log here is the fixture server
 * (tests/helpers/log-fixture.ts), which can misbehave on purpose; hub.interop.ts points
 * the same verifier at a running local hub.
 */

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { proveCheckpointExtends, TransparencyLog, verifyCheckpoint } from "../../cli/sdk/log.js";
import { proveInclusion } from "../../shared/log/inclusion.js";
import { VerifiedTileReader } from "../../shared/log/verified-tiles.js";
import { type LogFixture, type LogMisbehaviour, startLogFixture } from "../helpers/log-fixture.js";
import { buildGoVerifier, type GoResult, type GoVerifier } from "./go-verifier.js";

let go: GoVerifier;
let work: string;
const fixtures: LogFixture[] = [];

beforeAll(async () => {
  go = await buildGoVerifier();
  work = go.work;
});

afterAll(async () => {
  await Promise.all(fixtures.map((fixture) => fixture.stop()));
  go?.remove();
});

async function fixture(sizes: number[], misbehave: LogMisbehaviour = "none") {
  const started = await startLogFixture({ sizes, misbehave });
  fixtures.push(started);
  return started;
}

/** Runs Go's verifier against the fixture; never throws on its exit status. */
function goVerify(log: LogFixture, args: string[] = []): Promise<GoResult> {
  return go.verify(log.url, log.verifierKey, args);
}

function writeReceipts(log: LogFixture, size: number): string {
  const file = join(work, `receipts-${size}.txt`);
  writeFileSync(file, `${log.receipts.slice(0, size).join("\n")}\n`);
  return file;
}

describe("Go's x/mod tlog and note verify Cordon's log", () => {
  it("every checkpoint of a growing log: signature, tiles, entries, receipts, consistency", async () => {
    // Prepare: sizes around tile boundaries, and a third tile level.
    const sizes = [1, 255, 256, 257, 1_000, 1_500, 65_536 + 700];
    const log = await fixture(sizes);
    const saved = join(work, "previous.txt");
    for (const [step, size] of sizes.entries()) {
      // Act
      const previous = step === 0 ? [] : ["-previous", saved];
      const result = await goVerify(log, [
        ...previous,
        "-save",
        saved,
        "-receipts",
        writeReceipts(log, size),
      ]);
      // Assess
      expect(result.lines.at(-1), result.lines.join("\n")).toBe("ok all checks passed");
      expect(result.lines).toContain(`ok ${size} receipts included`);
      if (step > 0) {
        expect(result.lines).toContain(
          `ok consistent with the previous checkpoint of size ${sizes[step - 1]}`,
        );
      }
      await log.advance();
    }
  });

  it("Go and Cordon compute the same inclusion and consistency proofs", async () => {
    // Prepare
    const log = await fixture([700, 66_000]);
    const saved = join(work, "old.txt");
    await goVerify(log, ["-save", saved]);
    await log.advance();
    const indexes = [0, 1, 255, 256, 699, 65_535, 65_536, 65_999];
    // Act
    const go = await goVerify(log, ["-previous", saved, "-proofs", indexes.join(",")]);
    const http = new TransparencyLog({ url: log.url });
    const older = await verifyCheckpoint(log.checkpoints[0] as string, log.verifierKey);
    const newer = await http.latestCheckpoint(log.verifierKey);
    const tiles = new VerifiedTileReader(newer, http.fetchTile).hashSource();
    const ours = await Promise.all(
      indexes.map(async (index) =>
        (await proveInclusion(index, newer.size, tiles)).map((hash) =>
          Buffer.from(hash).toString("base64"),
        ),
      ),
    );
    const consistency = await proveCheckpointExtends(http, older, newer);
    // Assess
    expect(go.ok, go.lines.join("\n")).toBe(true);
    expect(go.proofs.filter((p) => p.kind === "inclusion").map((p) => p.proof)).toEqual(ours);
    expect(go.proofs.find((p) => p.kind === "consistency")?.proof).toEqual(consistency.proof);
  });

  it.each([
    ["bad-signature", /FAIL: checkpoint signature: invalid signature/],
    ["other-key", /FAIL: checkpoint signature: note has no verifiable signatures/],
    ["tamper-tile", /FAIL: .*(inconsistent tile|not leaf)/],
    ["tamper-entries", /FAIL: entry 0 is not leaf 0/],
  ] as const)("fails a log that misbehaves: %s", async (misbehave, reason) => {
    const log = await fixture([1_000], misbehave);
    const result = await goVerify(log);
    expect(result.ok).toBe(false);
    expect(result.lines.at(-1)).toMatch(reason);
  });

  it("fails a forked log: a new checkpoint that does not extend the old one", async () => {
    // Prepare: the first checkpoint is honest; the next rewrites change 0.
    const log = await fixture([1_000, 1_500], "fork");
    const saved = join(work, "before-fork.txt");
    expect((await goVerify(log, ["-save", saved])).ok).toBe(true);
    await log.advance();
    // Act
    const result = await goVerify(log, ["-previous", saved]);
    // Assess: the forked log is self-consistent, but not an extension of what was seen.
    expect(result.ok).toBe(false);
    expect(result.lines.at(-1)).toMatch(/FAIL: not consistent: 1000 -> 1500/);
  });
});
