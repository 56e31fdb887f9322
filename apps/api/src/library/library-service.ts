import { randomUUID } from "node:crypto";
import { extname } from "node:path";
import { TRPCError } from "@trpc/server";
import { libraryChangedEvent } from "@ringback/core/events";
import { canSeeMessage, transcriptSegmentSchema, type TranscriptSegment } from "@ringback/core/messages";
import type { LibraryItemView } from "@ringback/core/library";
import { publishEvents } from "@ringback/db/queries/events";
import { deleteLibraryItemRow, getOwnLibraryItem, insertLibraryItem, lockLibraryItem, type LibraryItemRow } from "@ringback/db/queries/library";
import { peopleNames, savedItemOf } from "@ringback/db/queries/library-list";
import { hasBlocked, lockMessage } from "@ringback/db/queries/messages";
import { z } from "zod";
import type { Logger } from "../logger";
import { removeStoredPrefix } from "../media/cleanup";
import { isStorageUnavailable, STORAGE_UNAVAILABLE_MESSAGE } from "../media/s3-storage";
import type { Services } from "../trpc";
import { assertQuota } from "./quota";
import { removeItemFiles } from "./recording-files";
import { libraryPrefix, toLibraryItemView } from "./views";

export const NO_SUCH_ITEM = "No such item";
const NO_SUCH_MESSAGE = "No such message";

/** Rows as their owner sees them, with the names of the people in them. */
export async function libraryViews(db: Services["db"], rows: LibraryItemRow[]): Promise<LibraryItemView[]> {
  const names = await peopleNames(db, rows.flatMap((r) => r.people));
  return rows.map((r) => toLibraryItemView(r, names));
}

/** An item of `ownerId`'s, or NOT_FOUND "No such item" (the same for anyone else's and a missing id). */
export async function ownItemOrThrow(db: Services["db"], itemId: string, ownerId: string): Promise<LibraryItemRow> {
  const row = await getOwnLibraryItem(db, itemId, ownerId);
  if (!row) throw new TRPCError({ code: "NOT_FOUND", message: NO_SUCH_ITEM });
  return row;
}

const storedSegments = z.array(transcriptSegmentSchema);

/** A saved message's timed transcript ([] when there is none). */
export function itemTranscriptSegments(row: Pick<LibraryItemRow, "transcriptSegments">): TranscriptSegment[] {
  const parsed = storedSegments.safeParse(row.transcriptSegments ?? []);
  return parsed.success ? parsed.data : [];
}

/**
 * Deletes an item: its row goes first (with `library-changed deleted`, in one transaction, under the
 * row's lock), then its files. So nobody can ever reach a row whose files are gone; files whose row
 * is gone cannot be reached either (the media route needs the row), and removing them is retried.
 * A recording still being made cannot be deleted: it is stopped first (everyone in the call is told).
 */
export async function deleteLibraryItem(services: Services, itemId: string, ownerId: string, log: Logger): Promise<void> {
  const row = await services.db.transaction(async (tx) => {
    const locked = await lockLibraryItem(tx, itemId);
    if (!locked || locked.ownerId !== ownerId) throw new TRPCError({ code: "NOT_FOUND", message: NO_SUCH_ITEM });
    if (locked.status === "recording") throw new TRPCError({ code: "CONFLICT", message: "Stop the recording before deleting it" });
    await deleteLibraryItemRow(tx, locked.id);
    await publishEvents(tx, [{ userId: ownerId, event: libraryChangedEvent(locked.id, "deleted") }]);
    return locked;
  });
  await removeDeletedFiles(services, row, log);
}

/**
 * Removes a deleted item's files, trying again a couple of times; a store that is down gets them as a
 * queued deletion (removeStoredPrefix: retried until the store confirms), and a last failure of
 * anything else is logged (the files are unreachable). A recording's raw upload goes too: stopped but still in its grace or processing,
 * it holds everything that was streamed, also past the stop the kept file is cut at.
 */
async function removeDeletedFiles(services: Services, row: Pick<LibraryItemRow, "id" | "uploadId">, log: Logger): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await removeItemFiles(services, { id: row.id, uploadId: row.uploadId });
      return;
    } catch (err) {
      if (attempt >= 3) {
        log.error({ err, itemId: row.id }, "removing a deleted Library item's files failed");
        return;
      }
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
}

/**
 * Keeps a message in `ownerId`'s Library: a message they can see (sender, or recipient per core
 * canSeeMessage) that is ready. Its file and poster are copied into the item (waveform and
 * transcript come along), so deleting the message later keeps the item whole. Saving it again
 * answers the same item.
 *
 * The copies are made outside any transaction (an object store takes seconds, and a hung one up to
 * its timeouts: no row lock or pooled connection is held meanwhile), to keys of a fresh item id
 * nobody else writes. Then one transaction holds the message's row lock and the owner's quota lock,
 * decides everything again (still visible, still ready, same file, not saved meanwhile) and inserts
 * the row. Any refusal or failure removes the copies: nothing is left half-written. A store that is
 * down answers 503 with STORAGE_UNAVAILABLE_MESSAGE.
 */
