/**
 * `cordon audit` against a real local hub whose operator goes rogue: the log is
 * rewritten under the hub (its tiles and head in the table, signed with the hub's own
 * key) and the real CLI, auditing as a member, must catch each misbehaviour — a fork
 * at the same size, a smaller tree that is not a prefix of a larger one, a dropped
 * revocation, a receipt the hub signed but never logged, a bad signature, a checkpoint
 * by another key, and (gossip) a split view shown to two members.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { signReceipt } from "../../shared/signatures/receipt.js";
import { bulletinPayload } from "../helpers/bulletins.js";
import { startTestHub, type TestHub, type TestOrg } from "../helpers/hub.js";
import { logOf, waitForCheckpoint } from "../helpers/hub-log.js";
import { generateLogKey } from "../helpers/log-memory.js";
import { RogueLog } from "../helpers/rogue-log.js";
import { type CliRun, cordon } from "../unit/cli/memory-io.js";

let t: TestHub;
let trm: TestOrg;
let dir: string;
let rogue: RogueLog;
let honest: string[];
let revocationSeq: number;

/** `cordon …` as trm, its config folder (audit state, saved receipts) under `home`. */
function as(home: string, args: string[]): Promise<CliRun> {
  return cordon(args, {
    env: {
      CORDON_HUB_URL: t.hub.url,
      CORDON_AUDIENCE: t.hub.deps.audience,
      CORDON_ORG: "trm",
      CORDON_KEY_FILE: join(dir, "trm.jwk"),
      CORDON_CONFIG: join(dir, home, "profiles.json"),
    },
    cwd: dir,
  });
}

const audit = (home: string, ...args: string[]) => as(home, ["audit", ...args]);

async function publishFile(home: string, overrides: Parameters<typeof bulletinPayload>[1] = {}) {
  const payload = bulletinPayload("trm", overrides);
  const file = join(dir, `${payload.id}.json`);
  await writeFile(file, JSON.stringify(payload));
  const published = await as(home, ["publish", file]);
  expect(published.code, published.stderr).toBe(0);
  return payload;
}

/** A fresh auditor holding trm's saved receipts: the audit state is forgotten, receipts kept. */
async function forgetAudits(home: string): Promise<void> {
  await rm(join(dir, home, "audit"), { recursive: true, force: true });
}

beforeAll(async () => {
  // No periodic sweep: nothing but the test's own changes wakes the writer.
  t = await startTestHub({ sweepIntervalMs: 3_600_000 });
  trm = await t.onboard("trm");
  dir = await mkdtemp(join(tmpdir(), "cordon-e2e-audit-"));
  await writeFile(join(dir, "trm.jwk"), JSON.stringify(trm.key.privateJwk), { mode: 0o600 });
  const first = await publishFile("member");
  await publishFile("member");
  const revoked = await as("member", ["revoke", first.id, "--reason", "wrong address"]);
  expect(revoked.code, revoked.stderr).toBe(0);
  await publishFile("member");
  await waitForCheckpoint(logOf(trm), await logOf(trm).fetchVerifierKey(), 4);
  rogue = new RogueLog(t.hub);
  honest = await rogue.receipts();
  revocationSeq = 2;
});

afterEach(async () => {
  // The honest log again: same leaves, same key, so the very same checkpoint.
  await rogue.rewrite(honest);
});

