import { base64urlnopad } from "@scure/base";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  LogVerificationError,
  proveCheckpointExtends,
  proveReceiptIncluded,
  readEntries,
  type TileSource,
  TransparencyLog,
  verifyCheckpoint,
  verifyConsistency,
  verifyInclusion,
} from "../../../cli/sdk/index.js";
import { receiptLeafData } from "../../../shared/log/leaves.js";
import { tilePath } from "../../../shared/log/tiles.js";
import type { TileAddress, TreeHead } from "../../../shared/log/types.js";
import { generateLogKey, type LogKey, MemoryLog, signHead } from "../../helpers/log-memory.js";

/** Stand-ins for receipts: compact-JWS-shaped, distinct. */
function receipt(i: number, salt = "r"): string {
  const encode = (text: string) => base64urlnopad.encode(new TextEncoder().encode(text));
  return `${encode('{"alg":"EdDSA","typ":"cordon-change+jws"}')}.${encode(`${salt}${i}`)}.${encode(`sig${i}`)}`;
}

const RECEIPTS = Array.from({ length: 1_000 }, (_, i) => receipt(i));

/** A log of `receipts`, appended in chunks ending at each of `sizes`. */
function logOf(receipts: readonly string[], sizes: readonly number[]): MemoryLog {
  const log = new MemoryLog();
  let at = 0;
  for (const size of sizes) {
    log.append(receipts.slice(at, size).map(receiptLeafData));
    at = size;
  }
  return log;
}

function source(log: MemoryLog): TileSource & { fetched: string[] } {
  const fetchTile = log.fetcher();
  return { fetchTile, fetched: fetchTile.fetched };
}

/** A source that answers `log`'s tiles but changes the bytes of `path` with `change`. */
function tampered(log: MemoryLog, path: string, change: (bytes: Uint8Array) => Uint8Array) {
  const honest = log.fetcher();
  return {
    fetchTile: async (tile: TileAddress) => {
      const bytes = await honest(tile);
      return bytes !== undefined && tilePath(tile) === path ? change(bytes) : bytes;
    },
  };
}

async function code(action: () => Promise<unknown> | unknown): Promise<string | undefined> {
  try {
    await action();
  } catch (error) {
    expect(error).toBeInstanceOf(LogVerificationError);
    return (error as LogVerificationError).code;
  }
  return undefined;
}

let key: LogKey;
let otherKey: LogKey;
let honest: MemoryLog;
let older: TreeHead;
let newer: TreeHead;

beforeAll(async () => {
  key = await generateLogKey("hub.test/v1/log");
  otherKey = await generateLogKey("hub.test/v1/log");
  honest = logOf(RECEIPTS, [300, 700, 1_000]);
  older = honest.heads[0] as TreeHead;
  newer = honest.head;
});

