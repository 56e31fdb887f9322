import { and, eq, gt, lt, ne, sql } from "drizzle-orm";
import type { Database } from "../client";
import { sessions, users } from "../schema";

export type LiveSession = { id: string; userId: string; lastSeenAt: Date; expiresAt: Date };

/** Starts a server-side session; the session cookie carries only its id. */
export async function createSession(db: Database, userId: string, expiresAt: Date): Promise<{ id: string; expiresAt: Date }> {
  const [row] = await db.insert(sessions).values({ userId, expiresAt }).returning({ id: sessions.id, expiresAt: sessions.expiresAt });
  if (!row) throw new Error("session insert returned no row");
  return row;
}

/**
 * Starts the session of a password sign-in, but only while the password is still the one that was
 * checked (`checkedHash`). The check ran outside any transaction, so a password change can land
 * between it and this insert; without this the new session would outlive the change that was meant
 * to end every session of someone who knew the old password. The user row is held FOR SHARE until
 * the session is stored: a change that committed first shows as a different hash (null, no session),
 * and one that comes later waits for this commit and then deletes this session with the others.
 */
export async function createPasswordSession(
  db: Database,
  userId: string,
  checkedHash: string,
  expiresAt: Date,
): Promise<{ id: string; expiresAt: Date } | null> {
  return db.transaction(async (tx) => {
    const [user] = await tx.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, userId)).for("share");
    if (!user || user.passwordHash !== checkedHash) return null;
    const [row] = await tx.insert(sessions).values({ userId, expiresAt }).returning({ id: sessions.id, expiresAt: sessions.expiresAt });
    return row ?? null;
  });
}

/** The session if it exists, belongs to `userId` and has not expired at `now` (one primary-key lookup). */
export async function findLiveSession(db: Database, id: string, userId: string, now: Date): Promise<LiveSession | null> {
  const [row] = await db
    .select({ id: sessions.id, userId: sessions.userId, lastSeenAt: sessions.lastSeenAt, expiresAt: sessions.expiresAt })
    .from(sessions)
    .where(and(eq(sessions.id, id), eq(sessions.userId, userId), gt(sessions.expiresAt, now)))
    .limit(1);
  return row ?? null;
}

/**
 * Marks a session as used and slides its expiry, like the cookie's own. The condition makes
 * concurrent requests write at most once per `staleBefore` period.
 */
export async function touchSession(db: Database, id: string, now: Date, staleBefore: Date, expiresAt: Date): Promise<void> {
  await db
    .update(sessions)
    .set({ lastSeenAt: now, expiresAt: sql`greatest(${sessions.expiresAt}, ${expiresAt.toISOString()}::timestamptz)` })
    .where(and(eq(sessions.id, id), lt(sessions.lastSeenAt, staleBefore)));
}

/** Ends one session (sign-out); only its owner's. */
export async function deleteSession(db: Database, id: string, userId: string): Promise<boolean> {
  const rows = await db.delete(sessions).where(and(eq(sessions.id, id), eq(sessions.userId, userId))).returning({ id: sessions.id });
  return rows.length > 0;
}

/** Ends every session of the person except `keepSessionId` ("Sign out of other devices"); how many ended. */
export async function deleteOtherSessions(db: Database, userId: string, keepSessionId: string): Promise<number> {
  const rows = await db
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), ne(sessions.id, keepSessionId)))
    .returning({ id: sessions.id });
  return rows.length;
}
