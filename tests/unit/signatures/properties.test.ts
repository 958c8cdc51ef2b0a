import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  BULLETIN_TYP,
  decodeBulletinJws,
  signBulletin,
  verifyBulletinJws,
} from "../../../shared/signatures/bulletin-jws.js";
import { decodeCompactJws } from "../../../shared/signatures/compact.js";
import { SignatureError } from "../../../shared/signatures/errors.js";
import {
  REQUEST_TOKEN_TYP,
  signRequestToken,
  verifyRequestToken,
} from "../../../shared/signatures/request-token.js";
import type { EcPublicJwk, OkpPublicJwk } from "../../../shared/signatures/types.js";
import { AUDIENCE, b64u, ed25519Key, es256Key, NOW, requestFor, type TestKey } from "./craft.js";

let ed: TestKey<OkpPublicJwk>;
let ec: TestKey<EcPublicJwk>;

beforeAll(async () => {
  ed = await ed25519Key("ed-1");
  ec = await es256Key("ec-1");
});

/** A position in `text` and a byte to XOR into it there (never 0, so it always changes). */
const flip = (length: number) =>
  fc.record({ index: fc.nat({ max: length - 1 }), mask: fc.integer({ min: 1, max: 255 }) });

/** Flips bits of one character code, staying in Latin-1 as a header value would. */
function flipped(text: string, index: number, mask: number): string {
  const code = (text.charCodeAt(index) ^ mask) & 0xff;
  return `${text.slice(0, index)}${String.fromCharCode(code)}${text.slice(index + 1)}`;
}

async function refusal(action: () => Promise<unknown>): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("properties of the signatures module", () => {
  it.each([
    ["Ed25519", () => ed],
    ["P-256", () => ec],
  ])("a request token (%s) with any byte flipped never verifies", async (_kind, pick) => {
    // Prepare
    const key = pick();
    const token = await signRequestToken({
      iss: "trm",
      aud: AUDIENCE,
      method: "POST",
      pathAndQuery: "/v1/bulletins?dry_run=1",
      body: '{"a":1}',
      key: key.signingKey,
      now: NOW,
    });
    await expect(verifyRequestToken(requestFor(token, key.publicJwk).input)).resolves.toBeDefined();
    await fc.assert(
      fc.asyncProperty(flip(token.length), async ({ index, mask }) => {
        // Act: resolveKey answers the right key whatever kid the flip produced.
        const { input, claimJti } = requestFor(flipped(token, index, mask), key.publicJwk);
        const error = await refusal(() => verifyRequestToken(input));
        // Assess
        expect(error).toBeInstanceOf(SignatureError);
        expect(claimJti).not.toHaveBeenCalled();
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ["Ed25519", () => ed],
    ["P-256", () => ec],
  ])("a bulletin JWS (%s) with any byte flipped never verifies", async (_kind, pick) => {
    // Prepare
    const key = pick();
    const jws = await signBulletin(
      { id: "01JDX3Q8Z6V2M4N5P6R7S8T9VW", tlp: "red" },
      key.signingKey,
    );
    await fc.assert(
      fc.asyncProperty(flip(jws.length), async ({ index, mask }) => {
        // Act
        const error = await refusal(async () =>
          verifyBulletinJws(decodeBulletinJws(flipped(jws, index, mask)), key.publicJwk),
        );
        // Assess
        expect(error).toBeInstanceOf(SignatureError);
      }),
      { numRuns: 300 },
    );
  });

  it("decodeCompactJws throws nothing but SignatureError on arbitrary strings", () => {
    // Prepare: plain strings, strings over the JWS alphabet, and three encoded JSON values.
    const alphabet = fc.constantFrom(..."ABCabc012-_.=+/ ".split(""));
    const segment = fc.oneof(
      fc.json().map((text) => b64u(text)),
      fc.string({ unit: "binary" }).map((text) => b64u(text)),
      fc.string({ unit: alphabet }),
    );
    const header = fc
      .record(
        {
          alg: fc.constantFrom("EdDSA", "Ed25519", "ES256", "none", "HS256"),
          kid: fc.oneof(fc.string(), fc.constant("k")),
          typ: fc.constantFrom(BULLETIN_TYP, REQUEST_TOKEN_TYP),
          crit: fc.array(fc.string()),
        },
        { requiredKeys: [] },
      )
      .map((value) => b64u(JSON.stringify(value)));
    const candidates = fc.oneof(
      fc.string({ unit: "binary" }),
      fc.string({ unit: alphabet, maxLength: 200 }),
      fc.tuple(fc.oneof(header, segment), segment, segment).map((parts) => parts.join(".")),
      fc
        .tuple(header, fc.jsonValue(), fc.uint8Array({ minLength: 64, maxLength: 64 }))
        .map(
          ([h, payload, signature]) =>
            `${h}.${b64u(JSON.stringify(payload) ?? "")}.${b64u(signature)}`,
        ),
    );
    fc.assert(
      fc.property(candidates, fc.constantFrom(BULLETIN_TYP, REQUEST_TOKEN_TYP), (compact, typ) => {
        // Act
        let thrown: unknown;
        try {
          decodeCompactJws(compact, typ);
        } catch (error) {
          thrown = error;
        }
        // Assess
        if (thrown !== undefined) expect(thrown).toBeInstanceOf(SignatureError);
      }),
      { numRuns: 1_000 },
    );
  });

  it.each([
    ["Ed25519", () => ed],
    ["P-256", () => ec],
  ])("sign → decode → verify round-trips any JSON object (%s)", async (_kind, pick) => {
    // Prepare
    const key = pick();
    const payloads = fc.dictionary(
      fc.string({ unit: "grapheme" }),
      fc.jsonValue({ stringUnit: "grapheme", maxDepth: 4 }),
    );
    await fc.assert(
      fc.asyncProperty(payloads, async (payload) => {
        // Act
        const decoded = decodeBulletinJws(await signBulletin(payload, key.signingKey));
        await verifyBulletinJws(decoded, key.publicJwk);
        // Assess: what a recipient reads is what was signed (-0 is written as 0).
        expect(decoded.payload).toEqual(JSON.parse(JSON.stringify(payload)));
      }),
      { numRuns: 150 },
    );
  });
});
