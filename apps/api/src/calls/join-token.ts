import type { ParticipantRow } from "@ringback/db/queries/calls";

/** How long a token from calls.join lets its holder connect to the call's room. */
export const JOIN_TOKEN_TTL_SECONDS = 300;

/** LiveKit's clock may run a little behind ours: a token is taken to be usable this much longer. */
const CLOCK_SLACK_MS = 30_000;

/** Tokens minted after this moment may still be used to connect at `now`. */
export function liveTokensSince(now: Date): Date {
  return new Date(now.getTime() - JOIN_TOKEN_TTL_SECONDS * 1000 - CLOCK_SLACK_MS);
}

/**
 * Does this participant hold a token they may connect with at any moment? Minted by calls.join, not
 * yet expired, and not followed by a leave (a leave after it is their media going away). Someone who
 * dropped out and asked for a new token is in the call again as far as consent goes, before LiveKit
 * tells us their media is back.
 */
export function holdsLiveToken(p: Pick<ParticipantRow, "tokenMintedAt" | "leftAt">, now: Date): boolean {
  if (p.tokenMintedAt === null || p.tokenMintedAt.getTime() <= liveTokensSince(now).getTime()) return false;
  return p.leftAt === null || p.leftAt.getTime() <= p.tokenMintedAt.getTime();
}
