import { createHmac, timingSafeEqual } from "node:crypto";

export const INTERNAL_HEADER = "x-ringback-internal";

/** The header value our web server sends: derived from AUTH_SECRET, so only holders of it can call. */
export function internalToken(authSecret: string): string {
  return createHmac("sha256", authSecret).update("ringback-internal-v1").digest("base64url");
}

export function isInternalRequest(header: string | string[] | undefined, authSecret: string): boolean {
  if (typeof header !== "string") return false;
  const expected = Buffer.from(internalToken(authSecret));
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
