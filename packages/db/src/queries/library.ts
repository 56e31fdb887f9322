import { and, eq, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import type { Database } from "../client";
import { callParticipants, calls, libraryItems, userSettings, users } from "../schema";
import type { Tx } from "./calls";

/*
 * The Library's shared basics: an item's row, its owner's usage, and who is in a call with whose
 * consent. Lists live in library-list.ts, Live Photo and recording specifics in live-photos.ts and
 * recordings.ts.
 */

export type LibraryItemRow = typeof libraryItems.$inferSelect;
export type NewLibraryItem = typeof libraryItems.$inferInsert & { id: string };
type Db = Database | Tx;

export async function insertLibraryItem(tx: Db, values: NewLibraryItem): Promise<LibraryItemRow> {
  const [row] = await tx.insert(libraryItems).values(values).returning();
  if (!row) throw new Error("insert returned no row");
  return row;
}

export async function getLibraryItem(db: Db, id: string): Promise<LibraryItemRow | null> {
  const [row] = await db.select().from(libraryItems).where(eq(libraryItems.id, id)).limit(1);
  return row ?? null;
}

/** An item of `ownerId`'s, or null for anyone else's or a missing id (the same answer for both). */
export async function getOwnLibraryItem(db: Db, id: string, ownerId: string): Promise<LibraryItemRow | null> {
  const [row] = await db
    .select()
    .from(libraryItems)
    .where(and(eq(libraryItems.id, id), eq(libraryItems.ownerId, ownerId)))
    .limit(1);
  return row ?? null;
}

/** Loads an item and locks its row, so concurrent changes (upload finished, stop, delete) serialise. */
export async function lockLibraryItem(tx: Tx, id: string): Promise<LibraryItemRow | null> {
  const [row] = await tx.select().from(libraryItems).where(eq(libraryItems.id, id)).limit(1).for("update");
  return row ?? null;
}

export async function updateLibraryItem(tx: Db, id: string, patch: Partial<Omit<typeof libraryItems.$inferInsert, "id">>): Promise<LibraryItemRow | null> {
  const [row] = await tx.update(libraryItems).set(patch).where(eq(libraryItems.id, id)).returning();
  return row ?? null;
}

export async function deleteLibraryItemRow(tx: Db, id: string): Promise<LibraryItemRow | null> {
  const [row] = await tx.delete(libraryItems).where(eq(libraryItems.id, id)).returning();
  return row ?? null;
}

/** What `ownerId`'s items take, in bytes (items in progress count what has arrived so far). */
export async function libraryBytesUsed(db: Db, ownerId: string): Promise<number> {
  const [row] = await db
    .select({ used: sql<string>`coalesce(sum(${libraryItems.sizeBytes}), 0)` })
    .from(libraryItems)
    .where(eq(libraryItems.ownerId, ownerId));
  return Number(row?.used ?? 0);
}

/** People with their names and capture settings (defaults for someone with no settings row). */
export async function captureConsentOf(
  db: Db,
  userIds: string[],
): Promise<Array<{ userId: string; displayName: string; handle: string; allowLivePhotos: boolean; allowRecording: boolean }>> {
  if (userIds.length === 0) return [];
  const rows = await db
    .select({
      userId: users.id,
      displayName: users.displayName,
      handle: users.handle,
      allowLivePhotos: sql<boolean>`coalesce(${userSettings.allowLivePhotos}, true)`,
      allowRecording: sql<boolean>`coalesce(${userSettings.allowRecording}, false)`,
    })
    .from(users)
    .leftJoin(userSettings, eq(userSettings.userId, users.id))
    .where(inArray(users.id, userIds));
  return rows;
}

/**
 * Who is connected to a live call right now: participants who joined and have not left, while the
 * call is active. Empty for a call that is over or still only ringing.
 */
export async function presentInCall(db: Db, callId: string): Promise<{ kind: "audio" | "video"; status: string; present: string[] } | null> {
  const [call] = await db.select({ kind: calls.kind, status: calls.status }).from(calls).where(eq(calls.id, callId)).limit(1);
  if (!call) return null;
  const rows = await db
    .select({ userId: callParticipants.userId })
    .from(callParticipants)
    .where(and(eq(callParticipants.callId, callId), isNotNull(callParticipants.joinedAt), isNull(callParticipants.leftAt)));
  return { kind: call.kind, status: call.status, present: call.status === "active" ? rows.map((r) => r.userId) : [] };
}
