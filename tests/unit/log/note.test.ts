import { base64, base64urlnopad } from "@scure/base";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  formatCheckpoint,
  logOrigin,
  openCheckpoint,
  parseCheckpoint,
  signCheckpoint,
} from "../../../shared/log/checkpoint.js";
import { LogError } from "../../../shared/log/errors.js";
import { EMPTY_ROOT } from "../../../shared/log/hashing.js";
import { hubNoteSigner, hubVerifierKey } from "../../../shared/log/hub-signer.js";
import {
  type NoteSigner,
  type NoteVerifier,
  openNote,
  parseNote,
  signNote,
} from "../../../shared/log/note.js";
import {
  ed25519NoteSigner,
  ed25519NoteVerifier,
  formatVerifierKey,
  noteKeyId,
  parseVerifierKey,
  type WebCryptoKey,
} from "../../../shared/log/verifier-key.js";
import { generateHubKeySet } from "../../../shared/signatures/hub-keys.js";
import { generateLogKey, type LogKey } from "../../helpers/log-memory.js";

// The worked example of Go's golang.org/x/mod/sumdb/note documentation.
const GO_SIGNER_KEY =
  "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const GO_VERIFIER_KEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const GO_TEXT =
  "If you think cryptography is the answer to your problem,\n" +
  "then you don't know what your problem is.\n";
