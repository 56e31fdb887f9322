import { and, count, eq, gt } from "drizzle-orm";
import type { Database } from "../client";
import { callParticipants, calls, libraryItems } from "../schema";
import type { Tx } from "./calls";

/*
 * What a Live Photo needs to know about a call and its taker. Consent and presence come from
 * library.ts (captureConsentOf, presentInCall); these are the Live Photo specifics.
 */

type Db = Database | Tx;

export type CaptureCall = {
  kind: "audio" | "video";
  live: boolean;
  /** everyone connected right now (media joined, not left), while the call is active */
  present: string[];
  /**
   * everyone who is part of the call at all (rung, answered, left, silently rung...): the people the
   * taker's own call view names, so their names are the taker's to see here too
   */
  participants: string[];
};

/**
 * A call as `userId` may take Live Photos in it, or null when it is not theirs (unknown, or a
 * silent ring they never saw): the same answer for both, so a call id tells nobody anything.
 */
export async function captureCallFor(db: Db, callId: string, userId: string): Promise<CaptureCall | null> {
  const [call] = await db.select({ kind: calls.kind, status: calls.status }).from(calls).where(eq(calls.id, callId)).limit(1);
  if (!call) return null;
  const rows = await db
    .select({ userId: callParticipants.userId, role: callParticipants.role, ringSilent: callParticipants.ringSilent, joinedAt: callParticipants.joinedAt, leftAt: callParticipants.leftAt })
    .from(callParticipants)
    .where(eq(callParticipants.callId, callId));
  const me = rows.find((r) => r.userId === userId);
  if (!me || (me.role === "callee" && me.ringSilent)) return null;
  const live = call.status === "active";
  return {
    kind: call.kind,
    live,
    present: live ? rows.filter((r) => r.joinedAt !== null && r.leftAt === null).map((r) => r.userId) : [],
    // silent callees included: the taker's call view shows them (as ringing, then unanswered), and
    // naming them any other way here would tell the caller that their ring was silent (blocked)
    participants: rows.map((r) => r.userId),
  };
}

/** How many Live Photos `ownerId` has pressed since `since` whose files have not arrived yet. */
export async function capturingSince(db: Db, ownerId: string, since: Date): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(libraryItems)
    .where(and(eq(libraryItems.ownerId, ownerId), eq(libraryItems.kind, "live-photo"), eq(libraryItems.status, "capturing"), gt(libraryItems.createdAt, since)));
  return row?.n ?? 0;
}
