/**
 * Fan-out (DESIGN §1, §6): for one event, find the subscriptions that want it and
 * whose organisation may see it, write a delivery record for each (the same record
 * if this runs again: the key and webhook-id derive from event and subscription),
 * queue one message per delivery, then mark the event fanned out.
 */
import { finishFanout } from "../bulletins/outbox.js";
import type { BulletinRecord, ChangeKind } from "../bulletins/types.js";
import { isVisibleTo } from "../bulletins/visibility.js";
import type { HubDeps } from "../hub/deps.js";
import type { Organisation } from "../orgs/types.js";
import type { FanoutMessage } from "../queue/port.js";
import { type EventDescriptor, messageOf, newDelivery } from "../subscriptions/deliveries.js";
import { matchesFilter } from "../subscriptions/filter.js";
import type { EventType, SubscriptionRecord } from "../subscriptions/types.js";
import { bulletinEventId, eventTypeOfChange } from "../webhooks/events.js";

type Deps = Pick<HubDeps, "store" | "queue" | "clock" | "logger">;

/** Every subscription and the organisation directory: what a bulletin change is matched against. */
export interface Listings {
  subscriptions: SubscriptionRecord[];
  directory: Map<string, Organisation>;
}

/**
 * Reads the listings on first use and keeps them: one read for all the records of a
 * batch, which are handled together anyway.
 */
export function listingsOnce(deps: Deps): () => Promise<Listings> {
  let listings: Promise<Listings> | undefined;
  return () => {
    listings ??= Promise.all([
      deps.store.subscriptions.listAllSubscriptions(),
      deps.store.orgs.listOrgs(),
    ]).then(([subscriptions, orgs]) => ({
      subscriptions,
      directory: new Map(orgs.map((org) => [org.id, org])),
    }));
    return listings;
  };
}

export async function fanOut(
  deps: Deps,
  message: FanoutMessage,
  listings: () => Promise<Listings> = listingsOnce(deps),
): Promise<void> {
  if (message.kind === "bulletin")
    await fanOutBulletinChange(deps, message.bulletin_id, message.change, listings);
  else await fanOutSighting(deps, message.bulletin_id, message.sighting_id);
}

async function fanOutBulletinChange(
  deps: Deps,
  bulletinId: string,
  change: ChangeKind,
  listings: () => Promise<Listings>,
): Promise<void> {
  const record = await deps.store.bulletins.getBulletin(bulletinId);
  const state = record?.changes[change];
  if (record === undefined || state === undefined || state.fanned_out === true) return;
  const type = eventTypeOfChange(change);
  if (type !== undefined) {
    const { subscriptions, directory } = await listings();
    const entitled = subscriptions.filter((subscription) =>
      wantsBulletinEvent(subscription, type, record, directory.get(subscription.org_id)),
    );
    const event: EventDescriptor = {
      type,
      id: bulletinEventId(record.id, change),
      at: state.at,
      ref: { kind: "bulletin", bulletin_id: record.id, change },
    };
    await writeAndQueue(deps, entitled, event);
  }
  await finishFanout(deps, bulletinId, change);
}

/** Sightings go to the bulletin issuer's own subscriptions, and no one else's. */
async function fanOutSighting(deps: Deps, bulletinId: string, sightingId: string): Promise<void> {
  const sighting = await deps.store.sightings.getSighting(bulletinId, sightingId);
  if (sighting === undefined || sighting.fanned_out === true) return;
  const [metas, issuer, subscriptions] = await Promise.all([
    // What the filters need, without the stored JWS.
    deps.store.bulletins.getBulletinMetas([bulletinId]),
    deps.store.orgs.getOrg(sighting.bulletin_issuer),
    deps.store.subscriptions.listSubscriptions(sighting.bulletin_issuer),
  ]);
  const bulletin = metas.get(bulletinId);
  if (bulletin !== undefined && issuer?.status === "active") {
    const entitled = subscriptions.filter(
      (subscription) =>
        subscription.status === "active" &&
        subscription.events.includes("sighting.reported") &&
        matchesFilter(subscription.filter, bulletin),
    );
    await writeAndQueue(deps, entitled, {
      type: "sighting.reported",
      id: sighting.id,
      at: sighting.reported_at,
      ref: { kind: "sighting", bulletin_id: bulletinId, sighting_id: sighting.id },
    });
  }
  await deps.store.sightings.markSightingFannedOut(bulletinId, sightingId);
}

/** Only subscribers who may see the bulletin (DESIGN §8, invariant 2) and whose filter matches. */
function wantsBulletinEvent(
  subscription: SubscriptionRecord,
  type: EventType,
  record: BulletinRecord,
  org: Organisation | undefined,
): boolean {
  return (
    subscription.status === "active" &&
    subscription.events.includes(type) &&
    org !== undefined &&
    org.status === "active" &&
    isVisibleTo(record, org) &&
    matchesFilter(subscription.filter, record)
  );
}

async function writeAndQueue(
  deps: Deps,
  subscriptions: SubscriptionRecord[],
  event: EventDescriptor,
): Promise<void> {
  if (subscriptions.length === 0) return;
  const now = deps.clock.now();
  const deliveries = subscriptions.map((subscription) => newDelivery(subscription, event, now));
  const { created, existing } = await deps.store.deliveries.createDeliveries(deliveries);
  // Existing ones are queued again too: a run that died after writing them may not have queued them.
  const open = [...created, ...existing.filter((delivery) => delivery.status === "pending")];
  await deps.queue.sendDeliveries(open.map(messageOf));
}
