/**
 * Keys: the one schema of a registrable public JWK (DESIGN §9), loading private JWKs
 * for the CLI and the hub, generating keys, RFC 7638 thumbprints, and importing keys
 * into WebCrypto with a cache so a hot path never imports the same key twice. Curve
 * arithmetic (is this a P-256 point? which public key belongs to this `d`?) is done
 * with @noble/curves, so the same code runs on Node and in a browser.
 */

import { ed25519 } from "@noble/curves/ed25519.js";
import { p256 } from "@noble/curves/nist.js";
import { type CryptoKey, exportJWK, generateKeyPair, importJWK } from "jose";
import * as z from "zod";
import { toPointer } from "../json/strict-json.js";
import { decodeBase64UrlCanonical, encodeBase64Url } from "./base64url.js";
import { sha256Base64Url, sha256Hex } from "./digest.js";
import { SignatureError } from "./errors.js";
import type {
  EcPublicJwk,
  HeldSigningKey,
  OkpPublicJwk,
  PrivateJwk,
  PublicJwk,
  Signer,
  SigningAlg,
  SigningKey,
} from "./types.js";

/**
 * A `kid` appears in URL paths (`DELETE /v1/keys/{kid}`), so only unreserved characters,
 * and never `.` or `..`: clients and gateways may resolve those as dot segments, and the
 * router refuses them (shared/http/route.ts).
 */
export const KID_PATTERN = /^(?!\.\.?$)[A-Za-z0-9._~-]{1,128}$/;

const KID_RULE = "kid must be 1 to 128 characters from A-Z, a-z, 0-9 and . _ ~ -, not . or ..";

/** Every JWK member that holds private or secret key material, for any `kty`. */
export const PRIVATE_JWK_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "k", "oth"] as const;

const PRIVATE_MATERIAL_MESSAGE =
  "A JWK with private key material is refused: private keys never reach the hub.";

const OKP_ALGORITHMS: readonly SigningAlg[] = Object.freeze(["EdDSA", "Ed25519"]);
const EC_ALGORITHMS: readonly SigningAlg[] = Object.freeze(["ES256"]);

// ---------------------------------------------------------------------------------
// Schemas

const textEncoder = new TextEncoder();

function isRecord(input: unknown): input is Record<string, unknown> {
  return typeof input === "object" && input !== null && !Array.isArray(input);
}

const KidSchema = z
  .string({
    error: (issue) => (issue.input === undefined ? "kid is required." : "kid must be a string."),
  })
  .regex(KID_PATTERN, KID_RULE);

/** Ed25519 public keys, P-256 coordinates and both private scalars are all 32 bytes. */
function bytes32(member: string) {
  return z
    .string({
      error: (issue) =>
        issue.input === undefined ? `${member} is required.` : `${member} must be a string.`,
    })
    .refine(
      (text) => decodeBase64UrlCanonical(text)?.length === 32,
      `${member} must be the unpadded base64url encoding of exactly 32 bytes.`,
    );
}

const UseSchema = z.literal("sig", { error: 'use, if present, must be "sig".' }).optional();

const okpMembers = {
  kty: z.literal("OKP"),
  crv: z.literal("Ed25519", { error: "An OKP key must have crv Ed25519." }),
  x: bytes32("x"),
  kid: KidSchema,
  alg: z
    .enum(["EdDSA", "Ed25519"], {
      error: 'alg, if present, must be "EdDSA" or "Ed25519" for an Ed25519 key.',
    })
    .optional(),
  use: UseSchema,
};

const ecMembers = {
  kty: z.literal("EC"),
  crv: z.literal("P-256", { error: "An EC key must have crv P-256." }),
  x: bytes32("x"),
  y: bytes32("y"),
  kid: KidSchema,
  alg: z
    .literal("ES256", { error: 'alg, if present, must be "ES256" for a P-256 key.' })
    .optional(),
  use: UseSchema,
};

/**
 * A P-256 key whose coordinates are not a point on the curve would be accepted at
 * registration and then fail every verification; say so at registration instead.
 */
