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

export function toRedNotice(record: BulletinRecord, now: Date): RedNotice {
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
