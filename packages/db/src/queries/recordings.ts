import { and, eq, gt, inArray, isNotNull, isNull, lt, lte, or, sql } from "drizzle-orm";
import type { Database } from "../client";
import { callParticipants, calls, libraryItems } from "../schema";
import type { Tx } from "./calls";
import type { LibraryItemRow } from "./library";

/*
 * Call recordings: the one recording a call may have at a time, its upload's progress, and the items
 * the recording watchdog and the Library sweep look for. Row locks are always taken call first, then
 * the recording (see apps/api/src/library/recording-service.ts), so no two transactions wait on each other.
 */

type Db = Database | Tx;

/** The recording in progress in a call (status `recording`: at most one, by a unique index). */
export async function activeRecordingOfCall(db: Db, callId: string): Promise<LibraryItemRow | null> {
  const [row] = await db
    .select()
    .from(libraryItems)
    .where(and(eq(libraryItems.callId, callId), eq(libraryItems.kind, "recording"), eq(libraryItems.status, "recording")))
    .limit(1);
  return row ?? null;
}

/** activeRecordingOfCall, with its row locked until the transaction ends. */
export async function lockActiveRecordingOfCall(tx: Tx, callId: string): Promise<LibraryItemRow | null> {
  const [row] = await tx
    .select()
    .from(libraryItems)
    .where(and(eq(libraryItems.callId, callId), eq(libraryItems.kind, "recording"), eq(libraryItems.status, "recording")))
    .limit(1)
    .for("update");
  return row ?? null;
}

/** `ownerId`'s recording `id`, locked; null for anyone else's, another kind of item, or a missing id. */
export async function lockOwnRecording(tx: Tx, id: string, ownerId: string): Promise<LibraryItemRow | null> {
  const [row] = await tx
    .select()
    .from(libraryItems)
    .where(and(eq(libraryItems.id, id), eq(libraryItems.ownerId, ownerId), eq(libraryItems.kind, "recording")))
    .limit(1)
    .for("update");
  return row ?? null;
}

/** The recording an upload belongs to (any status), or null. */
export async function recordingOfUpload(db: Db, uploadId: string): Promise<LibraryItemRow | null> {
  const [row] = await db
    .select()
    .from(libraryItems)
    .where(and(eq(libraryItems.uploadId, uploadId), eq(libraryItems.kind, "recording")))
    .limit(1);
  return row ?? null;
}

/** recordingOfUpload, locked. */
export async function lockRecordingOfUpload(tx: Tx, uploadId: string): Promise<LibraryItemRow | null> {
  const [row] = await tx
    .select()
    .from(libraryItems)
    .where(and(eq(libraryItems.uploadId, uploadId), eq(libraryItems.kind, "recording")))
    .limit(1)
    .for("update");
  return row ?? null;
}

/**
 * Binds an upload to a recording that has none yet. False when it already has one (a second
 * creation) or is no longer taking chunks.
 */
export async function bindRecordingUpload(tx: Db, id: string, uploadId: string): Promise<boolean> {
  const rows = await tx
    .update(libraryItems)
    .set({ uploadId })
    .where(and(eq(libraryItems.id, id), isNull(libraryItems.uploadId)))
    .returning({ id: libraryItems.id });
  return rows.length > 0;
}

/** A chunk is on its way: its bytes count against the quota now (settled when it has arrived). */
export async function reserveRecordingBytes(tx: Db, id: string, bytes: number, now: Date): Promise<void> {
  await tx
    .update(libraryItems)
    .set({ sizeBytes: sql`${libraryItems.sizeBytes} + ${bytes}`, lastActivityAt: now })
    .where(eq(libraryItems.id, id));
}

/**
 * A chunk's request ended: its reservation is replaced by what really arrived (`deltaBytes` = arrived
 * minus reserved, so chunks reserved meanwhile keep theirs). Only while the item is unfinished: a
 * finished item's size is that of its stored files.
 */
export async function settleRecordingBytes(db: Db, id: string, uploadId: string, deltaBytes: number): Promise<void> {
  if (deltaBytes === 0) return;
  await db
    .update(libraryItems)
    .set({ sizeBytes: sql`greatest(0, ${libraryItems.sizeBytes} + ${deltaBytes})` })
    .where(and(eq(libraryItems.id, id), eq(libraryItems.uploadId, uploadId), inArray(libraryItems.status, ["recording", "processing"])));
}

/** Someone who joined the call (and allows recording) is in the recording from now on. */
export async function addRecordingPerson(tx: Db, id: string, userId: string): Promise<void> {
  await tx
    .update(libraryItems)
    .set({ people: sql`array_append(${libraryItems.people}, ${userId}::uuid)` })
    .where(and(eq(libraryItems.id, id), sql`${libraryItems.ownerId} <> ${userId}::uuid`, sql`not (${userId}::uuid = any(${libraryItems.people}))`));
}

