/**
 * Hand-made compact JWS for hostile tests: header and payload as raw JSON text (so a
 * member name can repeat), signed with node:crypto rather than jose, with any key or
 * algorithm — the way an attacker would build them.
 */

import { createHash, createHmac, createPrivateKey, generateKeyPairSync, sign } from "node:crypto";
import fc from "fast-check";
import type { SigningKey } from "../../shared/signatures/types.js";

export function b64u(input: string | Uint8Array): string {
  return Buffer.from(typeof input === "string" ? Buffer.from(input, "utf8") : input).toString(
    "base64url",
  );
}

export function sha256B64u(input: string | Uint8Array): string {
  return createHash("sha256").update(input).digest("base64url");
}

/** `header.payload` signed with `key` (Ed25519, or ES256 as R‖S), whatever the header says. */
export function signRaw(headerJson: string, payloadJson: string, key: SigningKey): string {
  const signingInput = `${b64u(headerJson)}.${b64u(payloadJson)}`;
  const privateKey = createPrivateKey({ key: { ...key.privateJwk }, format: "jwk" });
  const signature =
    key.privateJwk.kty === "OKP"
      ? sign(null, Buffer.from(signingInput), privateKey)
      : sign("sha256", Buffer.from(signingInput), { key: privateKey, dsaEncoding: "ieee-p1363" });
  return `${signingInput}.${b64u(signature)}`;
}

/** HMAC-SHA256 with `secret`: the public-key-as-HMAC-secret confusion. */
export function signHs256(headerJson: string, payloadJson: string, secret: Uint8Array): string {
  const signingInput = `${b64u(headerJson)}.${b64u(payloadJson)}`;
  return `${signingInput}.${b64u(createHmac("sha256", secret).update(signingInput).digest())}`;
}

let rsaKey: string | undefined;

/** RS256 with an RSA key of the attacker's own. */
export function signRs256(headerJson: string, payloadJson: string): string {
  rsaKey ??= generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  }).privateKey;
  const signingInput = `${b64u(headerJson)}.${b64u(payloadJson)}`;
  return `${signingInput}.${b64u(sign("sha256", Buffer.from(signingInput), rsaKey))}`;
}

/** `alg: none`: no signature at all. */
export function unsigned(headerJson: string, payloadJson: string): string {
  return `${b64u(headerJson)}.${b64u(payloadJson)}.`;
}

/** A flip of one character's low bits (any 7-bit mask), for "change one byte" forgeries. */
export interface Flip {
  kind: "flip";
  index: number;
  mask: number;
}

export const flipArbitrary: fc.Arbitrary<Flip> = fc.record({
  kind: fc.constant("flip" as const),
  index: fc.nat(),
  mask: fc.integer({ min: 1, max: 127 }),
});

/** `text` with one character flipped; never `text` itself (`pad` is appended instead). */
export function applyFlip(text: string, flip: Flip, pad: string): string {
  const i = flip.index % text.length;
  const flipped = `${text.slice(0, i)}${String.fromCharCode((text.charCodeAt(i) ^ flip.mask) & 0x7f)}${text.slice(i + 1)}`;
  return flipped === text ? `${text}${pad}` : flipped;
}
