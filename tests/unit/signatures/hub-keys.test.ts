import { createPublicKey, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  generateHubKeySet,
  hubJwks,
  hubKeySetToJson,
  parseHubKeySet,
  signEd25519,
} from "../../../shared/signatures/hub-keys.js";
import { hasPrivateMaterial } from "../../../shared/signatures/keys.js";
import { ed25519Key, es256Key, expectRefusal } from "./craft.js";

describe("hub keys", () => {
  it("round-trip through their stored form, as an object or as JSON text", async () => {
    // Prepare
    const set = await generateHubKeySet();
    const stored = hubKeySetToJson(set);
    // Act
    const fromObject = parseHubKeySet(stored);
    const fromText = parseHubKeySet(JSON.stringify(stored));
    // Assess
    expect(fromObject).toEqual(set);
    expect(fromText).toEqual(set);
    expect(stored.current_kid).toBe(set.current.kid);
  });

  it("publish only public parts, with alg EdDSA and use sig, for every key", async () => {
    // Prepare
    const a = await ed25519Key("hub-2026");
    const b = await ed25519Key("hub-2027");
    const set = parseHubKeySet({
      current_kid: "hub-2027",
      keys: [a.signingKey.privateJwk, b.signingKey.privateJwk],
    });
    // Act
    const jwks = hubJwks(set);
    // Assess
    expect(set.current.kid).toBe("hub-2027");
    expect(jwks.keys).toEqual([
      { kty: "OKP", crv: "Ed25519", x: a.publicJwk.x, kid: "hub-2026", alg: "EdDSA", use: "sig" },
      { kty: "OKP", crv: "Ed25519", x: b.publicJwk.x, kid: "hub-2027", alg: "EdDSA", use: "sig" },
    ]);
    expect(jwks.keys.some(hasPrivateMaterial)).toBe(false);
  });

  it("sign as EdDSA even when a stored key says Ed25519", async () => {
    // Prepare
    const a = await ed25519Key("hub-1");
    // Act
    const set = parseHubKeySet({
      current_kid: "hub-1",
      keys: [{ ...a.signingKey.privateJwk, alg: "Ed25519" }],
    });
    // Assess
    expect(set.current.alg).toBe("EdDSA");
  });

  it("make raw Ed25519 signatures that verify with the published key", async () => {
    // Prepare
    const set = await generateHubKeySet();
    const message = new TextEncoder().encode('msg_1.1795636000.{"type":"ping"}');
    const [published] = hubJwks(set).keys;
    // Act
    const signature = await signEd25519(set.current, message);
    // Assess
    expect(signature).toHaveLength(64);
    const publicKey = createPublicKey({ key: { ...published }, format: "jwk" });
    expect(verify(null, message, publicKey, signature)).toBe(true);
  });

  it("refuse to sign raw Ed25519 with a P-256 key", async () => {
    // Prepare
    const { signingKey } = await es256Key("ec");
    // Act / Assess
    await expectRefusal(() => signEd25519(signingKey, new Uint8Array(1)), "ERR_KEY_INVALID");
  });

  it.each([
    [
      "a P-256 key",
      async () => {
        const { signingKey } = await es256Key("ec");
        return { current_kid: "ec", keys: [signingKey.privateJwk] };
      },
      "/keys/0/kty",
    ],
    [
      "a missing current key",
      async () => {
        const { signingKey } = await ed25519Key("a");
        return { current_kid: "b", keys: [signingKey.privateJwk] };
      },
      "/current_kid",
    ],
    [
      "no current_kid",
      async () => {
        const { signingKey } = await ed25519Key("a");
        return { keys: [signingKey.privateJwk] };
      },
      "/current_kid",
    ],
    [
      "a key without kid",
      async () => {
        const { signingKey } = await ed25519Key("a");
        const { kid: _kid, ...withoutKid } = signingKey.privateJwk;
        return { current_kid: "a", keys: [withoutKid] };
      },
      "/keys/0/kid",
    ],
    [
      "two keys with one kid",
      async () => {
        const [a, b] = [await ed25519Key("a"), await ed25519Key("a")];
        return { current_kid: "a", keys: [a.signingKey.privateJwk, b.signingKey.privateJwk] };
      },
      "/keys/1/kid",
    ],
    [
      "a public key",
      async () => {
        const { publicJwk } = await ed25519Key("a");
        return { current_kid: "a", keys: [publicJwk] };
      },
      "/keys/0/d",
    ],
    ["no keys", async () => ({ current_kid: "a", keys: [] }), "/keys"],
    [
      "JSON text with a duplicate member",
      async () => '{"current_kid":"a","current_kid":"b","keys":[]}',
      "/current_kid",
    ],
    ["an array", async () => [], ""],
  ])("refuse %s", async (_case, make, pointer) => {
    // Prepare
    const input = await make();
    // Act
    const error = await expectRefusal(() => parseHubKeySet(input), "ERR_KEY_INVALID");
    // Assess
    expect(error.pointer).toBe(pointer);
  });
});
