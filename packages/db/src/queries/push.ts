import { and, desc, eq, gt, notInArray, sql } from "drizzle-orm";
import type { Database } from "../client";
import { callParticipants, pushSubscriptions, sessions } from "../schema";

/** What Settings lists for one device. */
export type PushDeviceRow = { id: string; sessionId: string; label: string; createdAt: Date; lastUsedAt: Date | null };
/** What the sender needs to encrypt for and reach one device. */
export type PushTarget = { id: string; userId: string; endpoint: string; p256dh: string; auth: string };

/** The most devices one person keeps; subscribing one more drops the longest unused (a push fans out to each). */
export const MAX_PUSH_DEVICES = 20;

/**
 * Stores a browser's subscription for `userId`, bound to the session that made it (signing out of
 * that session removes it). The endpoint is unique: the same browser subscribing again (new keys,
 * or another account signed in there now) replaces its row, since only the latest holder of an
 * endpoint can read what is pushed to it.
 */
export async function upsertPushSubscription(
  db: Database,
  input: { userId: string; sessionId: string; endpoint: string; p256dh: string; auth: string; label: string },
): Promise<{ id: string }> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(pushSubscriptions)
      .values(input)
      .onConflictDoUpdate({
        target: pushSubscriptions.endpoint,
        set: {
          userId: input.userId,
          sessionId: input.sessionId,
          p256dh: input.p256dh,
          auth: input.auth,
          label: input.label,
          createdAt: sql`now()`,
          lastUsedAt: null,
        },
      })
      .returning({ id: pushSubscriptions.id });
    if (!row) throw new Error("push subscription upsert returned no row");
    const keep = tx
      .select({ id: pushSubscriptions.id })
      .from(pushSubscriptions)
      .where(eq(pushSubscriptions.userId, input.userId))
      .orderBy(desc(sql`coalesce(${pushSubscriptions.lastUsedAt}, ${pushSubscriptions.createdAt})`), desc(pushSubscriptions.createdAt))
      .limit(MAX_PUSH_DEVICES);
    await tx.delete(pushSubscriptions).where(and(eq(pushSubscriptions.userId, input.userId), notInArray(pushSubscriptions.id, keep)));
    return row;
  });
}

/*
 * A subscription lives as long as its session. Signing out deletes the session row (and the cascade
 * the subscription), but an expired session stays until maintenance prunes it: the API already
 * refuses its cookie, so nothing is pushed to (or listed for) that device from the moment it expires.
 */
const liveSession = and(eq(sessions.id, pushSubscriptions.sessionId), gt(sessions.expiresAt, sql`now()`));

/** One person's devices whose session is still live, newest first. */
export async function listPushDevices(db: Database, userId: string): Promise<PushDeviceRow[]> {
  return db
    .select({
      id: pushSubscriptions.id,
      sessionId: pushSubscriptions.sessionId,
      label: pushSubscriptions.label,
      createdAt: pushSubscriptions.createdAt,
      lastUsedAt: pushSubscriptions.lastUsedAt,
    })
    .from(pushSubscriptions)
    .innerJoin(sessions, liveSession)
    .where(eq(pushSubscriptions.userId, userId))
    .orderBy(desc(pushSubscriptions.createdAt));
}

/** Every device a push for `userId` goes to (those with a live session). */
export async function pushTargetsOf(db: Database, userId: string): Promise<Array<{ id: string }>> {
  return db.select({ id: pushSubscriptions.id }).from(pushSubscriptions).innerJoin(sessions, liveSession).where(eq(pushSubscriptions.userId, userId));
}

/** One device to send to, if it is still subscribed (and still this person's, in a live session). */
export async function getPushTarget(db: Database, id: string, userId: string): Promise<PushTarget | null> {
  const [row] = await db
    .select({
      id: pushSubscriptions.id,
      userId: pushSubscriptions.userId,
      endpoint: pushSubscriptions.endpoint,
      p256dh: pushSubscriptions.p256dh,
      auth: pushSubscriptions.auth,
    })
    .from(pushSubscriptions)
    .innerJoin(sessions, liveSession)
    .where(and(eq(pushSubscriptions.id, id), eq(pushSubscriptions.userId, userId)))
    .limit(1);
  return row ?? null;
}

/** Removes one of the person's devices; false when it is not theirs or does not exist. */
export async function deletePushDevice(db: Database, id: string, userId: string): Promise<boolean> {
  const rows = await db
    .delete(pushSubscriptions)
    .where(and(eq(pushSubscriptions.id, id), eq(pushSubscriptions.userId, userId)))
    .returning({ id: pushSubscriptions.id });
  return rows.length > 0;
}

/** Removes the subscription(s) made in one session (this browser turning notifications off). */
export async function deletePushDevicesOfSession(db: Database, userId: string, sessionId: string): Promise<number> {
  const rows = await db
    .delete(pushSubscriptions)
    .where(and(eq(pushSubscriptions.userId, userId), eq(pushSubscriptions.sessionId, sessionId)))
    .returning({ id: pushSubscriptions.id });
  return rows.length;
}

/**
 * Drops a subscription the push service says is gone (404/410). Only while it still has the
 * endpoint that failed (a browser that subscribes again gets a new endpoint, which is another row).
 */
export async function deleteGonePushTarget(db: Database, id: string, endpoint: string): Promise<boolean> {
  const rows = await db
    .delete(pushSubscriptions)
    .where(and(eq(pushSubscriptions.id, id), eq(pushSubscriptions.endpoint, endpoint)))
    .returning({ id: pushSubscriptions.id });
  return rows.length > 0;
}

/** Notes a delivered push, for Settings' "last used". */
export async function markPushDelivered(db: Database, id: string, now: Date): Promise<void> {
  await db.update(pushSubscriptions).set({ lastUsedAt: now }).where(eq(pushSubscriptions.id, id));
}

/** Whether `userId`'s ring in `callId` still rings (a ring push queued or retried after it stopped is not sent). */
export async function ringStillRinging(db: Database, callId: string, userId: string): Promise<boolean> {
  const [row] = await db
    .select({ ringState: callParticipants.ringState })
    .from(callParticipants)
    .where(and(eq(callParticipants.callId, callId), eq(callParticipants.userId, userId)))
    .limit(1);
  return row?.ringState === "ringing";
}
