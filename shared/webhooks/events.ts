/**
 * Webhook bodies (DESIGN §6, §9): `{type, timestamp, subscription_id, data}`, built
 * when a delivery is attempted. `subscription_id` binds the hub's signature to one
 * subscriber; for TLP:RED, `data` is only a notice.
 */
import type { BulletinRecord, ChangeKind } from "../bulletins/types.js";
import { toSharedView } from "../bulletins/view.js";
import type { SightingRecord } from "../sightings/types.js";
import { toSightingView } from "../sightings/types.js";
import type { DeliveryEventType, EventType } from "../subscriptions/types.js";

/** The webhook event a bulletin change is, if any: a supersession is told by the successor's publication. */
export function eventTypeOfChange(change: ChangeKind): EventType | undefined {
  if (change === "published") return "bulletin.published";
  if (change === "revoked") return "bulletin.revoked";
  return undefined;
}

export function bulletinEventId(bulletinId: string, change: ChangeKind): string {
  return `${bulletinId}.${change}`;
}

export interface WebhookBody {
  type: DeliveryEventType;
  timestamp: string;
  subscription_id: string;
  data: unknown;
}

export function bulletinEventBody(
  type: EventType,
  eventAt: string,
  subscriptionId: string,
  record: BulletinRecord,
  now: Date,
): WebhookBody {
  return {
    type,
    timestamp: eventAt,
    subscription_id: subscriptionId,
    data: toSharedView(record, now),
  };
}

export function sightingEventBody(
  eventAt: string,
  subscriptionId: string,
  sighting: SightingRecord,
): WebhookBody {
  return {
    type: "sighting.reported",
    timestamp: eventAt,
    subscription_id: subscriptionId,
    data: toSightingView(sighting),
  };
}

export function pingBody(eventAt: string, subscriptionId: string): WebhookBody {
  return {
    type: "ping",
    timestamp: eventAt,
    subscription_id: subscriptionId,
    data: { subscription_id: subscriptionId },
  };
}