function refinePointOnCurve(jwk: { x: string; y: string }, ctx: z.RefinementCtx): void {
  const x = decodeBase64UrlCanonical(jwk.x);
  const y = decodeBase64UrlCanonical(jwk.y);
  if (x?.length !== 32 || y?.length !== 32) return; // already reported on x or y
  try {
    // An uncompressed SEC 1 point; fromBytes refuses one that is not on the curve.
    const point = new Uint8Array(65);
    point[0] = 0x04;
    point.set(x, 1);
    point.set(y, 33);
    p256.Point.fromBytes(point);
  } catch {
    ctx.addIssue({ code: "custom", path: [], message: "x and y are not a point on P-256." });
  }
}

const KTY_MESSAGE = 'kty must be "OKP" (Ed25519) or "EC" (P-256).';

const PublicJwkShape = z.discriminatedUnion(
  "kty",
  [z.object(okpMembers), z.object(ecMembers).superRefine(refinePointOnCurve)],
  { error: KTY_MESSAGE },
);

/** Refuses private members first, so a private JWK gets the one message that matters. */
const NoPrivateMembers = z.unknown().superRefine((input, ctx) => {
  if (!isRecord(input)) return;
  for (const member of PRIVATE_JWK_MEMBERS) {
    if (Object.hasOwn(input, member)) {
      ctx.addIssue({ code: "custom", path: [member], message: PRIVATE_MATERIAL_MESSAGE });
    }
  }
});

/**
 * zod schema of a registrable PUBLIC JWK (DESIGN §9): kty/crv/x (and y for EC) and
 * kid required; kid matches {@link KID_PATTERN}; x/y are base64url of exactly 32
 * bytes; alg, if present, fits the key; use, if present, is "sig"; any private member
 * is refused; harmless members (key_ops, ext, …) are dropped from the output. Issues
 * carry paths relative to the JWK.
 */
export const PublicJwkSchema: z.ZodType<PublicJwk> = NoPrivateMembers.pipe(PublicJwkShape);

const PrivateJwkShape = z.discriminatedUnion(
  "kty",
  [
    z.object({ ...okpMembers, kid: KidSchema.optional(), d: bytes32("d") }),
    z
      .object({ ...ecMembers, kid: KidSchema.optional(), d: bytes32("d") })
      .superRefine(refinePointOnCurve),
  ],
  { error: KTY_MESSAGE },
);

// ---------------------------------------------------------------------------------
// Parsing and facts about keys

/** Parses a public JWK, throwing `ERR_KEY_PRIVATE_MATERIAL` or `ERR_KEY_INVALID` with a pointer. */
export function parsePublicJwk(input: unknown): PublicJwk {
  const result = PublicJwkSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const pointer = toPointer(issue?.path ?? []);
  if (hasPrivateMaterial(input)) {
    throw new SignatureError("ERR_KEY_PRIVATE_MATERIAL", PRIVATE_MATERIAL_MESSAGE, { pointer });
  }
  throw new SignatureError("ERR_KEY_INVALID", issue?.message ?? "The JWK is not valid.", {
    pointer,
  });
}

/** True when `input` is an object carrying any private or secret JWK member. */
export function hasPrivateMaterial(input: unknown): boolean {
  return isRecord(input) && PRIVATE_JWK_MEMBERS.some((member) => Object.hasOwn(input, member));
}

/**
 * The algorithms a key may sign with. It follows the key's type, not its `alg`
 * member: a key registered with `alg: "EdDSA"` also verifies `Ed25519` (DESIGN §9).
 */
export function algorithmsForKey(jwk: PublicJwk): readonly SigningAlg[] {
  return jwk.kty === "OKP" ? OKP_ALGORITHMS : EC_ALGORITHMS;
}

export function defaultAlgForKey(jwk: PublicJwk): SigningAlg {
  return jwk.kty === "OKP" ? "EdDSA" : "ES256";
}

/** What identifies a key: the members RFC 7638 hashes. */
export type KeyMaterial =
  | Pick<OkpPublicJwk, "kty" | "crv" | "x">
  | Pick<EcPublicJwk, "kty" | "crv" | "x" | "y">;

