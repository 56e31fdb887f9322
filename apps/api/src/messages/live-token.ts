import { createHmac, timingSafeEqual } from "node:crypto";

/*
 * The token the transcriber worker sends back with a live voicemail's segments. It is an HMAC of the
 * message id under a key derived from AUTH_SECRET, so only this deployment can mint one, and one
 * token speaks for exactly one message: a worker (or anyone who saw a token) cannot post words into
 * another person's voicemail. Nothing needs storing; the message row itself says whether the
 * voicemail is still being left, which bounds how long a token is worth anything.
 */

const PURPOSE = "ringback-live-transcript-v1";

function keyFor(secret: string): Buffer {
  return createHmac("sha256", secret).update(PURPOSE).digest();
}

/** The callback token for one message's live transcript. */
export function mintLiveToken(secret: string, messageId: string): string {
  return createHmac("sha256", keyFor(secret)).update(messageId.toLowerCase()).digest("base64url");
}

/** True when `token` was minted by `mintLiveToken` for this message (constant-time comparison). */
export function verifyLiveToken(secret: string, messageId: string, token: string | null | undefined): boolean {
  if (typeof token !== "string" || token.length === 0 || token.length > 200) return false;
  const expected = Buffer.from(mintLiveToken(secret, messageId));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
