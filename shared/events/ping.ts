/** `ping`: a test delivery a subscriber asks for (`POST /v1/subscriptions/{id}/test`). */
import type { EventDefinition } from "./types.js";

export const ping: EventDefinition = {
  type: "ping",
  async body(_ref, delivery, { subscription }) {
    return {
      type: "ping",
      timestamp: delivery.event_at,
      subscription_id: subscription.id,
      data: { subscription_id: subscription.id },
    };
  },
};
