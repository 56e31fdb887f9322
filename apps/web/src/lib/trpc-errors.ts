import { TRPCClientError } from "@trpc/client";

type ErrorData = {
  code?: string;
  httpStatus?: number;
  fieldErrors?: Record<string, string[] | undefined>;
  /** set by the API on unexpected errors: the id its log files the details under */
  reference?: string;
};

/**
 * A sentence a person can act on, whatever went wrong (server error, network, unexpected throw). A
 * server error says what failed in the page's own words plus the reference the API logged it under,
 * so a report can be matched to the log.
 */
export function errorMessage(error: unknown, fallback = "Something went wrong. Please try again."): string {
  if (error instanceof TRPCClientError) {
    const data = error.data as ErrorData | undefined;
    if (!data) return "Can't reach Ringback right now. Check your connection and try again.";
    // the API's own words for "back in a moment" (its database restarting): nothing internal in them
    if (data.httpStatus === 503 && data.code === "SERVICE_UNAVAILABLE" && error.message) return error.message;
    if (data.httpStatus && data.httpStatus >= 500) {
      const reference = typeof data.reference === "string" && /^[0-9a-f]{6,32}$/.test(data.reference) ? data.reference : null;
      return reference ? `${fallback} Reference: ${reference}` : fallback;
    }
    return error.message || fallback;
  }
  if (error instanceof Error && error.message) return error.message;
  return fallback;
}

/**
 * True when the API could not be reached or answered that it cannot serve right now (502/503/504:
 * a proxy with no live process behind it, Postgres restarting), as opposed to a bug or a refusal.
 * Server-rendered pages show a calm "can't reach Ringback" state for it instead of an error page.
 */
export function isApiUnavailable(error: unknown): boolean {
  if (error instanceof TRPCClientError) {
    const status = (error.data as ErrorData | undefined)?.httpStatus;
    // no data: the request never got an answer from the API (refused, reset, not JSON)
    return status === undefined || status === 502 || status === 503 || status === 504;
  }
  return false;
}

export function errorCode(error: unknown): string | undefined {
  if (error instanceof TRPCClientError) return (error.data as ErrorData | undefined)?.code;
  return undefined;
}

/** The first message per field from a zod validation error, e.g. { handle: "Handle must be ..." }. */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof TRPCClientError)) return {};
  const raw = (error.data as ErrorData | undefined)?.fieldErrors ?? {};
  const out: Record<string, string> = {};
  for (const [field, messages] of Object.entries(raw)) {
    const first = messages?.[0];
    if (first) out[field] = first;
  }
  return out;
}
