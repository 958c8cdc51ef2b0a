/**
 * Go's golang.org/x/mod/sumdb/note and tlog check a running local hub's transparency log
 * (DESIGN §14, issue 15's "done when"): while 10,000 changes — publishes and revocations
 * mixed — go through the hub, each checkpoint taken along the way is verified by Go
 * (signature, tiles against the root, every entry with an inclusion proof) and proved
 * consistent with the one before; at the end every receipt the publishers hold is found
 * and proved included by Go, and the SDK checks the same (tests/helpers/log-scale.ts).
 * The hub wants signed requests, so Go reads through a loopback signing proxy.
 * CORDON_LOG_INTEROP_CHANGES sets the size.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { base64 } from "@scure/base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { VerifiedCheckpoint } from "../../cli/sdk/log.js";
import { startTestHub, type TestHub, type TestOrg } from "../helpers/hub.js";
import { expectLogHolds, growLog } from "../helpers/log-scale.js";
import { type SigningProxy, startSigningProxy } from "../helpers/signing-proxy.js";
import { buildGoVerifier, type GoVerifier } from "./go-verifier.js";

const CHANGES = Number(process.env.CORDON_LOG_INTEROP_CHANGES ?? "10000");

let go: GoVerifier;
let t: TestHub;
let proxy: SigningProxy;
let publishers: TestOrg[];

beforeAll(async () => {
  go = await buildGoVerifier();
  t = await startTestHub();
  publishers = [
    await t.onboard("trm"),
    await t.onboard("chainalysis"),
    await t.onboard("elliptic"),
  ];
  const auditor = await t.onboard("nbt-fmd", { roles: ["screen"] });
  proxy = await startSigningProxy(t.hub.url, auditor);
});

afterAll(async () => {
  await proxy?.stop();
  await t?.stop();
  go?.remove();
});

describe(`Go's tlog and note verify a local hub's log through ${CHANGES} changes`, () => {
  it("every checkpoint along the way, every entry, every receipt, consistency step by step", async () => {
    const saved = join(go.work, "hub-previous.txt");
    const key = (await (await fetch(`${proxy.url}/v1/log/key`)).text()).trim();
    let verified = 0;
    let lastSize = -1;
    const began = Date.now();
    const checkWithGo = async (checkpoint: VerifiedCheckpoint) => {
      const result = await go.verify(proxy.url, key, [
        ...(verified === 0 ? [] : ["-previous", saved]),
        "-save",
        saved,
      ]);
      expect(result.lines.at(-1), result.lines.join("\n")).toBe("ok all checks passed");
      const size = Number(/size=(\d+)/.exec(result.lines[0] ?? "")?.[1]);
      expect(size).toBeGreaterThanOrEqual(checkpoint.size);
      if (verified > 0) {
        expect(result.lines).toContain(
          `ok consistent with the previous checkpoint of size ${lastSize}`,
        );
      }
      lastSize = size;
      verified += 1;
    };

    const grown = await growLog(publishers, {
      changes: CHANGES,
      concurrency: 12,
      samples: 10,
      onCheckpoint: checkWithGo,
      progress: (line) =>
        process.stderr.write(
          `[log interop ${((Date.now() - began) / 1000).toFixed(0)} s] ${line}\n`,
        ),
    });

    // Every receipt, found and proved included by Go, in the final checkpoint.
    const final = grown.checkpoints.at(-1) as VerifiedCheckpoint;
    const receipts = join(go.work, "hub-receipts.txt");
    writeFileSync(receipts, `${grown.changes.map((change) => change.receipt).join("\n")}\n`);
    const result = await go.verify(proxy.url, key, ["-previous", saved, "-receipts", receipts]);
    expect(result.lines.at(-1), result.lines.join("\n")).toBe("ok all checks passed");
    expect(result.lines[0]).toBe(
      `ok checkpoint cordon/v1/log size=${CHANGES} root=${base64.encode(final.rootHash)}`,
    );
    expect(result.lines).toContain(`ok ${CHANGES} entries, each proven included`);
    expect(result.lines).toContain(`ok ${CHANGES} receipts included`);
    expect(verified).toBeGreaterThanOrEqual(3);

    // And the SDK agrees, every pair of checkpoints included.
    await expectLogHolds(grown, CHANGES);
  }, 7_200_000);
});