afterAll(async () => {
  await t?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe("cordon audit", () => {
  it("passes an honest log: pins the key, includes every saved receipt, then sees it extended", async () => {
    await forgetAudits("member");
    const first = await audit("member");
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stderr).toContain("Pinned the log key cordon/v1/log+");
    expect(first.stdout).toContain("checkpoint of 4 changes");
    expect(first.stdout).toContain("4 of 4 receipts you hold are in the log at their place");

    await publishFile("member");
    await waitForCheckpoint(logOf(trm), await logOf(trm).fetchVerifierKey(), 5);
    const second = await audit("member");
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.stdout).toContain("extends the checkpoint of 4 changes you accepted before");
    expect(second.stdout).toContain("5 of 5 receipts");
    honest = await rogue.receipts();
  });

  it("catches a fork: a checkpoint of the same size with another root", async () => {
    await forgetAudits("member");
    expect((await audit("member")).code).toBe(0);
    await rogue.rewrite([fakeReceipt("rewritten"), ...honest.slice(1)]);
    const forked = await audit("member", "--no-saved-receipts");
    expect(forked.code).toBe(1);
    expect(forked.stdout).toMatch(
      /FORK: the hub's log of \d+ changes .* does not extend the last one you accepted/,
    );
    expect(forked.stdout).toContain("ERR_LOG_INCONSISTENT");
    const evidence = /Evidence kept in (.*)/.exec(forked.stdout)?.[1] as string;
    expect((await readdir(evidence)).sort()).toEqual(
      ["findings.json", "latest-checkpoint.txt", "previous-checkpoint.txt"].sort(),
    );
  });

  it("catches a smaller tree that is not a prefix of a larger one", async () => {
    await forgetAudits("member");
    expect((await audit("member")).code).toBe(0);
    await rogue.rewrite([fakeReceipt("other past"), ...honest.slice(1), fakeReceipt("new")]);
    const forked = await audit("member", "--no-saved-receipts");
    expect(forked.code).toBe(1);
    expect(forked.stdout).toContain(`FORK: the hub's log of ${honest.length + 1} changes`);
    expect(forked.stdout).toContain(`of ${honest.length} changes`);
  });

  it("catches a dropped revocation: its receipt is not the leaf at its seq", async () => {
    await forgetAudits("member");
    const dropped = [...honest];
    dropped[revocationSeq] = fakeReceipt("not the revocation");
    await rogue.rewrite(dropped);
    const result = await audit("member");
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("DROPPED: your receipt for the revocation of");
    expect(result.stdout).toContain(
      `(seq ${revocationSeq}) is not leaf ${revocationSeq} of the hub's log of ${honest.length} changes: another change holds its place`,
    );
    expect(result.stdout).toContain("ERR_LOG_ENTRY_MISMATCH");
  });

  it("catches a receipt the hub signed but never logged", async () => {
    await forgetAudits("member");
    const received = await signReceipt(
      {
        id: "01JDX3Q8Z6V2M4N5P6R7S8T9AB",
        issuer: "trm",
        kid: trm.key.kid,
        content_sha256: "a".repeat(64),
        received_at: new Date(Date.now() - 3_600_000).toISOString(),
      },
      t.hub.deps.hubKeys.current,
    );
    const held = join(dir, "held-receipts");
    await rm(held, { recursive: true, force: true });
    await mkdir(held);
    await writeFile(join(held, "receipts.txt"), `${received}\n`);
    const result = await audit("member", "--receipts", held);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      "DROPPED: your receipt for the publication of 01JDX3Q8Z6V2M4N5P6R7S8T9AB is in no leaf of the hub's log",
    );
    expect(result.stdout).toContain("ERR_LOG_ENTRY_NOT_FOUND");
  });

  it("catches a bad signature", async () => {
    await forgetAudits("member");
    expect((await audit("member")).code).toBe(0);
    await rogue.rewrite(honest, { corruptSignature: true });
    const result = await audit("member");
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      "The hub's latest checkpoint carries a signature by the pinned log key that does not verify",
    );
    expect(result.stdout).toContain("ERR_LOG_SIGNATURE_INVALID");
  });

  it("catches a checkpoint signed by another key", async () => {
    await forgetAudits("member");
    expect((await audit("member")).code).toBe(0);
    const other = await generateLogKey("cordon/v1/log");
    await rogue.rewrite(honest, { signer: other.signer });
    const result = await audit("member");
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("is not signed by the pinned log key cordon/v1/log+");
    expect(result.stdout).toContain("ERR_LOG_NOTE_UNVERIFIED");
  });

  it("refuses another key on first use when the right one is given with --log-key", async () => {
    await forgetAudits("member");
    const pinned = await logOf(trm).fetchVerifierKey();
    const other = await generateLogKey("cordon/v1/log");
    await rogue.rewrite(honest, { signer: other.signer });
    const result = await audit("member", "--log-key", pinned);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("ERR_LOG_NOTE_UNVERIFIED");
  });

  it("catches a split view by gossip: two members shown different logs of one size", async () => {
    // Prepare: alice audits the honest log; the hub then shows bob a forked one.
    await forgetAudits("member");
    await forgetAudits("bob");
    expect((await audit("member")).code).toBe(0);
    await rogue.rewrite([fakeReceipt("bob's past"), ...honest.slice(1)]);
    const bob = await audit("bob", "--no-saved-receipts");
    expect(bob.code, bob.stdout).toBe(0);
    const bobState = JSON.parse(
      await readFile(
        join(dir, "bob", "audit", `${new URL(t.hub.url).host.replace(":", "_")}.json`),
        "utf8",
      ),
    ) as { checkpoint: string };
    await writeFile(join(dir, "bob-checkpoint.txt"), bobState.checkpoint);
    await rogue.rewrite(honest);
    // Act: alice's own audit passes; comparing with bob's checkpoint does not.
    const alone = await audit("member");
    const compared = await audit("member", "--compare", join(dir, "bob-checkpoint.txt"));
    // Assess
    expect(alone.code, alone.stdout).toBe(0);
    expect(compared.code).toBe(1);
    expect(compared.stdout).toContain("does not extend the checkpoint of");
    expect(compared.stdout).toContain("bob-checkpoint.txt");
  });
});

/** A well-formed compact JWS no change of this hub has: a leaf the hub never logged. */
function fakeReceipt(text: string): string {
  const part = (value: string) => Buffer.from(value).toString("base64url");
  return `${part('{"alg":"EdDSA","kid":"rogue","typ":"cordon-change+jws"}')}.${part(text)}.${part("signature")}`;
}
