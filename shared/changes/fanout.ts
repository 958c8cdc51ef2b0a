/**
 * Fan-out (DESIGN §1, §6, §10): for one event, find the subscriptions that want it and
 * whose organisation may receive it — read strongly consistent, never from an index
 * that lags — write a delivery for each (the same record if this runs again: key and
 * webhook-id derive from event and subscription), queue them, then mark the step done.
 */
import type { BulletinMeta } from "../bulletins/types.js";
import { isVisibleTo } from "../bulletins/visibility.js";
import { bulletinEventId, eventRaisedBy } from "../events/registry.js";
import type { HubDeps } from "../hub/deps.js";
import { hasRole, type Organisation } from "../orgs/types.js";
import type { FanoutMessage } from "../queue/port.js";
import { type EventDescriptor, messageOf, newDelivery } from "../subscriptions/deliveries.js";
import { matchesFilter } from "../subscriptions/filter.js";
import type { EventType, SubscriptionRecord } from "../subscriptions/types.js";
import { finishFanout, type ProtocolDeps } from "./protocol.js";
import { type ChangeKind, changeOf } from "./types.js";

type Deps = ProtocolDeps & Pick<HubDeps, "store">;

/** Every subscription, and the organisations that hold them: what an event is matched against. */
export interface Listings {
  subscriptions: SubscriptionRecord[];
  holders: Map<string, Organisation>;
}

/**
 * Reads the listings on first use and keeps them for the records of one batch, which
 * are handled together: a subscription created before a change was committed is in
 * them, since both reads are strongly consistent and come after the commit.
 */
export function listingsOnce(deps: Pick<HubDeps, "store">): () => Promise<Listings> {
  let listings: Promise<Listings> | undefined;
  return () => {
    listings ??= (async () => {
      const subscriptions = await deps.store.subscriptions.listAllSubscriptions();
      const holders = await deps.store.orgs.getOrgs([
        ...new Set(subscriptions.map((s) => s.org_id)),
      ]);
      return { subscriptions, holders };
    })();
    return listings;
  };
}

export async function fanOut(
  deps: Deps,
  message: FanoutMessage,
  listings: () => Promise<Listings> = listingsOnce(deps),
): Promise<void> {
  if (message.kind === "bulletin")
    await fanOutChange(deps, message.bulletin_id, message.change, listings);
  else await fanOutSighting(deps, message.bulletin_id, message.sighting_id);
}

async function fanOutChange(
  deps: Deps,
  bulletinId: string,
  kind: ChangeKind,
  listings: () => Promise<Listings>,
): Promise<void> {
  // What filters, visibility and the change's state need: not the JWS.
  const record = (await deps.store.changes.bulletinMetas([bulletinId])).get(bulletinId);
  const state = record?.changes[kind];
  if (record === undefined || state === undefined || state.fanned_out === true) return;
  const type = eventRaisedBy(kind);
  const change = changeOf(kind, state);
  if (type !== undefined && change !== undefined) {
    const { subscriptions, holders } = await listings();
    const entitled = subscriptions.filter((subscription) =>
      wantsBulletinEvent(subscription, type, record, holders.get(subscription.org_id)),
    );
    await writeAndQueue(deps, entitled, {
      type,
      id: bulletinEventId(record.id, kind),
      at: change.at,
      ref: { kind: "bulletin", bulletin_id: record.id, change: kind },
    });
  }
  await finishFanout(deps, bulletinId, kind);
}

/** Sightings go to the bulletin issuer's own subscriptions, and no one else's. */
async function fanOutSighting(deps: Deps, bulletinId: string, sightingId: string): Promise<void> {
  const sighting = await deps.store.sightings.getSighting(bulletinId, sightingId);
  if (sighting === undefined || sighting.fanned_out === true) return;
  const [metas, issuer, subscriptions] = await Promise.all([
    // What the filters need, without the stored JWS.
    deps.store.changes.bulletinMetas([bulletinId]),
    deps.store.orgs.getOrg(sighting.bulletin_issuer),
    deps.store.subscriptions.listSubscriptions(sighting.bulletin_issuer),
  ]);
  const bulletin = metas.get(bulletinId);
  if (bulletin !== undefined && issuer !== undefined && mayReceive(issuer)) {
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

/** An active organisation that still holds the `subscribe` role receives events. */
export function mayReceive(org: Organisation): boolean {
  return org.status === "active" && hasRole(org, "subscribe");
}

/** Only subscribers who may see the bulletin (DESIGN §8, invariant 2) and whose filter matches. */
function wantsBulletinEvent(
  subscription: SubscriptionRecord,
  type: EventType,
  bulletin: BulletinMeta,
  org: Organisation | undefined,
): boolean {
  return (
    subscription.status === "active" &&
    subscription.events.includes(type) &&
    org !== undefined &&
    mayReceive(org) &&
    isVisibleTo(bulletin, org) &&
    matchesFilter(subscription.filter, bulletin)
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