const GO_NOTE = `${GO_TEXT}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

const ROOT = base64.decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=");

async function refusal(action: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await action();
  } catch (error) {
    if (error instanceof LogError) return error.code;
    throw error;
  }
  return undefined;
}

/** The Go example's signer, from its seed, through WebCrypto. */
async function goExampleSigner(): Promise<NoteSigner> {
  const seed = base64.decode(GO_SIGNER_KEY.split("+").slice(4).join("+")).slice(1);
  const { publicKey } = parseVerifierKey(GO_VERIFIER_KEY);
  const privateKey = (await crypto.subtle.importKey(
    "jwk",
    {
      kty: "OKP",
      crv: "Ed25519",
      d: base64urlnopad.encode(seed),
      x: base64urlnopad.encode(publicKey),
    },
    { name: "Ed25519" },
    false,
    ["sign"],
  )) as WebCryptoKey;
  return ed25519NoteSigner("PeterNeumann", privateKey, publicKey);
}

let log: LogKey;
let other: LogKey;
let verifier: NoteVerifier;

beforeAll(async () => {
  log = await generateLogKey("hub.test/v1/log");
  other = await generateLogKey("hub.test/v1/log");
  verifier = await ed25519NoteVerifier(log.verifierKey);
});

describe("signed notes, as Go's sumdb/note", () => {
  it("opens Go's documented example and signs it to the same bytes", async () => {
    // Act
    const opened = await openNote(GO_NOTE, [await ed25519NoteVerifier(GO_VERIFIER_KEY)]);
    const signed = await signNote(GO_TEXT, [await goExampleSigner()]);
    // Assess
    expect(opened.text).toBe(GO_TEXT);
    expect(opened.verified.map((s) => [s.name, s.keyId])).toEqual([["PeterNeumann", 0xc74f20a3]]);
    expect(signed).toBe(GO_NOTE);
  });

  it("formats the verifier key as Go does: name, key ID, base64(0x01 ‖ key)", () => {
    const key = parseVerifierKey(GO_VERIFIER_KEY);
    expect(key.keyId).toBe(0xc74f20a3);
    expect(noteKeyId("PeterNeumann", key.publicKey)).toBe(0xc74f20a3);
    expect(formatVerifierKey("PeterNeumann", key.publicKey)).toBe(GO_VERIFIER_KEY);
  });

  it.each([
    ["no key ID", "PeterNeumann+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"],
    ["a wrong key ID", "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"],
    ["a short key ID", "PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"],
    ["another name", "PeterNeuman+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"],
    ["another algorithm", "PeterNeumann+c74f20a3+Ahpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"],
    ["a short key", "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10Q="],
    ["bad base64", "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T"],
    ["a space in the name", "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"],
    ["an empty name", "+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"],
  ])("refuses a verifier key with %s", async (_why, key) => {
    expect(await refusal(() => ed25519NoteVerifier(key))).toBe("ERR_LOG_VERIFIER_KEY_INVALID");
  });

  it("never throws anything but a LogError on any verifier key or note text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 120 }), (text) => {
        for (const parse of [parseVerifierKey, parseNote, parseCheckpoint]) {
          try {
            parse(text);
          } catch (error) {
            expect(error).toBeInstanceOf(LogError);
          }
        }
      }),
    );
  });

  it("ignores unknown keys' signatures and repeated ones, as the spec says", async () => {
    // Prepare: signed by the log, a witness we do not know, and the log again.
    const text = "hub.test/v1/log\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
    const witness = await generateLogKey("witness.example/w1");
    const signed = await signNote(text, [witness.signer, log.signer, log.signer]);
    // Act
    const opened = await openNote(signed, [verifier]);
    // Assess
    expect(opened.verified).toHaveLength(1);
    expect(opened.unverified.map((s) => s.name)).toEqual(["witness.example/w1"]);
    // Same name, other key ID: also unknown, so ignored, never mistaken for the log.
    const impostor = await signNote(text, [other.signer, log.signer]);
    expect((await openNote(impostor, [verifier])).verified).toHaveLength(1);
  });

  it("refuses a note whose known key's signature fails, or that no known key signed", async () => {
    const text = "hello\n";
    const signed = await signNote(text, [log.signer]);
    const sig = signed.slice(signed.lastIndexOf(" ") + 1, -1);
    const bytes = base64.decode(sig);
    bytes[10] = (bytes[10] as number) ^ 1;
    const tampered = signed.replace(sig, base64.encode(bytes));
    expect(await refusal(() => openNote(tampered, [verifier]))).toBe("ERR_LOG_SIGNATURE_INVALID");
    expect(await refusal(() => openNote(`hellO\n${signed.slice(6)}`, [verifier]))).toBe(
      "ERR_LOG_SIGNATURE_INVALID",
    );
    // A bad signature before a good one by the same key is refused; after it, the
    // repeat is ignored unread, as Go's note.Open does.
    const badLine = tampered.slice(tampered.indexOf("—"));
    const goodLine = signed.slice(signed.indexOf("—"));
    expect(await refusal(() => openNote(`${text}\n${badLine}${goodLine}`, [verifier]))).toBe(
      "ERR_LOG_SIGNATURE_INVALID",
    );
    expect((await openNote(`${text}\n${goodLine}${badLine}`, [verifier])).verified).toHaveLength(1);
    const byOther = await signNote(text, [other.signer]);
    expect(await refusal(() => openNote(byOther, [verifier]))).toBe("ERR_LOG_NOTE_UNVERIFIED");
  });

  const sigLine = "— hub.test/v1/log AAAAAAAAAAAAAAAA\n";
  it.each([
    ["no blank line", `text\n${sigLine}`],
    ["no signature", "text\n\n"],
    ["no final newline", `text\n\n${sigLine.slice(0, -1)}`],
    ["a line without the em dash", "text\n\n- hub.test/v1/log AAAAAAAAAAAAAAAA\n"],
    ["bad base64", "text\n\n— hub.test/v1/log AAAA*AAAAAAAAAAA\n"],
    ["a signature shorter than 5 bytes", "text\n\n— hub.test/v1/log AAAAAA==\n"],
    ["no signature after the name", "text\n\n— hub.test/v1/log\n"],
    ["a '+' in the key name", "text\n\n— hub+test AAAAAAAAAAAAAAAA\n"],
    ["a control character", `te\txt\n\n${sigLine}`],
    ["a carriage return", `text\r\n\n${sigLine}`],
    ["a lone surrogate", `te\ud800xt\n\n${sigLine}`],
    ["101 signatures", `text\n\n${sigLine.repeat(101)}`],
  ])("refuses a malformed note: %s", async (_why, note) => {
    expect(await refusal(() => openNote(note, [verifier]))).toBe("ERR_LOG_NOTE_MALFORMED");
  });

  it("refuses invalid UTF-8 bytes", async () => {
    const bytes = new TextEncoder().encode(`text\n\n${sigLine}`);
    bytes[1] = 0xff;
    expect(await refusal(() => openNote(bytes, [verifier]))).toBe("ERR_LOG_NOTE_MALFORMED");
  });

  it("refuses a signer whose private key does not fit its public key", async () => {
    const a = (await crypto.subtle.generateKey({ name: "Ed25519" }, false, ["sign", "verify"])) as {
      privateKey: WebCryptoKey;
    };
    const { publicKey } = parseVerifierKey(log.verifierKey);
    expect(await refusal(() => ed25519NoteSigner("x/v1/log", a.privateKey, publicKey))).toBe(
      "ERR_LOG_SIGNER_INVALID",
    );
  });
});

describe("checkpoints (C2SP tlog-checkpoint)", () => {
  const checkpoint = {
    origin: "hub.test/v1/log",
    size: 20852163,
    rootHash: ROOT,
    extensions: [],
  };

  it("formats the spec's three lines", () => {
    expect(formatCheckpoint({ ...checkpoint, origin: "example.com/behind-the-sofa" })).toBe(
      "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
    );
  });

  it("round-trips through signing and opening, extension lines included", async () => {
    const note = await signCheckpoint(
      { ...checkpoint, extensions: ["ext one", "two"] },
      log.signer,
    );
    const opened = await openCheckpoint(note, verifier);
    expect(opened).toMatchObject({ origin: "hub.test/v1/log", size: 20852163, note });
    expect(opened.extensions).toEqual(["ext one", "two"]);
    expect(Buffer.from(opened.rootHash).equals(Buffer.from(ROOT))).toBe(true);
  });

  it("is signed by the old and the new key during a rotation; either verifies it", async () => {
    const note = await signCheckpoint(checkpoint, [log.signer, other.signer]);
    const withOther = await ed25519NoteVerifier(other.verifierKey);
    expect((await openCheckpoint(note, verifier)).size).toBe(checkpoint.size);
    expect((await openCheckpoint(note, withOther)).size).toBe(checkpoint.size);
    const stranger = await generateLogKey("stranger/v1/log");
    expect(await refusal(() => signCheckpoint(checkpoint, [log.signer, stranger.signer]))).toBe(
      "ERR_LOG_SIGNER_INVALID",
    );
  });

  it("refuses another key, another origin, and a bad signature", async () => {
    const byOther = await signCheckpoint(checkpoint, other.signer);
    expect(await refusal(() => openCheckpoint(byOther, verifier))).toBe("ERR_LOG_NOTE_UNVERIFIED");
    // The right key, but a checkpoint of another log.
    const elsewhere = await signNote(formatCheckpoint({ ...checkpoint, origin: "other/v1/log" }), [
      log.signer,
    ]);
    expect(await refusal(() => openCheckpoint(elsewhere, verifier))).toBe(
      "ERR_LOG_ORIGIN_MISMATCH",
    );
    const good = await signCheckpoint(checkpoint, log.signer);
    const forged = good.replace("20852163", "20852164");
    expect(await refusal(() => openCheckpoint(forged, verifier))).toBe("ERR_LOG_SIGNATURE_INVALID");
  });

  it.each([
    ["two lines", "o\n1\n"],
    ["an empty origin", "\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"],
    ["a leading zero", "o\n01\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"],
    ["a negative size", "o\n-1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"],
    ["a size beyond 2^53", "o\n9007199254740993\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"],
    ["a short root", "o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2=\n"],
    ["an unpadded root", "o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n"],
    ["an empty extension line", "o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\nx\n"],
    ["an empty tree with a root", "o\n0\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"],
    ["no final newline", "o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="],
  ])("refuses a checkpoint text with %s", (_why, text) => {
    expect(() => parseCheckpoint(text)).toThrowError(
      expect.objectContaining({ code: "ERR_LOG_CHECKPOINT_MALFORMED" }),
    );
  });

  it("accepts the empty tree with SHA-256('') as its root", () => {
    const text = formatCheckpoint({ ...checkpoint, size: 0, rootHash: EMPTY_ROOT });
    expect(parseCheckpoint(text).size).toBe(0);
  });

  it("names the log after the hub's audience", () => {
    expect(logOrigin("https://hub.example")).toBe("hub.example/v1/log");
    expect(logOrigin("https://hub.example/")).toBe("hub.example/v1/log");
    expect(logOrigin("cordon")).toBe("cordon/v1/log");
    expect(logOrigin("http://127.0.0.1:8080")).toBe("127.0.0.1:8080/v1/log");
  });

  it("signs with the hub's own Ed25519 key, verifiable with its /v1/log/key string", async () => {
    // Prepare
    const hubKeys = await generateHubKeySet();
    const origin = logOrigin("https://hub.example");
    // Act
    const note = await signCheckpoint(
      { ...checkpoint, origin },
      await hubNoteSigner(origin, hubKeys.current),
    );
    const key = hubVerifierKey(origin, hubKeys.current);
    // Assess
    expect(key).toMatch(/^hub\.example\/v1\/log\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
    expect(parseVerifierKey(key).publicKey).toHaveLength(32);
    const opened = await openCheckpoint(note, await ed25519NoteVerifier(key));
    expect(opened.size).toBe(checkpoint.size);
  });
});
