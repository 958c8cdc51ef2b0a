/**
 * Hand-made compact JWS for hostile tests: header and payload as raw JSON text (so a
 * member name can repeat), signed with node:crypto rather than jose, with any key or
 * algorithm — the way an attacker would build them.
 */
import { createHash, createHmac, createPrivateKey, generateKeyPairSync, sign } from "node:crypto";
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
