import { randomBytes } from "node:crypto";
import type { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";

/** A short id for one request; also the reference a person quotes when something went wrong. */
export function newRequestId(): string {
  return randomBytes(6).toString("hex");
}

/** What anyone outside sees for an error we did not mean to throw. */
export function genericMessage(reference: string): string {
  return `Something went wrong. Reference: ${reference}`;
}

/** What anyone sees while Postgres is down or restarting (with a 503 and Retry-After). */
export const DATABASE_UNAVAILABLE_MESSAGE = "Ringback can't reach its database right now. Try again in a moment.";
/** Retry-After on those 503s: about how long a Postgres restart takes. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

// How postgres.js (and node's sockets under it) say the server is not there: refused or dropped
// connections, a server shutting down or still starting, and SQLSTATE class 08 (connection exception).
const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now (starting up, shutting down, in recovery)
]);

/**
 * True when `error` (or what it wraps: tRPC and drizzle put the driver's error in `cause`) says the
 * database cannot be reached, as opposed to a query that failed. An HTTP call that failed (LiveKit,
 * the transcriber: fetch's "fetch failed" TypeError around a socket error) is not the database.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && typeof current === "object" && current !== null; depth++) {
    if (current instanceof TypeError && current.message === "fetch failed") return false;
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && (UNAVAILABLE_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Errors nobody decided to show: anything that would be a 5xx. tRPC wraps every foreign throw (a
 * failed query, a bug) as INTERNAL_SERVER_ERROR; our deliberate refusals are all 4xx. A database
 * that is down is not a bug: it is answered with 503 and DATABASE_UNAVAILABLE_MESSAGE instead.
 */
export function isUnexpected(error: TRPCError): boolean {
  return getHTTPStatusCodeFromError(error) >= 500 && !isDatabaseUnavailable(error);
}

// tRPC hands the same failure to onError (which logs it) and to the error formatter (which writes
// the response), in some paths as two different wrapper objects around one cause: keying on the
// cause gives both the same reference.
const references = new WeakMap<object, string>();

/** The reference for this failure: the request id when known, the same value every time it is asked. */
export function referenceFor(error: TRPCError, requestId: string | undefined): string {
  const key = typeof error.cause === "object" && error.cause !== null ? error.cause : error;
  let reference = references.get(key);
  if (!reference) {
    reference = requestId ?? newRequestId();
    references.set(key, reference);
  }
  return reference;
}
