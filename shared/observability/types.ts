/**
 * What domain code needs of logging and metrics. On Lambda these are Powertools'
 * Logger and Metrics; locally and in tests, small stand-ins. Never pass tokens,
 * secrets or private keys as attributes.
 */

/** The hub's service name in logs and metrics, and its CloudWatch metrics namespace. */
export const SERVICE_NAME = "cordon";
export const METRICS_NAMESPACE = "Cordon";

export interface Logger {
  debug(message: string, attributes?: Record<string, unknown>): void;
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
  error(message: string, attributes?: Record<string, unknown>): void;
}

export const METRIC_NAMES = [
  "BulletinsPublished",
  "BulletinsRevoked",
  "SightingsReported",
  "ScreenCalls",
  "ScreenedIndicators",
  "ScreenHits",
  "DeliveriesSucceeded",
  "DeliveriesFailed",
  "DeliveryAttemptsFailed",
  "AuthenticationRefused",
  "OutboxItemsSwept",
  "OutboxItemStuck",
  "LogCheckpointsSigned",
  /** Seconds the oldest change not yet in a signed checkpoint has waited (0: current). */
  "LogCheckpointLag",
] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

export interface Metrics {
  count(name: MetricName, value?: number): void;
  /** A measurement in seconds (an age, a lag), which alarms read as its maximum. */
  seconds(name: MetricName, value: number): void;
}

/** Discards everything; for tests that do not look at logs. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** Keeps counts in memory: the local runtime and the benchmarks read them. */
export class CountingMetrics implements Metrics {
  readonly counts = new Map<MetricName, number>();
  /** The last measurement of each name. */
  readonly measured = new Map<MetricName, number>();
  count(name: MetricName, value = 1): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + value);
  }
  seconds(name: MetricName, value: number): void {
    this.measured.set(name, value);
  }
}
