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

/*
 * The client's address for per-address limits (sign-up). Browsers reach the API through the web
 * server's /api/trpc proxy, so the API's own peer is the web server, the same for everyone. The proxy
 * therefore passes the address it saw in CLIENT_ADDRESS_HEADER with an HMAC of it (AUTH_SECRET) in
 * CLIENT_PROOF_HEADER. A plain x-forwarded-for would not do: anyone who can reach the API port could
 * send one and claim a fresh address per request. Without a valid proof the API counts the
 * connection's own address, which a client cannot choose.
 */
export const CLIENT_ADDRESS_HEADER = "x-ringback-client-address";
export const CLIENT_PROOF_HEADER = "x-ringback-client-proof";

/** The proof the web server sends with a client address. It must match apps/web/src/server/client-address.ts. */
export function clientAddressProof(authSecret: string, address: string): string {
  return createHmac("sha256", authSecret).update(`ringback-client-address-v1:${address}`).digest("base64url");
}

/** The address a request is counted under: the web server's word for it if proven, else the TCP peer. */
export function clientAddressOf(
  headers: Record<string, string | string[] | undefined>,
  peerAddress: string | undefined,
  authSecret: string,
): string {
  const address = headers[CLIENT_ADDRESS_HEADER];
  const proof = headers[CLIENT_PROOF_HEADER];
  if (typeof address === "string" && typeof proof === "string" && address.length > 0 && address.length <= 100) {
    const expected = Buffer.from(clientAddressProof(authSecret, address));
    const given = Buffer.from(proof);
    if (given.length === expected.length && timingSafeEqual(given, expected)) return address;
  }
  return peerAddress ?? "unknown";
}
