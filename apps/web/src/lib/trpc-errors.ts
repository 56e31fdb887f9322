import { TRPCClientError } from "@trpc/client";

type ErrorData = { code?: string; httpStatus?: number; fieldErrors?: Record<string, string[] | undefined> };

/** A sentence a person can act on, whatever went wrong (server error, network, unexpected throw). */
export function errorMessage(error: unknown, fallback = "Something went wrong. Please try again."): string {
  if (error instanceof TRPCClientError) {
    const data = error.data as ErrorData | undefined;
    if (!data) return "Can't reach Ringback right now. Check your connection and try again.";
    if (data.httpStatus && data.httpStatus >= 500) return fallback;
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
