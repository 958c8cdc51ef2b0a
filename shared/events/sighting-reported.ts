/** `sighting.reported`: a sighting of one of the subscriber's own bulletins (DESIGN §5, §9). */
import { toSightingView } from "../sightings/types.js";
import type { EventDefinition } from "./types.js";

export const sightingReported: EventDefinition = {
  type: "sighting.reported",
  async body(ref, delivery, { subscription, org }, context) {
    if (ref.kind !== "sighting") return undefined;
    const sighting = await context.sighting(ref.bulletin_id, ref.sighting_id);
    // Sightings are the bulletin issuer's alone.
    if (sighting === undefined || sighting.bulletin_issuer !== org.id) return undefined;
    return {
      type: "sighting.reported",
      timestamp: delivery.event_at,
      subscription_id: subscription.id,
      data: toSightingView(sighting),
    };
  },
};
