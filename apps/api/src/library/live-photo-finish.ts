import { libraryChangedEvent } from "@ringback/core/events";
import type { LibraryItemView } from "@ringback/core/library";
import { publishEvents } from "@ringback/db/queries/events";
import { deleteLibraryItemRow, lockLibraryItem, updateLibraryItem } from "@ringback/db/queries/library";
import type { Logger } from "../logger";
import type { Services } from "../trpc";
import { livePhotoStanding } from "./live-photo-rules";
import { quotaRefusal } from "./quota";
import { libraryPrefix, toLibraryItemView } from "./views";

export type FinishResult = { ok: true; item: LibraryItemView } | { ok: false; status: 403 | 404 | 413; message: string };

/**
 * Makes a Live Photo ready with its checked files, deciding everything again under the item's row
 * lock: it is still this taker's and still capturing (not swept, deleted or finished by a second
 * upload), both are still in the call and both still allow Live Photos, and the files fit the
 * quota. A subject who left or turned Live Photos off since the press ends the item (row gone,
 * the taker's Library told); other refusals leave it capturing for the sweeper. Files are stored
 * inside the transaction and removed again if it does not commit, so nothing is ever half-kept.
 * (Stored under the lock, so that a second upload of the same item cannot overwrite or remove the
 * first one's files; the store's timeouts (STORE_TIMEOUTS in s3-storage.ts) bound how long a hung
 * store holds the lock and the connection: a StorageUnavailableError then, and the row rolls back.)
 */
export async function finishLivePhoto(
  services: Pick<Services, "db" | "media">,
  input: {
    itemId: string;
    takerId: string;
    still: { path: string; contentType: string; ext: string; width: number; height: number; size: number };
    clip: { path: string; durationMs: number; size: number };
    log: Logger;
  },
): Promise<FinishResult> {
  const { storage } = services.media;
  const prefix = libraryPrefix(input.itemId);
  let storing = false;
  try {
    return await services.db.transaction(async (tx): Promise<FinishResult> => {
      const row = await lockLibraryItem(tx, input.itemId);
      const subjectId = row?.people[0];
      if (!row || row.ownerId !== input.takerId || row.kind !== "live-photo" || row.status !== "capturing" || !row.callId || !subjectId) {
        return { ok: false, status: 404, message: "Not found" };
      }
      const standing = await livePhotoStanding(tx, { callId: row.callId, takerId: input.takerId, subjectId });
      if (!standing.ok) {
        if (standing.status === 404) return { ok: false, status: 404, message: "Not found" };
        // it can never be taken now: the pressed item goes, and the taker's Library hears so
        await deleteLibraryItemRow(tx, row.id);
        await publishEvents(tx, [{ userId: input.takerId, event: libraryChangedEvent(row.id, "deleted") }]);
        return { ok: false, status: 403, message: standing.message };
      }
      const size = input.still.size + input.clip.size;
      const quota = await quotaRefusal(tx, input.takerId, size, services.media.libraryQuotaBytes);
      if (quota) return { ok: false, status: 413, message: quota };

      const stillKey = `${prefix}still.${input.still.ext}`;
      const clipKey = `${prefix}clip.webm`;
      storing = true;
      await storage.putFile(stillKey, input.still.path);
      await storage.putFile(clipKey, input.clip.path);
      const ready = await updateLibraryItem(tx, row.id, {
        status: "ready",
        posterKey: stillKey,
        posterType: input.still.contentType,
        clipKey,
        contentType: "video/webm",
        width: input.still.width,
        height: input.still.height,
        sizeBytes: size,
        durationMs: input.clip.durationMs,
        readyAt: new Date(),
      });
      if (!ready) throw new Error(`Live Photo ${row.id} vanished under its lock`);
      await publishEvents(tx, [{ userId: input.takerId, event: libraryChangedEvent(row.id, "ready") }]);
      const names = new Map([[standing.subject.userId, { displayName: standing.subject.displayName, handle: standing.subject.handle }]]);
      return { ok: true, item: toLibraryItemView(ready, names) };
    });
  } catch (err) {
    // the row stays capturing (rolled back); whatever of its files got stored goes
    // awaited even while the store is down (bounded by its timeouts): a cleanup still running after
    // the 503 could remove the files of the person's retry, which go to the same keys; a queued
    // deletion of the item's folder could too, so leftovers of a capturing item are the sweeper's
    if (storing) await storage.deletePrefix(prefix).catch((e: unknown) => input.log.error({ err: e, itemId: input.itemId }, "removing a failed Live Photo's files failed"));
    throw err;
  }
}

/**
 * The press can no longer become a photo (the subject left or turned Live Photos off, or the taker
 * did): the item goes and the taker's Library hears so. Decided again under the row lock; returns
 * the refusal to answer with, or null when the item is not this taker's capturing one.
 */
export async function dropRefusedCapture(services: Pick<Services, "db">, itemId: string, takerId: string): Promise<{ status: 403 | 404; message: string } | null> {
  return services.db.transaction(async (tx) => {
    const row = await lockLibraryItem(tx, itemId);
    const subjectId = row?.people[0];
    if (!row || row.ownerId !== takerId || row.kind !== "live-photo" || row.status !== "capturing" || !row.callId || !subjectId) return null;
    const standing = await livePhotoStanding(tx, { callId: row.callId, takerId, subjectId });
    if (standing.ok) return null;
    if (standing.status === 404) return { status: 404, message: "Not found" };
    await deleteLibraryItemRow(tx, row.id);
    await publishEvents(tx, [{ userId: takerId, event: libraryChangedEvent(row.id, "deleted") }]);
    return { status: 403, message: standing.message };
  });
}

/**
 * The files came too late after the press (see livePhotoUploadDue): the item goes and the taker's
 * Library hears so. False when it is not this taker's capturing item (any more).
 */
export async function dropLateCapture(services: Pick<Services, "db">, itemId: string, takerId: string): Promise<boolean> {
  return services.db.transaction(async (tx) => {
    const row = await lockLibraryItem(tx, itemId);
    if (!row || row.ownerId !== takerId || row.kind !== "live-photo" || row.status !== "capturing") return false;
    await deleteLibraryItemRow(tx, row.id);
    await publishEvents(tx, [{ userId: takerId, event: libraryChangedEvent(row.id, "deleted") }]);
    return true;
  });
}
