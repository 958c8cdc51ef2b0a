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

/**
 * The FIFO queue that wakes the transparency log's writer (shared/transparency/
 * trigger.ts). One message group, so one batch is in flight at a time; the writer's
 * run stops within its 30 s budget, well inside the visibility timeout, and a run
 * that died holds the group back for no longer than that timeout.
 */
export const LOG_QUEUE_SETTINGS = {
  visibilityTimeoutSeconds: 60,
  /** A run that fails this often is parked; the sweeper's check asks for a new one. */
  maxReceiveCount: 5,
  batchSize: 10,
  /** The log writer's time budget per run (its Lambda's timeout). */
  runSeconds: 30,
} as const;
