/**
 * Every webhook event type and its definition. A new event type is its name in
 * `EVENT_TYPES` (shared/subscriptions/types.ts), a definition, and its line here;
 * a bulletin event also names the change that raises it, and fan-out follows.
 */
import type { ChangeKind } from "../changes/types.js";
import type { DeliveryEventType, DeliveryRecord, EventType } from "../subscriptions/types.js";
import { bulletinChangeEvent } from "./bulletin-change.js";
import { ping } from "./ping.js";
import { sightingReported } from "./sighting-reported.js";
import type { AttemptContext, EventDefinition, Subscriber, WebhookBody } from "./types.js";

const EVENTS = {
  "bulletin.published": bulletinChangeEvent("bulletin.published", "published"),
  "bulletin.revoked": bulletinChangeEvent("bulletin.revoked", "revoked"),
  "sighting.reported": sightingReported,
  ping,
} satisfies Record<DeliveryEventType, EventDefinition>;

/** The event a bulletin change raises, if any (a supersession raises none: DESIGN §10). */
export function eventRaisedBy(change: ChangeKind): EventType | undefined {
  for (const definition of Object.values(EVENTS)) {
    if (definition.raisedBy === change) return definition.type as EventType;
  }
  return undefined;
}

/** The body of an attempt of `delivery` for `subscriber`; undefined: nothing to deliver now. */
export function eventBody(
  delivery: DeliveryRecord,
  subscriber: Subscriber,
  context: AttemptContext,
): Promise<WebhookBody | undefined> {
  const definition: EventDefinition = EVENTS[delivery.event_type];
  return definition.body(delivery.ref, delivery, subscriber, context);
}

/** The id of the event a bulletin change raises: with the subscription, it gives the webhook-id. */
export function bulletinEventId(bulletinId: string, change: ChangeKind): string {
  return `${bulletinId}.${change}`;
}

export type { WebhookBody };
