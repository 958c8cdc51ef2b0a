/**
 * Instants as the change log writes them: RFC 3339 in UTC with microseconds, so
 * that `at` can strictly increase with `seq` even for changes a microsecond apart,
 * and compare as text in the same order as in time.
 */

/** Microseconds since the epoch, from the wall clock, as precisely as the runtime gives. */
export function nowMicros(now: Date): number {
  return now.getTime() * 1000;
}

export function formatMicros(micros: number): string {
  const ms = Math.floor(micros / 1000);
  const extra = String(micros - ms * 1000).padStart(3, "0");
  return new Date(ms).toISOString().replace("Z", `${extra}Z`);
}

const MICROS_INSTANT = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\.(\d{6})Z$/;

/** Parses what formatMicros wrote. */
export function parseMicros(at: string): number {
  const match = MICROS_INSTANT.exec(at);
  if (match === null) throw new Error(`not a microsecond instant: ${at}`);
  const [, seconds, fraction] = match as unknown as [string, string, string];
  return Date.parse(`${seconds}Z`) * 1000 + Number(fraction);
}

/** The `at` of the change after one at `previous`: now, but never at or before it. */
export function nextInstant(now: Date, previous: string | undefined): string {
  const candidate = nowMicros(now);
  if (previous === undefined) return formatMicros(candidate);
  return formatMicros(Math.max(candidate, parseMicros(previous) + 1));
}

/**
 * An RFC 3339 timestamp with any offset as the same instant in UTC (ISO form, ms), so
 * that instants compare as text: `…T23:59:00+23:59` is an early instant, not a late one.
 */
export function toUtcInstant(timestamp: string): string {
  return new Date(Date.parse(timestamp)).toISOString();
}
