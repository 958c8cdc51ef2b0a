/**
 * Webhook events (DESIGN §6, §9, §10): what each event type is raised by and what its
 * body says at the moment of an attempt. One definition per type, registered in
 * `registry.ts`; fan-out and the deliverer only ever ask the registry.
 */
import type { BulletinRecord } from "../bulletins/types.js";
import type { Change, ChangeKind } from "../changes/types.js";
import type { Organisation } from "../orgs/types.js";
import type { SightingRecord } from "../sightings/types.js";
import type {
  DeliveryEventType,
  DeliveryRecord,
  EventRef,
  SubscriptionRecord,
} from "../subscriptions/types.js";

/** `{type, timestamp, subscription_id, change?, data}`: `change` only on bulletin events. */
export interface WebhookBody {
  type: DeliveryEventType;
  timestamp: string;
  subscription_id: string;
  change?: Change;
  data: unknown;
}

/** What a definition may read when it builds the body of an attempt. */
export interface AttemptContext {
  now: Date;
  bulletin(id: string): Promise<BulletinRecord | undefined>;
  sighting(bulletinId: string, sightingId: string): Promise<SightingRecord | undefined>;
}

/** The subscription an attempt is for, and the organisation that holds it, as they are now. */
export interface Subscriber {
  subscription: SubscriptionRecord;
  org: Organisation;
}

export interface EventDefinition {
  type: DeliveryEventType;
  /** The bulletin change that raises the event, for bulletin events. */
  raisedBy?: ChangeKind;
  /**
   * The body to send now; undefined when there is nothing to deliver any more (the
   * delivery is then cancelled) — checked at every attempt, so nothing reaches an
   * organisation that may not see it by then.
   */
  body(
    ref: EventRef,
    delivery: DeliveryRecord,
    subscriber: Subscriber,
    context: AttemptContext,
  ): Promise<WebhookBody | undefined>;
}
