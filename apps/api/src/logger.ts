import { pino, type DestinationStream, type Logger } from "pino";

export type { Logger };

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The API's structured logger: one JSON object per line on stdout (or `destination`, which tests
 * use to read what was logged). Errors keep their whole `cause` chain, since the interesting part
 * of a failed query (the Postgres error) hangs off the wrapper that the code saw.
 */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: "api" },
    serializers: { err: pino.stdSerializers.errWithCause },
    // a cookie or the internal token must not end up in a log even if someone logs headers
    redact: { paths: ["req.headers.cookie", "req.headers.authorization", 'req.headers["x-ringback-internal"]'], censor: "[redacted]" },
  };
  return destination ? pino(options, destination) : pino(options);
}
