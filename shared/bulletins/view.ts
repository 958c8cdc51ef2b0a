/** The served shapes of a bulletin (DESIGN §9): the full view and the TLP:RED notice. */
import type { BulletinPayload } from "./schema.js";
import { effectiveStatus } from "./status.js";
import type { BulletinRecord, BulletinView, RedNotice } from "./types.js";

/**
 * The payload as the publisher signed it, read back from the stored JWS. It was
 * decoded strictly and validated when the hub accepted it, so reading it back (on
 * every feed page and webhook) is a plain parse.
 */
export function payloadOf(record: Pick<BulletinRecord, "jws">): BulletinPayload {
  const payload = record.jws.slice(record.jws.indexOf(".") + 1, record.jws.lastIndexOf("."));
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as BulletinPayload;
}

export function toBulletinView(record: BulletinRecord, now: Date): BulletinView {
  const view: BulletinView = {
    id: record.id,
    issuer: record.issuer,
    status: effectiveStatus(record, now),
    received_at: record.received_at,
    content_sha256: record.content_sha256,
    bulletin: payloadOf(record),
    jws: record.jws,
    receipt: record.receipt,
  };
  if (record.revocation !== undefined) view.revocation = record.revocation;
  return view;
}

export function toRedNotice(
  record: Pick<
    BulletinRecord,
    "id" | "issuer" | "status" | "valid_until" | "received_at" | "revocation"
  >,
  now: Date,
): RedNotice {
  const notice: RedNotice = {
    id: record.id,
    issuer: record.issuer,
    tlp: "red",
    status: effectiveStatus(record, now),
    received_at: record.received_at,
  };
  if (record.revocation !== undefined) notice.revocation = record.revocation;
  return notice;
}

/**
 * What may leave the hub outside a recipient's direct GET (feed items, webhook
 * `data`): the full view, except for TLP:RED, whose content stays behind the GET.
 */
export function toSharedView(record: BulletinRecord, now: Date): BulletinView | RedNotice {
  return record.tlp === "red" ? toRedNotice(record, now) : toBulletinView(record, now);
}

/**
 * A TLP:RED bulletin is a notice in the feed: id, issuer, TLP, status, time, and a
 * revocation's reason of at most 1,000 characters (6 bytes each at worst, escaped).
 */
const RED_NOTICE_BOUND = 8 * 1024;
/** The members around the JWS, payload and receipt: ids, times, status, a revocation, a change. */
const VIEW_OVERHEAD_BOUND = 12 * 1024;

/**
 * An upper bound of a bulletin's shared view in bytes, without serialising it: its
 * JWS, the payload decoded from it (re-serialised JSON is never longer than the
 * compact JSON signed), the receipt, and the members around them.
 */
export function viewBytesBound(record: Pick<BulletinRecord, "tlp" | "jws" | "receipt">): number {
  if (record.tlp === "red") return RED_NOTICE_BOUND;
  return (
    record.jws.length +
    Math.ceil((record.jws.length * 3) / 4) +
    record.receipt.length +
    VIEW_OVERHEAD_BOUND
  );
}
