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

/**
 * Errors nobody decided to show: anything that would be a 5xx. tRPC wraps every foreign throw (a
 * failed query, a bug) as INTERNAL_SERVER_ERROR; our deliberate refusals are all 4xx.
 */
export function isUnexpected(error: TRPCError): boolean {
  return getHTTPStatusCodeFromError(error) >= 500;
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
