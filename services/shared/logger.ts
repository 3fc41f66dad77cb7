// Structured logs: one JSON line per event. Never pass secrets in `fields`.
import { isSpanContextValid, trace } from "@opentelemetry/api";

const levels = { debug: 10, info: 20, warn: 30, error: 40 } as const;
export type LogLevel = keyof typeof levels;

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function createLogger(service: string, minimum: LogLevel): Logger {
  const write = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    if (levels[level] < levels[minimum]) return;
    const line = JSON.stringify({ time: new Date().toISOString(), level, service, message, ...traceFields(), ...fields });
    (level === "error" || level === "warn" ? process.stderr : process.stdout).write(line + "\n");
  };
  return { debug: write("debug"), info: write("info"), warn: write("warn"), error: write("error") };
}

/**
 * The trace and span of the request or job being handled (services/shared/tracing.ts), so that a
 * log line in CloudWatch leads to its trace in Jaeger; nothing when tracing is off or outside one.
 */
function traceFields(): { traceId?: string; spanId?: string } {
  const span = trace.getActiveSpan()?.spanContext();
  return span && isSpanContextValid(span) ? { traceId: span.traceId, spanId: span.spanId } : {};
}

/** The message of anything thrown, for a log field. */
export const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));