/** The RFC 7638 members in its lexicographic order, no whitespace: exactly the key material. */
function requiredMembersJson(jwk: KeyMaterial): string {
  return jwk.kty === "OKP"
    ? JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x })
    : JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
}

/** RFC 7638 SHA-256 thumbprint (base64url); synchronous, unlike jose's. */
export function jwkThumbprint(jwk: KeyMaterial): string {
  return sha256Base64Url(textEncoder.encode(requiredMembersJson(jwk)));
}

/** The public half of a private JWK: the key material, `kid`, and `alg`/`use` when set. */
export function publicJwkOf(privateJwk: PrivateJwk): PublicJwk {
  const use = privateJwk.use === undefined ? {} : { use: privateJwk.use };
  if (privateJwk.kty === "OKP") {
    return {
      kty: "OKP",
      crv: "Ed25519",
      x: privateJwk.x,
      kid: privateJwk.kid,
      ...(privateJwk.alg === undefined ? {} : { alg: privateJwk.alg }),
      ...use,
    };
  }
  return {
    kty: "EC",
    crv: "P-256",
    x: privateJwk.x,
    y: privateJwk.y,
    kid: privateJwk.kid,
    ...(privateJwk.alg === undefined ? {} : { alg: privateJwk.alg }),
    ...use,
  };
}

/**
 * Loads a private JWK (the CLI's key file, the hub's keys). Only Ed25519 and P-256;
 * `kid` defaults to the RFC 7638 thumbprint. The public part must belong to `d`:
 * Node derives an Ed25519 public key from `d` and ignores `x`, so a mismatched file
 * would sign tokens that never verify against the registered key.
 */
export function parsePrivateJwk(input: unknown): SigningKey {
  const result = PrivateJwkShape.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new SignatureError("ERR_KEY_INVALID", issue?.message ?? "The private JWK is not valid.", {
      pointer: toPointer(issue?.path ?? []),
    });
  }
  const parsed = result.data;
  let derived: { x: string; y?: string };
  try {
    derived = publicPointOf(parsed.kty, decodeBase64UrlCanonical(parsed.d) ?? new Uint8Array());
  } catch (cause) {
    throw new SignatureError("ERR_KEY_INVALID", "The private JWK is not a usable key.", {
      pointer: "/d",
      cause,
    });
  }
  if (derived.x !== parsed.x || (parsed.kty === "EC" && derived.y !== parsed.y)) {
    throw new SignatureError("ERR_KEY_INVALID", "The public part of the JWK does not match d.", {
      pointer: "/x",
    });
  }
  const kid = parsed.kid ?? jwkThumbprint(parsed);
  const use = parsed.use === undefined ? {} : { use: parsed.use };
  const privateJwk: PrivateJwk =
    parsed.kty === "OKP"
      ? {
          kty: "OKP",
          crv: "Ed25519",
          x: parsed.x,
          d: parsed.d,
          kid,
          ...(parsed.alg === undefined ? {} : { alg: parsed.alg }),
          ...use,
        }
      : {
          kty: "EC",
          crv: "P-256",
          x: parsed.x,
          y: parsed.y,
          d: parsed.d,
          kid,
          ...(parsed.alg === undefined ? {} : { alg: parsed.alg }),
          ...use,
        };
  return { kid, alg: privateJwk.alg ?? defaultAlgForKey(privateJwk), privateJwk };
}

/** The public key of private scalar `d`, as JWK members. */
function publicPointOf(kty: "OKP" | "EC", d: Uint8Array): { x: string; y?: string } {
  if (kty === "OKP") return { x: encodeBase64Url(ed25519.getPublicKey(d)) };
  const point = p256.getPublicKey(d, false); // 0x04 ‖ x ‖ y
  return {
    x: encodeBase64Url(point.subarray(1, 33)),
    y: encodeBase64Url(point.subarray(33, 65)),
  };
}

// ---------------------------------------------------------------------------------
// Generating keys

