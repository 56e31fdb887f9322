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
    if (data.httpStatus && data.httpStatus >= 500) {
      const reference = typeof data.reference === "string" && /^[0-9a-f]{6,32}$/.test(data.reference) ? data.reference : null;
      return reference ? `${fallback} Reference: ${reference}` : fallback;
    }
    return error.message || fallback;
  }
  if (error instanceof Error && error.message) return error.message;
  return fallback;
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
