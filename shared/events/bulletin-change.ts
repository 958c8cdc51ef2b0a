/**
 * Bulletin events (`bulletin.published`, `bulletin.revoked`): raised by a change of
 * the bulletin; `data` is the bulletin as it stands at the attempt (a late
 * `bulletin.published` may already say `revoked`), `change` the event's own change.
 */
import { toSharedView } from "../bulletins/view.js";
import { isVisibleTo } from "../bulletins/visibility.js";
import { type ChangeKind, changeOf } from "../changes/types.js";
import type { EventType } from "../subscriptions/types.js";
import type { EventDefinition } from "./types.js";

export function bulletinChangeEvent(type: EventType, raisedBy: ChangeKind): EventDefinition {
  return {
    type,
    raisedBy,
    async body(ref, _delivery, { subscription, org }, context) {
      if (ref.kind !== "bulletin") return undefined;
      const bulletin = await context.bulletin(ref.bulletin_id);
      if (bulletin === undefined || !isVisibleTo(bulletin, org)) return undefined;
      const change = changeOf(ref.change, bulletin.changes[ref.change]);
      if (change === undefined) return undefined;
      return {
        type,
        timestamp: change.at,
        subscription_id: subscription.id,
        change,
        data: toSharedView(bulletin, context.now),
      };
    },
  };
}
