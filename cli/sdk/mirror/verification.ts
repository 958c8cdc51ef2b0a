/**
 * Whether a bulletin and a change count (DESIGN §4, §10, §17): the publisher's JWS
 * verifies with its key — one not revoked before the hub received the bulletin, nor
 * registered after — the hub's receipt verifies with the hub's keys and is about this
 * very content, the payload is a valid bulletin, and what the feed item says agrees
 * with both. Nothing here trusts the hub's word for content. What passes is derived
 * exactly as the hub derives its index entries (acceptedMeta, summariseIndicators).
 */
import { acceptedMeta } from "../../../shared/bulletins/accepted-meta.js";
import { summariseIndicators } from "../../../shared/bulletins/indicators-of.js";
import { BulletinPayloadSchema } from "../../../shared/bulletins/schema.js";
import type { BulletinView } from "../../../shared/bulletins/wire.js";
import type { Change } from "../../../shared/changes/types.js";
import { BULLETIN_TYP } from "../../../shared/signatures/bulletin-jws.js";
import { decodeCompactJws } from "../../../shared/signatures/compact.js";
import {
  CHANGE_RECEIPT_TYP,
  RECEIPT_TYP,
  verifyChangeReceipt,
} from "../../../shared/signatures/receipt.js";
import { BulletinVerificationError } from "../errors.js";
import { verifyBulletin } from "../verify-bulletin.js";
import type { SetAsideCode } from "./errors.js";
import type { KeySource } from "./keys.js";
import type { HeldBulletin, HeldDigest } from "./types.js";

export interface Refusal {
  code: SetAsideCode;
  message: string;
}

export type ContentCheck = { ok: true; bulletin: HeldBulletin } | ({ ok: false } & Refusal);

/** Checks a bulletin's content (a feed item's, or a direct GET's for TLP:RED). */
export async function checkContent(
  view: Pick<BulletinView, "id" | "issuer" | "received_at" | "content_sha256" | "jws" | "receipt">,
  keys: KeySource,
  readAt: number,
): Promise<ContentCheck> {
  const refuse = (code: SetAsideCode, message: string): ContentCheck => ({
    ok: false,
    code,
    message,
  });
  const signer = signerOf(view.jws);
  if (signer === undefined) return refuse("ERR_BULLETIN_MALFORMED", "This is not a bulletin JWS.");
  const hubKid = headerKid(view.receipt, RECEIPT_TYP);
  if (hubKid === undefined)
    return refuse("ERR_RECEIPT_SIGNATURE", "The receipt is not a hub receipt JWS.");

  const publisherJwks = await keys.publisherKeys(signer.issuer, {
    kid: signer.kid,
    receivedAt: view.received_at,
    readAt,
  });
  if (publisherJwks === undefined) {
    return refuse("ERR_BULLETIN_KEY_UNKNOWN", `The hub knows no organisation ${signer.issuer}.`);
  }
  const hubJwks = await keys.hubKeys(hubKid, readAt);
  let verified: Awaited<ReturnType<typeof verifyBulletin>>;
  try {
    verified = await verifyBulletin(view.jws, publisherJwks, { receipt: view.receipt, hubJwks });
  } catch (error) {
    if (error instanceof BulletinVerificationError) return refuse(error.code, error.message);
    throw error;
  }
  const receipt = verified.receipt;
  if (receipt === undefined) throw new Error("verifyBulletin did not check the receipt");

  const key = publisherJwks.keys.find((candidate) => candidate.kid === verified.kid);
  if (verified.keyRevokedAt !== null && verified.receivedBeforeRevocation !== true) {
    return refuse(
      "ERR_BULLETIN_KEY_NOT_VALID",
      `The key ${verified.kid} was revoked at ${verified.keyRevokedAt}, before the hub received the bulletin (${receipt.received_at}).`,
    );
  }
  if (key !== undefined && Date.parse(key.created_at) > Date.parse(receipt.received_at)) {
    return refuse(
      "ERR_BULLETIN_KEY_NOT_VALID",
      `The key ${verified.kid} was registered at ${key.created_at}, after the hub received the bulletin (${receipt.received_at}).`,
    );
  }

  const parsed = BulletinPayloadSchema.safeParse(verified.payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return refuse(
      "ERR_BULLETIN_INVALID",
      `The signed bulletin is not valid: /${issue?.path.join("/") ?? ""} ${issue?.message ?? ""}`.trim(),
    );
  }
  const payload = parsed.data;
  let indicators: string[];
  try {
    indicators = summariseIndicators(payload).normalised;
  } catch (error) {
    return refuse(
      "ERR_BULLETIN_INVALID",
      `The signed bulletin names an invalid indicator: ${String(error)}`,
    );
  }

  const mismatch =
    view.id !== payload.id
      ? "id"
      : view.issuer !== payload.issuer
        ? "issuer"
        : view.content_sha256 !== verified.contentSha256
          ? "content_sha256"
          : view.received_at !== receipt.received_at
            ? "received_at"
            : undefined;
  if (mismatch !== undefined) {
    return refuse(
      "ERR_ITEM_MISMATCH",
      `The feed's ${mismatch} differs from the signed bulletin's.`,
    );
  }
  return {
    ok: true,
    bulletin: {
      id: payload.id,
      issuer: payload.issuer,
      ...acceptedMeta(payload),
      received_at: receipt.received_at,
      content_sha256: verified.contentSha256,
      kid: verified.kid,
      jws: view.jws,
      receipt: view.receipt,
      indicators,
    },
  };
}

/**
 * Checks a change's receipt: a publication's is the bulletin's own receipt (checked
 * with its content); a revocation's or supersession's is a hub-signed change receipt
 * naming this bulletin, kind, place and time.
 */
export async function checkChange(
  change: Change,
  held: Pick<HeldDigest, "id" | "issuer" | "receipt">,
  keys: KeySource,
  readAt: number,
): Promise<Refusal | undefined> {
  const refusal = (message: string): Refusal => ({ code: "ERR_CHANGE_RECEIPT", message });
  if (change.kind === "published") {
    return change.receipt === held.receipt
      ? undefined
      : refusal("The publication's receipt is not the bulletin's receipt.");
  }
  const kid = headerKid(change.receipt, CHANGE_RECEIPT_TYP);
  if (kid === undefined) return refusal("The change receipt is not a hub change receipt JWS.");
  let claims: Awaited<ReturnType<typeof verifyChangeReceipt>>;
  try {
    claims = await verifyChangeReceipt(change.receipt, await keys.hubKeys(kid, readAt));
  } catch (error) {
    return refusal(`The change receipt does not verify with the hub's keys: ${String(error)}`);
  }
  const expected = {
    id: held.id,
    issuer: held.issuer,
    kind: change.kind,
    seq: change.seq,
    at: change.at,
  };
  const differs = (Object.keys(expected) as (keyof typeof expected)[]).find(
    (name) => claims[name] !== expected[name],
  );
  return differs === undefined
    ? undefined
    : refusal(`The change receipt names another ${differs} than the feed's change.`);
}

/** The issuer and key id a bulletin JWS claims, read before any key is fetched. */
function signerOf(jws: string): { issuer: string; kid: string } | undefined {
  try {
    const decoded = decodeCompactJws(jws, BULLETIN_TYP);
    const issuer = (decoded.payload as { issuer?: unknown } | null)?.issuer;
    return typeof issuer === "string" ? { issuer, kid: decoded.header.kid } : undefined;
  } catch {
    return undefined;
  }
}

function headerKid(jws: string, typ: string): string | undefined {
  try {
    return decodeCompactJws(jws, typ).header.kid;
  } catch {
    return undefined;
  }
}
