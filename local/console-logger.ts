/** The local hub's logger: one JSON line per entry on stderr, filtered by level. */
import type { Logger } from "../shared/observability/types.js";

const LEVELS = ["debug", "info", "warn", "error", "silent"] as const;
export type LogLevel = (typeof LEVELS)[number];

export function parseLogLevel(value: string | undefined, fallback: LogLevel): LogLevel {
  const level = value?.toLowerCase();
  return LEVELS.find((candidate) => candidate === level) ?? fallback;
}

export function consoleLogger(level: LogLevel): Logger {
  const threshold = LEVELS.indexOf(level);
  const write =
    (entryLevel: LogLevel) => (message: string, attributes?: Record<string, unknown>) => {
      if (LEVELS.indexOf(entryLevel) < threshold) return;
      process.stderr.write(
        `${JSON.stringify({ time: new Date().toISOString(), level: entryLevel, message, ...attributes })}\n`,
      );
    };
  return { debug: write("debug"), info: write("info"), warn: write("warn"), error: write("error") };
}