/** A fresh key pair; `kid` defaults to the RFC 7638 thumbprint of the public key. */
export async function generateSigningKey(
  kind: "Ed25519" | "ES256",
  kid?: string,
): Promise<{ signingKey: SigningKey; publicJwk: PublicJwk }> {
  if (kid !== undefined && !KID_PATTERN.test(kid)) {
    throw new SignatureError("ERR_KEY_INVALID", KID_RULE, { pointer: "/kid" });
  }
  const { privateKey } = await generateKeyPair(kind, { extractable: true });
  const exported = await exportJWK(privateKey);
  const x = exported.x;
  const d = exported.d;
  if (typeof x !== "string" || typeof d !== "string") {
    throw new SignatureError("ERR_KEY_INVALID", "The generated key could not be exported.");
  }
  let privateJwk: PrivateJwk;
  if (kind === "Ed25519") {
    const chosenKid = kid ?? jwkThumbprint({ kty: "OKP", crv: "Ed25519", x });
    privateJwk = { kty: "OKP", crv: "Ed25519", x, d, kid: chosenKid, alg: "EdDSA", use: "sig" };
  } else {
    const y = exported.y;
    if (typeof y !== "string") {
      throw new SignatureError("ERR_KEY_INVALID", "The generated key could not be exported.");
    }
    const chosenKid = kid ?? jwkThumbprint({ kty: "EC", crv: "P-256", x, y });
    privateJwk = { kty: "EC", crv: "P-256", x, y, d, kid: chosenKid, alg: "ES256", use: "sig" };
  }
  const signingKey: SigningKey = {
    kid: privateJwk.kid,
    alg: defaultAlgForKey(privateJwk),
    privateJwk,
  };
  return { signingKey, publicJwk: publicJwkOf(privateJwk) };
}

/**
 * A fresh key pair whose private half is non-extractable: it signs, but no code can
 * read it out (WebCrypto keeps it; IndexedDB can store it as is). Without `kind`,
 * Ed25519 where the platform has it in WebCrypto, else ES256 (P-256), which every
 * browser has. `kid` is the RFC 7638 thumbprint of the public key.
 */
export async function generateHeldSigningKey(kind?: "Ed25519" | "ES256"): Promise<HeldSigningKey> {
  if (kind === undefined) {
    try {
      return await generateHeldSigningKey("Ed25519");
    } catch {
      return generateHeldSigningKey("ES256");
    }
  }
  const { privateKey, publicKey } = await generateKeyPair(kind, { extractable: false });
  const exported = await exportJWK(publicKey);
  const material: KeyMaterial =
    kind === "Ed25519"
      ? { kty: "OKP", crv: "Ed25519", x: String(exported.x) }
      : { kty: "EC", crv: "P-256", x: String(exported.x), y: String(exported.y) };
  const kid = jwkThumbprint(material);
  const alg: SigningAlg = kind === "Ed25519" ? "EdDSA" : "ES256";
  const publicJwk = parsePublicJwk({ ...material, kid, alg, use: "sig" });
  return { kid, alg, publicJwk, privateKey };
}

/**
 * The same key as a {@link HeldSigningKey}: its private JWK imported non-extractable,
 * so a caller can drop the JWK and keep only a key that signs (the console does this
 * with an imported key file).
 */
export async function holdSigningKey(key: SigningKey): Promise<HeldSigningKey> {
  assertAlgFitsKey(key);
  const { kid, ...members } = key.privateJwk;
  const privateKey = await importJwkAsCryptoKey(
    members as unknown as Record<string, string>,
    key.alg,
  );
  return { kid, alg: key.alg, publicJwk: publicJwkOf(key.privateJwk), privateKey };
}

// ---------------------------------------------------------------------------------
// Importing keys into WebCrypto

/**
 * A small LRU over Map's insertion order. It holds promises, so concurrent requests
 * signed with one key share a single import.
 */
