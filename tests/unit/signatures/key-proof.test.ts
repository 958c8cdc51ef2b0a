import { beforeAll, describe, expect, it } from "vitest";
import type { SignatureError } from "../../../shared/signatures/errors.js";
import {
  KEY_PROOF_TYP,
  signKeyProof,
  verifyKeyProof,
} from "../../../shared/signatures/key-proof.js";
import { signRequestToken } from "../../../shared/signatures/request-token.js";
import type { EcPublicJwk, OkpPublicJwk } from "../../../shared/signatures/types.js";
import { ed25519Key, es256Key, expectRefusal, NOW, signRaw, type TestKey } from "./craft.js";

const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);

let newKey: TestKey<OkpPublicJwk>;
let newEcKey: TestKey<EcPublicJwk>;

beforeAll(async () => {
  newKey = await ed25519Key("trm-2027");
  newEcKey = await es256Key("trm-2027-ec");
});

describe("key proofs", () => {
  it.each([
    ["an Ed25519 key", () => newKey],
    ["a P-256 key", () => newEcKey],
  ])("verify for %s, made just now", async (_case, pick) => {
    // Prepare
    const { signingKey, publicJwk } = pick();
    const proof = await signKeyProof({ iss: "trm", key: signingKey, now: NOW });
    // Act
    const verifying = verifyKeyProof(proof, { jwk: publicJwk, iss: "trm", now: NOW });
    // Assess
    await expect(verifying).resolves.toBeUndefined();
  });

  it.each([
    ["made 4 min 59 s ago", -(4 * 60 + 59) / 60],
    ["dated 60 s ahead", 1],
  ])("verify when %s", async (_case, offsetMinutes) => {
    // Prepare
    const proof = await signKeyProof({
      iss: "trm",
      key: newKey.signingKey,
      now: minutes(offsetMinutes),
    });
    // Act / Assess
    await expect(
      verifyKeyProof(proof, { jwk: newKey.publicJwk, iss: "trm", now: NOW }),
    ).resolves.toBeUndefined();
  });

  it.each([
    ["made 6 minutes ago", -6],
    ["dated 2 minutes ahead", 2],
  ])("are stale when %s", async (_case, offsetMinutes) => {
    // Prepare
    const proof = await signKeyProof({
      iss: "trm",
      key: newKey.signingKey,
      now: minutes(offsetMinutes),
    });
    // Act / Assess
    await expectRefusal(
      () => verifyKeyProof(proof, { jwk: newKey.publicJwk, iss: "trm", now: NOW }),
      "ERR_PROOF_STALE",
    );
  });

  it("are invalid when signed by a different key than the one registered", async () => {
    // Prepare: the registrant holds some key, but not the one it asks to register.
    const held = await ed25519Key("trm-2027");
    const proof = await signKeyProof({ iss: "trm", key: held.signingKey, now: NOW });
    // Act
    const error = await expectRefusal(
      () => verifyKeyProof(proof, { jwk: newKey.publicJwk, iss: "trm", now: NOW }),
      "ERR_PROOF_INVALID",
    );
    // Assess
    expect((error.cause as SignatureError).code).toBe("ERR_JWS_SIGNATURE_INVALID");
  });

  it("are invalid when made for another organisation", async () => {
    // Prepare
    const proof = await signKeyProof({ iss: "binance", key: newKey.signingKey, now: NOW });
    // Act / Assess
    await expectRefusal(
      () => verifyKeyProof(proof, { jwk: newKey.publicJwk, iss: "trm", now: NOW }),
      "ERR_PROOF_INVALID",
    );
  });

  it("are invalid when the header kid is not the new key's kid", async () => {
    // Prepare
    const proof = await signKeyProof({ iss: "trm", key: newKey.signingKey, now: NOW });
    // Act / Assess
    await expectRefusal(
      () =>
        verifyKeyProof(proof, { jwk: { ...newKey.publicJwk, kid: "other" }, iss: "trm", now: NOW }),
      "ERR_PROOF_INVALID",
    );
  });

  it("are invalid when the claimed kid differs from the header kid", async () => {
    // Prepare
    const header = JSON.stringify({ alg: "EdDSA", kid: "trm-2027", typ: KEY_PROOF_TYP });
    const claims = JSON.stringify({
      iss: "trm",
      kid: "trm-2026",
      iat: Math.floor(NOW.getTime() / 1000),
    });
    const proof = signRaw(header, claims, newKey.signingKey);
    // Act / Assess
    await expectRefusal(
      () => verifyKeyProof(proof, { jwk: newKey.publicJwk, iss: "trm", now: NOW }),
      "ERR_PROOF_INVALID",
    );
  });

  it("are invalid when the alg does not fit the new key", async () => {
    // Prepare
    const proof = await signKeyProof({
      iss: "trm",
      key: { ...newEcKey.signingKey, kid: "trm-2027" },
      now: NOW,
    });
    // Act
    const error = await expectRefusal(
      () => verifyKeyProof(proof, { jwk: newKey.publicJwk, iss: "trm", now: NOW }),
      "ERR_PROOF_INVALID",
    );
    // Assess
    expect((error.cause as SignatureError).code).toBe("ERR_JWS_ALG_KEY_MISMATCH");
  });

  it.each([
    [
      "a request token",
      async () =>
        signRequestToken({
          iss: "trm",
          aud: "cordon",
          method: "GET",
          pathAndQuery: "/",
          key: newKey.signingKey,
          now: NOW,
        }),
    ],
    [
      "a proof without iat",
      async () =>
        signRaw(
          JSON.stringify({ alg: "EdDSA", kid: "trm-2027", typ: KEY_PROOF_TYP }),
          JSON.stringify({ iss: "trm", kid: "trm-2027" }),
          newKey.signingKey,
        ),
    ],
    [
      "a proof with a duplicate iss",
      async () =>
        signRaw(
          JSON.stringify({ alg: "EdDSA", kid: "trm-2027", typ: KEY_PROOF_TYP }),
          `{"iss":"binance","iss":"trm","kid":"trm-2027","iat":${Math.floor(NOW.getTime() / 1000)}}`,
          newKey.signingKey,
        ),
    ],
    ["garbage", async () => "not-a-jws"],
  ])("are invalid when given %s", async (_case, make) => {
    // Prepare
    const proof = await make();
    // Act / Assess
    await expectRefusal(
      () => verifyKeyProof(proof, { jwk: newKey.publicJwk, iss: "trm", now: NOW }),
      "ERR_PROOF_INVALID",
    );
  });
});
