/**
 * Types shared by the signatures module and its callers: the keys partners register,
 * the keys the hub and the CLI sign with, and a decoded (not yet verified) JWS.
 * Operation files re-export the ones they are about, so callers may import either way.
 */
import type { CryptoKey } from "jose";

/**
 * The only JWS algorithms Cordon accepts (DESIGN §3): `EdDSA` and its fully
 * specified name `Ed25519` (RFC 9864) for OKP Ed25519 keys, `ES256` for P-256 keys.
 */
export type SigningAlg = "EdDSA" | "Ed25519" | "ES256";

export interface OkpPublicJwk {
  kty: "OKP";
  crv: "Ed25519";
  x: string;
  kid: string;
  alg?: "EdDSA" | "Ed25519";
  use?: "sig";
}

export interface EcPublicJwk {
  kty: "EC";
  crv: "P-256";
  x: string;
  y: string;
  kid: string;
  alg?: "ES256";
  use?: "sig";
}

/** A registrable public key: Ed25519 or P-256, always with a `kid`. */
export type PublicJwk = OkpPublicJwk | EcPublicJwk;

export type PrivateJwk = PublicJwk & { d: string };

export interface SigningKey {
  kid: string;
  /** The `alg` written into headers; always fits `privateJwk` (checked when signing). */
  alg: SigningAlg;
  privateJwk: PrivateJwk;
}

/**
 * A signing key whose private half lives only inside WebCrypto: generated
 * non-extractable (the analyst console keeps it in IndexedDB), so no code, the
 * console's own included, can ever read or send it. Signs exactly like a
 * {@link SigningKey}.
 */
export interface HeldSigningKey {
  kid: string;
  alg: SigningAlg;
  publicJwk: PublicJwk;
  /** A non-extractable `Ed25519` or `ECDSA` P-256 private key. */
  privateKey: CryptoKey;
}

/** Anything that can sign a Cordon JWS: a key file's JWK, or a key held in WebCrypto. */
export type Signer = SigningKey | HeldSigningKey;

export interface Jwks {
  keys: PublicJwk[];
}

/** The protected header of every Cordon JWS: these three members and no other. */
export interface JwsHeader {
  alg: SigningAlg;
  kid: string;
  typ: string;
}

/** A compact JWS split and strictly decoded, but whose signature is not yet checked. */
export interface DecodedJws {
  header: JwsHeader;
  /** The decoded middle segment, exactly as signed. */
  payloadBytes: Uint8Array;
  /** `payloadBytes` parsed as strict JSON (any JSON value; callers narrow it). */
  payload: unknown;
  /** The compact serialisation as received. */
  compact: string;
}