class BoundedCache<V> {
  readonly #entries = new Map<string, V>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get(key: string): V | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.#capacity) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
  }

  deleteIf(key: string, value: V): void {
    if (this.#entries.get(key) === value) this.#entries.delete(key);
  }

  get size(): number {
    return this.#entries.size;
  }

  clear(): void {
    this.#entries.clear();
  }
}

/** Enough for every active key of a few hundred organisations in one warm Lambda. */
export const VERIFY_KEY_CACHE_CAPACITY = 2_000;
const verifyKeys = new BoundedCache<Promise<CryptoKey>>(VERIFY_KEY_CACHE_CAPACITY);
/** Signing keys are few: the hub's keys, or a CLI user's own. */
const signKeys = new BoundedCache<Promise<CryptoKey>>(64);

async function cachedImport(
  cache: BoundedCache<Promise<CryptoKey>>,
  cacheKey: string,
  load: () => Promise<CryptoKey>,
): Promise<CryptoKey> {
  let pending = cache.get(cacheKey);
  if (pending === undefined) {
    const started = load();
    pending = started;
    cache.set(cacheKey, started);
    // A failed import must not stay cached; a key that failed once fails again anyway.
    started.catch(() => cache.deleteIf(cacheKey, started));
  }
  try {
    return await pending;
  } catch (cause) {
    throw new SignatureError("ERR_KEY_INVALID", "The key could not be imported.", { cause });
  }
}

async function importJwkAsCryptoKey(
  material: Record<string, string>,
  alg: SigningAlg,
): Promise<CryptoKey> {
  const key = await importJWK(material, alg, { extractable: false });
  if (key instanceof Uint8Array) throw new TypeError("expected an asymmetric key");
  return key;
}

/**
 * The WebCrypto public key for `jwk`, cached by its key material (not its `kid`): jose
 * verifies through WebCrypto, and importing on every request doubles the cost. One
 * CryptoKey serves both `EdDSA` and `Ed25519`, since jose checks only its WebCrypto
 * algorithm name, which is `Ed25519` for both.
 */
export async function importVerifyKey(jwk: PublicJwk): Promise<CryptoKey> {
  const materialJson = requiredMembersJson(jwk);
  return cachedImport(verifyKeys, materialJson, () =>
    importJwkAsCryptoKey(JSON.parse(materialJson) as Record<string, string>, defaultAlgForKey(jwk)),
  );
}

/**
 * The WebCrypto private key for `key`: a held key's own, or a JWK's imported and cached
 * by its public material and a hash of `d`.
 */
export async function importSignKey(key: Signer): Promise<CryptoKey> {
  assertAlgFitsKey(key);
  if (!("privateJwk" in key)) return key.privateKey;
  const jwk = key.privateJwk;
  const materialJson = requiredMembersJson(jwk);
  const cacheKey = `${materialJson}#${sha256Hex(textEncoder.encode(jwk.d))}`;
  return cachedImport(signKeys, cacheKey, () =>
    importJwkAsCryptoKey(
      { ...(JSON.parse(materialJson) as Record<string, string>), d: jwk.d },
      key.alg,
    ),
  );
}

/** The public JWK of any signer: what is registered for it and verifies its signatures. */
export function signerPublicJwk(key: Signer): PublicJwk {
  return "privateJwk" in key ? publicJwkOf(key.privateJwk) : key.publicJwk;
}

/** Refuses a signer whose `alg` does not fit its key (a programming error, caught early). */
export function assertAlgFitsKey(key: Signer): void {
  const jwk = "privateJwk" in key ? key.privateJwk : key.publicJwk;
  if (!algorithmsForKey(jwk).includes(key.alg)) {
    throw new SignatureError(
      "ERR_JWS_ALG_KEY_MISMATCH",
      `The algorithm ${key.alg} does not fit a ${jwk.kty} key.`,
    );
  }
}

/** For tests and benchmarks: how many public keys are imported and cached. */
export function verifyKeyCacheSize(): number {
  return verifyKeys.size;
}

/** For tests and benchmarks: forget every imported key. */
export function clearKeyCaches(): void {
  verifyKeys.clear();
  signKeys.clear();
}
