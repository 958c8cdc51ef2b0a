/**
 * Queue settings shared by the CDK stack and the local runtime, so that retries
 * behave the same in both.
 */
export const QUEUE_SETTINGS = {
  fanout: {
    /** Longer than the fan-out Lambda's timeout, so a slow run is not handed out twice. */
    visibilityTimeoutSeconds: 120,
    /** A fan-out message that fails this often is parked; the sweeper re-drives its event. */
    maxReceiveCount: 5,
    batchSize: 10,
  },
  delivery: {
    /** Longer than the deliver Lambda's timeout (a batch of 10 POSTs of at most 15 s each, in parallel). */
    visibilityTimeoutSeconds: 60,
    /**
     * Retries wait through the visibility timeout, so every attempt is one receive. The
     * deliver handler parks a message itself after the 8th attempt; this bound only
     * catches a message that keeps failing before it is even attempted.
     */
    maxReceiveCount: 20,
    batchSize: 10,
  },
} as const;
