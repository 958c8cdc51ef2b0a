/**
 * Keys held in WebCrypto (the console's) and key requests: a non-extractable key signs
 * request tokens, bulletins and proofs the hub accepts; a key request carries a proof
 * that `checkKeyRequest` holds to the hub's own rules (right key, right organisation,
 * under five minutes old).
 */
import { describe, expect, it } from "vitest";
import {
  checkKeyRequest,
  createKeyRequest,
  parseKeyRequest,
} from "../../../cli/sdk/key-request.js";
import {
  decodeBulletinJws,
  signBulletin,
  verifyBulletinJws,
} from "../../../shared/signatures/bulletin-jws.js";
import { verifyKeyProof } from "../../../shared/signatures/key-proof.js";
import {
  generateHeldSigningKey,
  generateSigningKey,
  holdSigningKey,
  signerPublicJwk,
} from "../../../shared/signatures/keys.js";
import { signRequestToken, verifyRequestToken } from "../../../shared/signatures/request-token.js";
import { bulletinPayload } from "../../helpers/bulletins.js";

describe("keys held in WebCrypto", () => {
  it.each(["Ed25519", "ES256"] as const)(
    "a %s key is non-extractable and signs tokens the hub accepts",
    async (kind) => {
      // Prepare
      const key = await generateHeldSigningKey(kind);
      const body = new TextEncoder().encode("{}");
      // Act
      const token = await signRequestToken({
        iss: "binance",
        aud: "cordon",
        method: "POST",
        pathAndQuery: "/v1/screen",
        body,
        key,
      });
      const verified = await verifyRequestToken({
        authorization: `Bearer ${token}`,
        method: "POST",
        rawPath: "/v1/screen",
        rawQueryString: "",
        body,
        audience: "cordon",
        now: new Date(),
        resolveKey: async (_iss, kid) =>
          kid === key.kid ? { jwk: key.publicJwk, principal: "binance" } : undefined,
        claimJti: async () => true,
      });
      // Assess
      expect(verified.kid).toBe(key.kid);
      expect(key.privateKey.extractable).toBe(false);
      await expect(crypto.subtle.exportKey("jwk", key.privateKey)).rejects.toThrow();
      expect(signerPublicJwk(key)).toEqual(key.publicJwk);
      expect(key.publicJwk).not.toHaveProperty("d");
    },
  );

  it("holds a key file's key non-extractable, signing as the file would", async () => {
    const { signingKey, publicJwk } = await generateSigningKey("ES256");
    const held = await holdSigningKey(signingKey);
    expect(held.privateKey.extractable).toBe(false);
    expect(held.publicJwk).toEqual(publicJwk);
    const jws = await signBulletin(bulletinPayload("trm"), held);
    await expect(verifyBulletinJws(decodeBulletinJws(jws), publicJwk)).resolves.toBeUndefined();
  });

  it("prefers Ed25519 and signs bulletins that verify with the public key", async () => {
    const key = await generateHeldSigningKey();
    expect(key.alg).toBe("EdDSA");
    const jws = await signBulletin(bulletinPayload("trm"), key);
    await expect(verifyBulletinJws(decodeBulletinJws(jws), key.publicJwk)).resolves.toBeUndefined();
  });
});

describe("key requests", () => {
  it("carries a proof the hub accepts for that organisation", async () => {
    // Prepare
    const key = await generateHeldSigningKey("ES256");
    // Act
    const request = parseKeyRequest(
      JSON.parse(JSON.stringify(await createKeyRequest("binance", key))),
    );
    // Assess
    expect(request).toMatchObject({
      type: "cordon-key-request",
      org: "binance",
      jwk: key.publicJwk,
    });
    await expect(checkKeyRequest(request)).resolves.toBeUndefined();
    await expect(
      verifyKeyProof(request.proof, { jwk: request.jwk, iss: "binance", now: new Date() }),
    ).resolves.toBeUndefined();
  });

  it("is refused once its proof is over five minutes old, with a way forward", async () => {
    const { signingKey } = await generateSigningKey("Ed25519");
    const made = new Date(Date.now() - 6 * 60_000);
    const request = await createKeyRequest("binance", signingKey, made);
    await expect(checkKeyRequest(request)).rejects.toThrow(/more than 5 minutes old.*fresh one/);
  });

  it("is refused when it names another organisation or another key than its proof", async () => {
    const { signingKey } = await generateSigningKey("Ed25519");
    const other = await generateSigningKey("Ed25519");
    const request = await createKeyRequest("binance", signingKey);
    await expect(checkKeyRequest({ ...request, org: "kraken" })).rejects.toThrow(/does not hold/);
    await expect(checkKeyRequest({ ...request, jwk: other.publicJwk })).rejects.toThrow(
      /does not hold/,
    );
  });

  it("refuses a file that is not a key request, or that holds a private key", async () => {
    const { signingKey } = await generateSigningKey("Ed25519");
    const request = await createKeyRequest("binance", signingKey);
    expect(() => parseKeyRequest({ ...request, type: "jwk" })).toThrow("not a Cordon key request");
    expect(() => parseKeyRequest({ ...request, jwk: signingKey.privateJwk })).toThrow(
      "not a Cordon key request",
    );
    await expect(createKeyRequest("Not An Id", signingKey)).rejects.toThrow(
      "not an organisation id",
    );
  });
});