/**
 * Recordings the watchdog must look at: still recording with no chunk since `idleBefore` (their
 * recorder is gone), or stopped before `graceBefore` and not yet made into an item (their last
 * chunks are not coming). Oldest first.
 */
export async function recordingsNeedingAttention(db: Db, opts: { idleBefore: Date; graceBefore: Date; limit?: number }): Promise<Array<{ id: string; callId: string | null; status: string }>> {
  return db
    .select({ id: libraryItems.id, callId: libraryItems.callId, status: libraryItems.status })
    .from(libraryItems)
    .where(
      and(
        eq(libraryItems.kind, "recording"),
        or(
          and(eq(libraryItems.status, "recording"), sql`coalesce(${libraryItems.lastActivityAt}, ${libraryItems.capturedAt}) < ${opts.idleBefore.toISOString()}::timestamptz`),
          and(eq(libraryItems.status, "processing"), lt(libraryItems.stoppedAt, opts.graceBefore)),
        ),
      ),
    )
    .orderBy(libraryItems.createdAt)
    .limit(opts.limit ?? 50);
}

/** Live Photos whose files never came: pressed (created) before `before` and still capturing. */
export async function abandonedCaptures(db: Db, before: Date, limit = 100): Promise<LibraryItemRow[]> {
  return db
    .select()
    .from(libraryItems)
    .where(and(eq(libraryItems.kind, "live-photo"), eq(libraryItems.status, "capturing"), lt(libraryItems.createdAt, before)))
    .limit(limit);
}

/** Recordings stopped before `before` that are still processing (their job never finished). */
export async function stuckRecordings(db: Db, before: Date, limit = 100): Promise<LibraryItemRow[]> {
  return db
    .select()
    .from(libraryItems)
    .where(
      and(
        eq(libraryItems.kind, "recording"),
        eq(libraryItems.status, "processing"),
        sql`coalesce(${libraryItems.stoppedAt}, ${libraryItems.createdAt}) < ${before.toISOString()}::timestamptz`,
      ),
    )
    .limit(limit);
}

/** Of these upload ids, the ones a recording in progress or processing still owns. */
export async function liveRecordingUploads(db: Db, uploadIds: string[]): Promise<Set<string>> {
  if (uploadIds.length === 0) return new Set();
  const rows = await db
    .select({ uploadId: libraryItems.uploadId })
    .from(libraryItems)
    .where(and(inArray(libraryItems.uploadId, uploadIds), inArray(libraryItems.status, ["recording", "processing"])));
  return new Set(rows.flatMap((r) => (r.uploadId ? [r.uploadId] : [])));
}

/**
 * Live calls `userId` is in right now (the caller, or a callee who answered or joined, and has not
 * left; or someone holding a join token minted after `tokensSince` and not left since it): where a
 * change of their capture settings matters.
 */
export async function liveCallsOf(db: Db, userId: string, tokensSince: Date): Promise<string[]> {
  const rows = await db
    .select({ callId: callParticipants.callId })
    .from(callParticipants)
    .innerJoin(calls, eq(calls.id, callParticipants.callId))
    .where(
      and(
        eq(callParticipants.userId, userId),
        eq(calls.status, "active"),
        or(
          and(
            isNull(callParticipants.leftAt),
            or(eq(callParticipants.role, "caller"), isNotNull(callParticipants.joinedAt), eq(callParticipants.ringState, "answered")),
          ),
          and(
            gt(callParticipants.tokenMintedAt, tokensSince),
            or(isNull(callParticipants.leftAt), lte(callParticipants.leftAt, callParticipants.tokenMintedAt)),
          ),
        ),
      ),
    );
  return rows.map((r) => r.callId);
}

/** calls.join is about to give `userId` a token for the call (see apps/api/src/calls/join-token.ts). */
export async function markJoinToken(tx: Db, callId: string, userId: string, now: Date): Promise<void> {
  await tx
    .update(callParticipants)
    .set({ tokenMintedAt: now })
    .where(and(eq(callParticipants.callId, callId), eq(callParticipants.userId, userId)));
}

/**
 * Notes how much of a stopped recording's upload had arrived by the time after its stop from which
 * nothing more is kept (see recordingArrivalCapDue in @ringback/core/library): only for a recording
 * of this upload stopped at or before `stoppedBefore`; a lower offset noted earlier stands.
 */
export async function capRecordingArrival(db: Db, id: string, uploadId: string, offset: number, stoppedBefore: Date): Promise<void> {
  await db
    .update(libraryItems)
    .set({ stopOffset: sql`least(coalesce(${libraryItems.stopOffset}, ${offset}), ${offset})` })
    .where(
      and(
        eq(libraryItems.id, id),
        eq(libraryItems.uploadId, uploadId),
        eq(libraryItems.kind, "recording"),
        inArray(libraryItems.status, ["recording", "processing"]),
        lte(libraryItems.stoppedAt, stoppedBefore),
      ),
    );
}