export async function saveMessageToLibrary(services: Services, ownerId: string, messageId: string, log: Logger): Promise<LibraryItemRow> {
  const already = await savedItemOf(services.db, ownerId, messageId);
  if (already) return already;
  const itemId = randomUUID();
  const prefix = libraryPrefix(itemId);
  const storage = services.media.storage;
  let copied = false;
  try {
    // a first look, under the lock only for as long as the reading takes
    const first = await services.db.transaction((tx) => savableMessage(tx, ownerId, messageId));
    if (first.saved) return first.saved;
    const { message } = first;
    const media = await storage.stat(message.mediaKey);
    if (!media) throw new TRPCError({ code: "NOT_FOUND", message: NO_SUCH_MESSAGE });
    const poster = message.posterKey ? await storage.stat(message.posterKey) : null;
    // refused before copying anything when it cannot fit (decided again under the lock below)
    await services.db.transaction((tx) => assertQuota(tx, ownerId, media.size + (poster?.size ?? 0), services.media.libraryQuotaBytes));

    copied = true;
    const mediaKey = `${prefix}media${extname(message.mediaKey) || ".webm"}`;
    const { size: mediaSize } = await copyOrGone(storage, message.mediaKey, mediaKey);
    const posterKey = message.posterKey && poster ? `${prefix}poster.jpg` : null;
    const posterSize = message.posterKey && posterKey ? (await copyOrGone(storage, message.posterKey, posterKey)).size : 0;

    return await services.db.transaction(async (tx) => {
      const now = await savableMessage(tx, ownerId, messageId);
      // saved meanwhile (another tab): the message's lock made us wait for it; our copies go below
      if (now.saved) throw new SavedMeanwhile(now.saved);
      const { message: locked } = now;
      // deleted and sent again under the same id is impossible (uuids), but its file may have been replaced
      if (locked.mediaKey !== message.mediaKey || locked.posterKey !== message.posterKey) {
        throw new TRPCError({ code: "CONFLICT", message: "This message changed while saving; try again" });
      }
      // takes the owner's quota lock until the commit: no other addition slips in before the insert
      await assertQuota(tx, ownerId, mediaSize + posterSize, services.media.libraryQuotaBytes);
      const sent = locked.senderId === ownerId;
      const row = await insertLibraryItem(tx, {
        id: itemId,
        ownerId,
        kind: "saved-message",
        status: "ready",
        callId: locked.callId,
        people: [sent ? locked.recipientId : locked.senderId],
        sourceMessageId: locked.id,
        messageKind: locked.kind,
        messageDirection: sent ? "sent" : "received",
        mediaKey,
        contentType: locked.contentType,
        posterKey,
        posterType: posterKey ? "image/jpeg" : null,
        sizeBytes: mediaSize + posterSize,
        durationMs: locked.durationMs,
        waveform: locked.waveform,
        transcript: locked.transcriptStatus === "ready" ? locked.transcript : null,
        transcriptSegments: locked.transcriptStatus === "ready" ? locked.transcriptSegments : null,
        capturedAt: locked.createdAt,
        readyAt: new Date(),
      });
      await publishEvents(tx, [{ userId: ownerId, event: libraryChangedEvent(row.id, "added") }]);
      return row;
    });
  } catch (err) {
    if (copied) {
      const cleanup = removeCopies(services, prefix, itemId, log);
      // a store that is down would keep the person waiting through its timeouts again
      if (!isStorageUnavailable(err)) await cleanup;
    }
    if (err instanceof SavedMeanwhile) return err.row;
    if (isStorageUnavailable(err)) {
      log.warn({ err, messageId }, "saving a message to the Library: the media store is unavailable");
      throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: STORAGE_UNAVAILABLE_MESSAGE, cause: err });
    }
    throw err;
  }
}

/** The second tab's save won the race: its item is the answer (ours, uncommitted, is dropped). */
class SavedMeanwhile extends Error {
  constructor(readonly row: LibraryItemRow) {
    super("saved meanwhile");
  }
}

/**
 * The message under its row lock, if `ownerId` may save it now: NOT_FOUND for one they cannot see
 * (the same as a missing one), CONFLICT while it is not ready, or the item they already saved.
 */
async function savableMessage(tx: Parameters<Parameters<Services["db"]["transaction"]>[0]>[0], ownerId: string, messageId: string) {
  const message = await lockMessage(tx, messageId);
  const blocked = message && message.recipientId === ownerId ? await hasBlocked(tx, message.recipientId, message.senderId) : false;
  if (!message || !canSeeMessage({ ...message, recipientBlockedSender: blocked }, ownerId)) {
    throw new TRPCError({ code: "NOT_FOUND", message: NO_SUCH_MESSAGE });
  }
  const saved = await savedItemOf(tx, ownerId, messageId);
  if (saved) return { saved, message: null };
  if (message.status !== "ready" || !message.mediaKey) {
    throw new TRPCError({ code: "CONFLICT", message: "This message isn't ready to save yet" });
  }
  return { saved: null, message: { ...message, mediaKey: message.mediaKey } };
}

/** A copy whose source went meanwhile (the message was deleted) is "No such message". */
async function copyOrGone(storage: Services["media"]["storage"], from: string, to: string): Promise<{ size: number }> {
  try {
    return await storage.copy(from, to);
  } catch (err) {
    if (!isStorageUnavailable(err) && (await storage.stat(from)) === null) throw new TRPCError({ code: "NOT_FOUND", message: NO_SUCH_MESSAGE });
    throw err;
  }
}

/** Removes a refused save's copies (queued while the store is down; a failure is logged). */
function removeCopies(services: Services, prefix: string, itemId: string, log: Logger): Promise<void> {
  return removeStoredPrefix(services, prefix).catch((cleanup: unknown) => log.error({ err: cleanup, itemId }, "removing a refused save's copies failed"));
}
