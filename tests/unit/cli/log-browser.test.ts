/**
 * The SDK's log code must run in browsers (DESIGN §14, the console of §16): it is
 * bundled here for the browser platform — which fails on any `node:` import — and the
 * bundle is run in a bare V8 context holding only globals a browser has, where it
 * verifies a checkpoint and proves a receipt's inclusion from tiles.
 */

import { runInNewContext } from "node:vm";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { receiptLeafData } from "../../../shared/log/leaves.js";
import { tilePath } from "../../../shared/log/tiles.js";
import { generateLogKey, MemoryLog, signHead } from "../../helpers/log-memory.js";

async function bundle(entry: string) {
  return build({
    entryPoints: [entry],
    bundle: true,
    platform: "browser",
    format: "iife",
    globalName: "CordonLog",
    write: false,
    metafile: true,
    logLevel: "silent",
  });
}

interface BrowserLog {
  TransparencyLog: new (options: {
    url: string;
    fetch: (url: string) => Promise<Response>;
  }) => object;
  verifyCheckpoint(text: string, key: string): Promise<{ size: number }>;
  proveReceiptIncluded(
    source: object,
    checkpoint: object,
    receipt: string,
  ): Promise<{ index: number; proof: string[] }>;
}

describe("the SDK's log code in a browser", () => {
  it.each([["cli/sdk/log.ts"], ["shared/log/index.ts"]])(
    "%s bundles for the browser with no node: import",
    async (entry) => {
      const result = await bundle(entry);
      expect(result.errors).toEqual([]);
      const inputs = Object.keys(result.metafile.inputs);
      // The SDK's errors module names the token refusals of shared/signatures/errors.ts:
      // plain data. No signing or verifying code may come with the log's.
      expect(
        inputs.filter(
          (input) =>
            input.startsWith("node:") ||
            (input.includes("signatures/") && input !== "shared/signatures/errors.ts"),
        ),
      ).toEqual([]);
    },
  );

  it("verifies a checkpoint and proves inclusion with only a browser's globals", async () => {
    // Prepare: a log of 600 receipts and its signed checkpoint, served by a fetch.
    const receipts = Array.from({ length: 600 }, (_, i) => `aGVhZA.${i.toString(36)}x.c2ln`);
    const log = new MemoryLog();
    log.append(receipts.map(receiptLeafData));
    const key = await generateLogKey("hub.test/v1/log");
    const note = await signHead(key, log.head);
    const served = new Map(
      [...log.tiles].map(([path, bytes]) => [`http://hub.test/v1/log/${path}`, bytes]),
    );
    const fetch = async (url: string) => {
      const bytes = served.get(url);
      return new Response(bytes === undefined ? "missing" : bytes, { status: bytes ? 200 : 404 });
    };
    const code = (await bundle("cli/sdk/log.ts")).outputFiles[0]?.text as string;
    // Act: no process, Buffer, require or node: modules in this context.
    const sdk = runInNewContext(`${code};CordonLog`, {
      crypto: globalThis.crypto,
      TextEncoder,
      TextDecoder,
    }) as BrowserLog;
    const checkpoint = await sdk.verifyCheckpoint(note, key.verifierKey);
    const source = new sdk.TransparencyLog({ url: "http://hub.test", fetch });
    const inclusion = await sdk.proveReceiptIncluded(source, checkpoint, receipts[417] as string);
    // Assess
    expect(checkpoint.size).toBe(600);
    expect(inclusion.index).toBe(417);
    expect(inclusion.proof.length).toBeGreaterThan(0);
    expect(
      served.has(`http://hub.test/v1/log/${tilePath({ level: 0, index: 1, width: 256 })}`),
    ).toBe(true);
  });
});
