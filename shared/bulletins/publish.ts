/**
 * Publishing a bulletin (DESIGN §4, §9, §10): check the publisher's signature and the
 * payload, resolve the audience, commit the publication (changes/port.ts), and drive
 * it through the change protocol. A re-post of the same content answers the stored
 * receipt; the same id with other content is a conflict.
 */

import { advance, outboxDue } from "../changes/protocol.js";
import { changeOf } from "../changes/types.js";
import { ConflictError, ForbiddenError, ValidationError } from "../errors/errors.js";
import { fieldErrorsOf } from "../errors/zod.js";
import type { HubDeps } from "../hub/deps.js";
import type { Organisation } from "../orgs/types.js";
import { contentSha256, decodeBulletinJws, verifyBulletinJws } from "../signatures/bulletin-jws.js";
import { SignatureError } from "../signatures/errors.js";
import { signReceipt } from "../signatures/receipt.js";
import type { DecodedJws } from "../signatures/types.js";
import { acceptedMeta } from "./accepted-meta.js";
import { resolveRecipients } from "./audience.js";
import { summariseIndicators } from "./indicators-of.js";
import { type BulletinPayload, BulletinPayloadSchema } from "./schema.js";
import type { BulletinRecord } from "./types.js";
import type { PublishReceipt } from "./wire.js";

/** How far in the future a publisher's clock may put `issued_at`. */
const ISSUED_AT_SKEW_MS = 5 * 60_000;

export interface PublishOutcome {
  /** False when the same bulletin was posted before: answer 200, not 201. */
  created: boolean;
  receipt: PublishReceipt;
}

export async function publishBulletin(
  deps: HubDeps,
  caller: Organisation,
  jws: string,
): Promise<PublishOutcome> {
  const decoded = decodeOrRefuse(jws);
  const claimedIssuer = (decoded.payload as { issuer?: unknown }).issuer;
  if (typeof claimedIssuer === "string" && claimedIssuer !== caller.id) {
    throw new ForbiddenError(
      "A bulletin's issuer must be the organisation that signs the request.",
    );
  }
  await verifyWithCurrentKey(decoded, caller);
  const sha = contentSha256(decoded);

  const existing = await deps.store.changes.bulletinAccess(payloadId(decoded));
  if (existing !== undefined && existing.issuer === caller.id && existing.content_sha256 === sha) {
    return repost(deps, existing.id);
  }

  const payload = validatePayload(decoded.payload, deps.clock.now());
  const recipients = await resolveRecipients(deps.store.orgs, payload.audience ?? []);
  await checkSupersedes(deps, caller, payload);
  if (existing !== undefined)
    throw new ConflictError("A bulletin with this id exists with other content.");

  const now = deps.clock.now();
  const receivedAt = now.toISOString();
  const summary = summariseIndicators(payload);
  const receipt = await signReceipt(
    {
      id: payload.id,
      issuer: caller.id,
      kid: decoded.header.kid,
      content_sha256: sha,
      received_at: receivedAt,
    },
    deps.hubKeys.current,
  );
  const record: BulletinRecord = {
    id: payload.id,
    issuer: caller.id,
    ...acceptedMeta(payload),
    received_at: receivedAt,
    status: "active",
    recipients,
    chains: summary.chains,
    indicator_types: summary.types,
    jws,
    kid: decoded.header.kid,
    content_sha256: sha,
    receipt,
    supersedes: payload.supersedes ?? null,
    changes: { published: { committed_at: receivedAt } },
    version: 1,
  };

  if (!(await deps.store.changes.commitPublication(record, summary.normalised, outboxDue(now)))) {
    // Another request committed this id between our read and our commit.
    const winner = await deps.store.changes.bulletinAccess(record.id);
    if (winner !== undefined && winner.issuer === caller.id && winner.content_sha256 === sha) {
      return repost(deps, record.id);
    }
    if (winner === undefined) {
      // A twin: another id with the same canonical id (canonical-id.ts) holds its place.
      throw new ConflictError(
        "This id is taken: a bulletin exists whose id differs from it only in the bits its MISP " +
          "event uuid and STIX ids leave out. Publish under a new id.",
      );
    }
    throw new ConflictError("A bulletin with this id exists with other content.");
  }
  deps.metrics.count("BulletinsPublished");
  const advanced = await advance(deps, record.id).catch((error: unknown) => {
    deps.logger.warn("a published bulletin waits for the sweeper", {
      bulletinId: record.id,
      error: String(error),
    });
    return record;
  });
  return { created: true, receipt: receiptOf(advanced ?? record) };
}

/** The same bulletin posted again: the stored receipt. */
async function repost(deps: HubDeps, id: string): Promise<PublishOutcome> {
  const stored = await deps.store.changes.bulletin(id);
  if (stored === undefined) throw new Error(`bulletin ${id} vanished after its commit`);
  return { created: false, receipt: receiptOf(stored) };
}

function decodeOrRefuse(jws: string): DecodedJws {
  try {
    return decodeBulletinJws(jws);
  } catch (error) {
    if (!(error instanceof SignatureError)) throw error;
    const pointer = error.segment === "payload" && error.pointer !== undefined ? error.pointer : "";
    throw ValidationError.at(
      pointer,
      `The JWS is not a valid cordon-bulletin+jws: ${error.message}`,
    );
  }
}

async function verifyWithCurrentKey(decoded: DecodedJws, caller: Organisation): Promise<void> {
  const key = Object.hasOwn(caller.keys, decoded.header.kid)
    ? caller.keys[decoded.header.kid]
    : undefined;
  const refusal = ValidationError.at(
    "",
    "The JWS does not verify with any current key of the issuer.",
  );
  if (key === undefined || key.status !== "active") throw refusal;
  try {
    await verifyBulletinJws(decoded, key.jwk);
  } catch (error) {
    if (error instanceof SignatureError) throw refusal;
    throw error;
  }
}

function payloadId(decoded: DecodedJws): string {
  const id = (decoded.payload as { id?: unknown }).id;
  return typeof id === "string" && /^[0-9A-Z]{26}$/.test(id) ? id : "";
}

function validatePayload(payload: unknown, now: Date): BulletinPayload {
  const result = BulletinPayloadSchema.safeParse(payload);
  if (!result.success)
    throw new ValidationError(fieldErrorsOf(result.error), "The bulletin is not valid.");
  if (Date.parse(result.data.issued_at) > now.getTime() + ISSUED_AT_SKEW_MS) {
    throw ValidationError.at("/issued_at", "issued_at is in the future");
  }
  return result.data;
}

/** Only one's own bulletin can be superseded; missing and hidden answer alike. */
async function checkSupersedes(
  deps: HubDeps,
  caller: Organisation,
  payload: BulletinPayload,
): Promise<void> {
  if (payload.supersedes === undefined || payload.supersedes === null) return;
  const previous = await deps.store.changes.bulletinAccess(payload.supersedes);
  if (previous === undefined || previous.issuer !== caller.id) {
    throw ValidationError.at("/supersedes", "supersedes must name one of your own bulletins");
  }
}

function receiptOf(record: BulletinRecord): PublishReceipt {
  const receipt: PublishReceipt = {
    id: record.id,
    received_at: record.received_at,
    content_sha256: record.content_sha256,
    receipt: record.receipt,
  };
  const change = changeOf("published", record.changes.published);
  if (change !== undefined) receipt.change = change;
  return receipt;
}
