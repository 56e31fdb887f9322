import { createHmac } from "node:crypto";
import { clientAddressFrom } from "./device-cookie";

// must match apps/api/src/auth/internal.ts (CLIENT_ADDRESS_HEADER, CLIENT_PROOF_HEADER, clientAddressProof)
export const CLIENT_ADDRESS_HEADER = "x-ringback-client-address";
export const CLIENT_PROOF_HEADER = "x-ringback-client-proof";

/**
 * The headers the /api/trpc proxy sends the API about the browser: the address this server saw (the
 * same one sign-in is throttled by) and an HMAC of it with AUTH_SECRET. The API counts per-address
 * limits (sign-up) by it only with a valid proof, so a client talking to the API port directly
 * cannot claim one; whatever such headers the browser sent are replaced here.
 */
export function clientAddressHeaders(authSecret: string, forwardedFor: string | null): Record<string, string> {
  const address = clientAddressFrom(forwardedFor);
  const proof = createHmac("sha256", authSecret).update(`ringback-client-address-v1:${address}`).digest("base64url");
  return { [CLIENT_ADDRESS_HEADER]: address, [CLIENT_PROOF_HEADER]: proof };
}
