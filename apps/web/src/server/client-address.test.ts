import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CLIENT_ADDRESS_HEADER, CLIENT_PROOF_HEADER, clientAddressHeaders } from "./client-address";

const secret = "test-secret-test-secret-test-secret-0123";

describe("clientAddressHeaders", () => {
  it("vouches for the last x-forwarded-for entry, with the proof the API checks", () => {
    const headers = clientAddressHeaders(secret, "6.6.6.6, 203.0.113.9");
    expect(headers[CLIENT_ADDRESS_HEADER]).toBe("203.0.113.9");
    // the same HMAC as apps/api/src/auth/internal.ts clientAddressProof
    expect(headers[CLIENT_PROOF_HEADER]).toBe(createHmac("sha256", secret).update("ringback-client-address-v1:203.0.113.9").digest("base64url"));
  });
  it("gives another proof for another address or secret, and a fixed address when none is known", () => {
    const proof = clientAddressHeaders(secret, "203.0.113.9")[CLIENT_PROOF_HEADER];
    expect(clientAddressHeaders(secret, "203.0.113.10")[CLIENT_PROOF_HEADER]).not.toBe(proof);
    expect(clientAddressHeaders("another-secret-another-secret-another-1", "203.0.113.9")[CLIENT_PROOF_HEADER]).not.toBe(proof);
    expect(clientAddressHeaders(secret, null)[CLIENT_ADDRESS_HEADER]).toBe("unknown");
  });
});
