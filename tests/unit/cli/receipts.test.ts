/**
 * Reading the receipts an organisation holds for `cordon audit` (cli/receipts.ts): the
 * files the CLI saves, and whatever else holds a receipt — a publish or revoke answer,
 * a webhook body, lines of compact JWS — with what each says of its place in the log,
 * a change receipt's own signed seq first.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  readReceipts,
  receiptsIn,
  savedReceiptOf,
  saveReceipt,
  uniqueReceipts,
} from "../../../cli/receipts.js";
import { generateHubKeySet } from "../../../shared/signatures/hub-keys.js";
import { signChangeReceipt, signReceipt } from "../../../shared/signatures/receipt.js";

const hubKeys = await generateHubKeySet();
const ID = "01JDX3Q8Z6V2M4N5P6R7S8T9AB";
const published = await signReceipt(
  {
    id: ID,
    issuer: "trm",
    kid: "k1",
    content_sha256: "a".repeat(64),
    received_at: "2026-12-01T10:00:00.000Z",
  },
  hubKeys.current,
);
const revoked = await signChangeReceipt(
  { id: ID, issuer: "trm", kind: "revoked", seq: 7, at: "2026-12-01T10:05:00.000001Z" },
  hubKeys.current,
);
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("receipts held", () => {
  it("a revoke answer holds the revocation's receipt (its seq signed) and the publish receipt", () => {
    const answer = {
      id: ID,
      receipt: published,
      change: { seq: 99, kind: "revoked", at: "x", receipt: revoked },
    };
    expect(receiptsIn(JSON.stringify(answer), "answer.json")).toEqual([
      {
        receipt: revoked,
        seq: 7,
        kind: "revoked",
        at: "2026-12-01T10:05:00.000001Z",
        bulletin_id: ID,
        source: "answer.json",
      },
      {
        receipt: published,
        kind: "published",
        at: "2026-12-01T10:00:00.000Z",
        bulletin_id: ID,
        source: "answer.json",
      },
    ]);
  });

  it("a webhook body's change, a publish answer's seq, and lines of compact JWS", () => {
    const body = {
      type: "bulletin.published",
      data: { id: ID, receipt: published },
      change: { seq: 3, kind: "published", at: "2026-12-01T10:00:00.000002Z", receipt: published },
    };
    expect(receiptsIn(JSON.stringify(body), "hook.json")).toMatchObject([
      { receipt: published, seq: 3, kind: "published", bulletin_id: ID },
    ]);
    const lines = receiptsIn(
      `# kept by hand\n${published}\n\n${revoked}\nnot a receipt\n`,
      "r.txt",
    );
    expect(lines.map((held) => [held.seq, held.kind])).toEqual([
      [undefined, "published"],
      [7, "revoked"],
    ]);
  });

  it("saves one file per receipt, reads a folder back, and one copy's seq completes another", async () => {
    const dir = await mkdtemp(join(tmpdir(), "cordon-receipts-"));
    dirs.push(dir);
    await saveReceipt(
      dir,
      savedReceiptOf("publish", ID, published, {
        seq: 3,
        kind: "published",
        at: "2026-12-01T10:00:00.000002Z",
        receipt: published,
      }),
    );
    await writeFile(join(dir, "bare.txt"), `${published}\n`);
    const held = uniqueReceipts(await readReceipts(dir));
    expect(held).toHaveLength(1);
    expect(held[0]).toMatchObject({ receipt: published, seq: 3, kind: "published" });
    expect(await readReceipts(join(dir, "missing"))).toEqual([]);
  });
});
