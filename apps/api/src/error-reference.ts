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

// How postgres.js says the server is not there: its own connection errors, a server shutting down or
// still starting, and SQLSTATE class 08's connection failures (not 08P01, a protocol violation: our bug).
const DRIVER_CODES = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now (starting up, shutting down, in recovery)
  "08000", // connection_exception
  "08001", // sqlclient_unable_to_establish_sqlconnection
  "08003", // connection_does_not_exist
  "08004", // sqlserver_rejected_establishment_of_sqlconnection
  "08006", // connection_failure
]);

// Node's socket errors, which postgres.js passes on as they are. The same codes come from every other
// socket (the S3 store, a child process's pipe, a client that hung up), so they count only when
// postgres.js handed them to a query (it marks the error with the query's text) or they failed a
// connect of a reserved connection (a transaction's), never when another client's wrapper is around.
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);

/** An error from something that is not the database: fetch (LiveKit, the transcriber), the AWS SDK, our storage. */
function fromElsewhere(e: object): boolean {
  if (e instanceof TypeError && e.message === "fetch failed") return true;
  if ("$metadata" in e || "$fault" in e) return true;
  return (e as { name?: unknown }).name === "StorageUnavailableError";
}

/**
 * True when `error` (or what it wraps: tRPC and drizzle put the driver's error in `cause`) says the
 * database cannot be reached, as opposed to a query that failed, a bug, or another service being down.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && typeof current === "object" && current !== null; depth++) {
    if (fromElsewhere(current)) return false;
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") {
      if (DRIVER_CODES.has(code)) return true;
      if (SOCKET_CODES.has(code) && ("query" in current || (current as { syscall?: unknown }).syscall === "connect")) return true;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Errors nobody decided to show. tRPC wraps every foreign throw (a failed query, a bug) as
 * INTERNAL_SERVER_ERROR; a deliberate 5xx (SERVICE_UNAVAILABLE with our own words, e.g. "Calls can't
 * connect right now") is shown as it is. A database that is down is not a bug: it is answered with
 * 503 and DATABASE_UNAVAILABLE_MESSAGE instead.
 */
export function isUnexpected(error: TRPCError): boolean {
  return getHTTPStatusCodeFromError(error) >= 500 && error.code === "INTERNAL_SERVER_ERROR" && !isDatabaseUnavailable(error);
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