describe("the SDK's log audit, on an honest log", () => {
  it("verifies checkpoints, inclusion and consistency from tiles alone", async () => {
    // Prepare
    const a = await verifyCheckpoint(await signHead(key, older), key.verifierKey);
    const b = await verifyCheckpoint(await signHead(key, newer), key.verifierKey);
    // Act
    const extension = await proveCheckpointExtends(source(honest), a, b);
    const known = await proveReceiptIncluded(source(honest), b, RECEIPTS[123] as string, {
      index: 123,
    });
    const searched = await proveReceiptIncluded(source(honest), b, RECEIPTS[999] as string);
    // Assess
    verifyConsistency({ older: a, newer: b, proof: extension.proof });
    expect(known.index).toBe(123);
    expect(searched.index).toBe(999);
    verifyInclusion({ receipt: RECEIPTS[123], index: 123, proof: known.proof, checkpoint: b });
    verifyInclusion({ receipt: RECEIPTS[999], index: 999, proof: searched.proof, checkpoint: b });
    const entries = await readEntries(source(honest), b, 3);
    expect(entries).toHaveLength(1_000 - 768);
  });

  it("falls back to the full tile when a checkpoint's partial tile is gone", async () => {
    // Prepare: the log outgrew size 300; its partial tiles of that size were deleted.
    const pruned = logOf(RECEIPTS, [300, 1_000]);
    for (const path of [...pruned.tiles.keys()])
      if (path.includes(".p/44")) pruned.tiles.delete(path);
    // Act
    const proof = await proveReceiptIncluded(source(pruned), older, RECEIPTS[299] as string, {
      index: 299,
    });
    // Assess
    verifyInclusion({ receipt: RECEIPTS[299], index: 299, proof: proof.proof, checkpoint: older });
  });

  it("refuses any tile it uses with any bit flipped", async () => {
    // Prepare: the tiles an inclusion proof and a consistency proof fetch.
    const used = source(honest);
    await proveReceiptIncluded(used, newer, RECEIPTS[512] as string, { index: 512 });
    await proveCheckpointExtends(used, older, newer);
    const paths = [...new Set(used.fetched)];
    expect(paths.length).toBeGreaterThan(2);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        async (path, at, bit) => {
          const flip = (bytes: Uint8Array) => {
            const copy = bytes.slice();
            const i = at % copy.length;
            copy[i] = (copy[i] as number) ^ (1 << bit);
            return copy;
          };
          const bad = tampered(honest, path, flip);
          // Act / Assess
          const inclusion = await code(() =>
            proveReceiptIncluded(bad, newer, RECEIPTS[512] as string, { index: 512 }),
          );
          const consistency = await code(() => proveCheckpointExtends(bad, older, newer));
          expect([inclusion, consistency]).toContain("ERR_LOG_TILE_INVALID");
          for (const result of [inclusion, consistency]) {
            expect([undefined, "ERR_LOG_TILE_INVALID"]).toContain(result);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("a misbehaving hub is caught", () => {
  it("a fork: two checkpoints of one size with different roots", async () => {
    // Prepare: the same history but for one change, signed by the hub's own key.
    const forkedReceipts = [...RECEIPTS];
    forkedReceipts[500] = receipt(500, "forged");
    const forked = logOf(forkedReceipts, [1_000]);
    const b = await verifyCheckpoint(await signHead(key, newer), key.verifierKey);
    const bPrime = await verifyCheckpoint(await signHead(key, forked.head), key.verifierKey);
    // Act / Assess
    expect(await code(() => verifyConsistency({ older: b, newer: bPrime, proof: [] }))).toBe(
      "ERR_LOG_INCONSISTENT",
    );
    expect(await code(() => proveCheckpointExtends(source(forked), b, bPrime))).toBe(
      "ERR_LOG_INCONSISTENT",
    );
  });

  it("a fork: a smaller tree that is not a prefix of the larger", async () => {
    const forkedReceipts = [...RECEIPTS];
    forkedReceipts[100] = receipt(100, "rewritten");
    const forked = logOf(forkedReceipts, [1_000]);
    expect(await code(() => proveCheckpointExtends(source(forked), older, forked.head))).toBe(
      "ERR_LOG_INCONSISTENT",
    );
  });

  it("a dropped revocation: its receipt's leaf is gone, the log no longer extends the old one", async () => {
    // Prepare: change 250 (a revocation, say) is dropped; later changes move up.
    const dropped = logOf([...RECEIPTS.slice(0, 250), ...RECEIPTS.slice(251)], [999]);
    const revocation = RECEIPTS[250] as string;
    // Act / Assess
    expect(
      await code(() =>
        proveReceiptIncluded(source(dropped), dropped.head, revocation, { index: 250 }),
      ),
    ).toBe("ERR_LOG_ENTRY_MISMATCH");
    expect(await code(() => proveReceiptIncluded(source(dropped), dropped.head, revocation))).toBe(
      "ERR_LOG_ENTRY_NOT_FOUND",
    );
    expect(await code(() => proveCheckpointExtends(source(dropped), older, dropped.head))).toBe(
      "ERR_LOG_INCONSISTENT",
    );
  });

  it("a receipt that was never logged", async () => {
    expect(await code(() => proveReceiptIncluded(source(honest), newer, receipt(5, "never")))).toBe(
      "ERR_LOG_ENTRY_NOT_FOUND",
    );
    expect(
      await code(() =>
        proveReceiptIncluded(source(honest), newer, RECEIPTS[5] as string, { index: 1_000 }),
      ),
    ).toBe("ERR_LOG_ENTRY_NOT_FOUND");
  });

  it("a log that shrank (rolled back)", async () => {
    expect(await code(() => proveCheckpointExtends(source(honest), newer, older))).toBe(
      "ERR_LOG_INCONSISTENT",
    );
  });

  it("a checkpoint with a bad signature, or from another key, or of another log", async () => {
    const note = await signHead(key, newer);
    const broken = note.replace(
      / ([A-Za-z0-9+/]{10})/,
      (_m, head: string) => ` ${head.slice(0, 9)}${head[9] === "A" ? "B" : "A"}`,
    );
    expect(await code(() => verifyCheckpoint(broken, key.verifierKey))).toBe(
      "ERR_LOG_SIGNATURE_INVALID",
    );
    const byOther = await signHead(otherKey, newer);
    expect(await code(() => verifyCheckpoint(byOther, key.verifierKey))).toBe(
      "ERR_LOG_NOTE_UNVERIFIED",
    );
    expect(
      await code(() => verifyCheckpoint(note, key.verifierKey, { origin: "other.example/v1/log" })),
    ).toBe("ERR_LOG_ORIGIN_MISMATCH");
    expect(await code(() => verifyCheckpoint(note, "not a key"))).toBe(
      "ERR_LOG_VERIFIER_KEY_INVALID",
    );
  });

  it("tiles of another tree served under an honest checkpoint (a split view by tiles)", async () => {
    const forkedReceipts = [...RECEIPTS];
    forkedReceipts[900] = receipt(900, "other");
    const forked = logOf(forkedReceipts, [300, 700, 1_000]);
    expect(
      await code(() =>
        proveReceiptIncluded(source(forked), newer, RECEIPTS[10] as string, { index: 10 }),
      ),
    ).toBe("ERR_LOG_TILE_INVALID");
  });

  it("a tampered entry bundle, and tiles of the wrong length", async () => {
    const entries = tampered(honest, "tile/entries/001", (bytes) => {
      const copy = bytes.slice();
      copy[40] = (copy[40] as number) ^ 1;
      return copy;
    });
    expect(await code(() => readEntries(entries, newer, 1))).toBe("ERR_LOG_TILE_INVALID");
    const short = tampered(honest, "tile/0/001", (bytes) => bytes.subarray(32));
    expect(
      await code(() => proveReceiptIncluded(short, newer, RECEIPTS[300] as string, { index: 300 })),
    ).toBe("ERR_LOG_TILE_INVALID");
  });

  it("refuses a proof from the hub that does not hold", async () => {
    const proof = (await proveReceiptIncluded(source(honest), newer, RECEIPTS[7] as string)).proof;
    expect(
      await code(() =>
        verifyInclusion({ receipt: RECEIPTS[8], index: 7, proof, checkpoint: newer }),
      ),
    ).toBe("ERR_LOG_INCLUSION_INVALID");
    expect(
      await code(() =>
        verifyInclusion({ receipt: RECEIPTS[7], index: 7, proof: ["%%"], checkpoint: newer }),
      ),
    ).toBe("ERR_LOG_HASH_MALFORMED");
    expect(
      await code(() =>
        verifyInclusion({ receipt: "not a jws", index: 7, proof, checkpoint: newer }),
      ),
    ).toBe("ERR_LOG_RECEIPT_MALFORMED");
  });
});

describe("TransparencyLog over fetch", () => {
  const answer = (status: number, body = "", headers: Record<string, string> = {}) =>
    new Response(status === 204 ? null : body, { status, headers });

  it("asks <url>/v1/log/<path> with the given headers; a 404 is a missing tile", async () => {
    const asked: { url: string; headers: Headers }[] = [];
    const log = new TransparencyLog({
      url: "http://hub.test/",
      headers: { authorization: "Bearer cft_x" },
      fetch: async (input, init) => {
        asked.push({ url: String(input), headers: new Headers(init?.headers) });
        return String(input).endsWith("checkpoint") ? answer(200, "text\n") : answer(404);
      },
    });
    expect(await log.fetchCheckpoint()).toBe("text\n");
    expect(await log.fetchTile({ level: 1, index: 1234067, width: 3 })).toBeUndefined();
    expect(asked.map((a) => a.url)).toEqual([
      "http://hub.test/v1/log/checkpoint",
      "http://hub.test/v1/log/tile/1/x001/x234/067.p/3",
    ]);
    expect(asked[0]?.headers.get("authorization")).toBe("Bearer cft_x");
    expect(await code(() => log.fetchVerifierKey())).toBe("ERR_LOG_FETCH");
  });

  it("turns refusals, network failures and huge answers into ERR_LOG_FETCH", async () => {
    const failing = (response: () => Promise<Response>) =>
      new TransparencyLog({ url: "http://hub.test", fetch: response });
    expect(await code(() => failing(async () => answer(500)).fetchCheckpoint())).toBe(
      "ERR_LOG_FETCH",
    );
    expect(
      await code(() =>
        failing(async () => answer(401)).fetchTile({ level: 0, index: 0, width: 256 }),
      ),
    ).toBe("ERR_LOG_FETCH");
    expect(
      await code(() =>
        failing(async () => {
          throw new TypeError("fetch failed");
        }).fetchCheckpoint(),
      ),
    ).toBe("ERR_LOG_FETCH");
    expect(
      await code(() =>
        failing(async () =>
          answer(200, "x", { "content-length": String(2 ** 21) }),
        ).fetchCheckpoint(),
      ),
    ).toBe("ERR_LOG_FETCH");
  });
});
