// A recording's upload, decided under its row lock: binding the upload, letting each chunk in (or
// not: the recording ended, the Library is full), its end (the recording goes on to the job), the
// recorder throwing it away, and a recording that could not be made into an item (failed).
import { LIBRARY_LIMITS, RECORDING_CONTENT_TYPES, recordingArrivalCapDue, recordingTakesChunks } from "@ringback/core/library";
import { libraryChangedEvent } from "@ringback/core/events";
import { lockCall } from "@ringback/db/queries/calls";
import { publishEvents } from "@ringback/db/queries/events";
import { deleteLibraryItemRow, lockLibraryItem, updateLibraryItem, type LibraryItemRow } from "@ringback/db/queries/library";
import { capRecordingArrival, lockOwnRecording, lockRecordingOfUpload, recordingOfUpload, reserveRecordingBytes } from "@ringback/db/queries/recordings";
import { baseContentType } from "../messages/service";
import type { Services } from "../trpc";
import { quotaRefusal } from "./quota";
import { removeItemFiles, removeRecordingUpload } from "./recording-files";
import { stopLockedRecording } from "./recording-service";

export const RECORDING_UPLOAD_TEXT = {
  notFound: "Not found",
  ended: "This recording has already ended",
  notPlayable: "That file is not a playable recording",
  hasUpload: "This recording is already being uploaded",
  lengthRequired: "Each part of a recording must say how long it is",
  alreadySaved: "This recording is already in your Library",
  pastEnd: "This part goes past the end of the recording",
} as const;

export type Refused = { ok: false; status: number; message: string };
const refused = (status: number, message: string): Refused => ({ ok: false, status, message });

/**
 * A new upload for `recordingId` (tus creation, metadata `recordingId` + `filetype`): only the
 * recorder's own recording, while it still takes chunks, with a type a recording may have. A
 * recording has one upload; a second creation replaces the first only while nothing has arrived in it
 * (the first creation's answer was lost), whose files then go.
 */
export async function bindUpload(
  services: Pick<Services, "db" | "media">,
  input: { recordingId: string; userId: string; uploadId: string; declaredType: string | null; now: Date },
): Promise<{ ok: true; row: LibraryItemRow } | Refused> {
  const result = await services.db.transaction(async (tx) => {
    const row = await lockOwnRecording(tx, input.recordingId, input.userId);
    if (!row) return refused(404, RECORDING_UPLOAD_TEXT.notFound);
    if (!recordingTakesChunks(row, input.now)) return refused(409, RECORDING_UPLOAD_TEXT.ended);
    const type = baseContentType(input.declaredType ?? "");
    if (!(RECORDING_CONTENT_TYPES as readonly string[]).includes(type)) return refused(415, RECORDING_UPLOAD_TEXT.notPlayable);
    if (row.uploadId && (row.sizeBytes > 0 || row.lastActivityAt !== null)) return refused(409, RECORDING_UPLOAD_TEXT.hasUpload);
    const bound = await updateLibraryItem(tx, row.id, { uploadId: input.uploadId, contentType: type });
    if (!bound) return refused(404, RECORDING_UPLOAD_TEXT.notFound);
    return { ok: true as const, row: bound, replaced: row.uploadId };
  });
  if (!result.ok) return result;
  if (result.replaced) await removeRecordingUpload(services.media.uploadDir, result.replaced);
  return { ok: true, row: result.row };
}

/**
 * A chunk of `bytes` is about to arrive: it is let in while the recording takes chunks and the
 * recorder's Library has room for it, and its bytes count as used at once (settled to what really
 * arrived afterwards), so two uploads at once cannot both squeeze under the quota. A chunk the
 * Library has no room for stops the recording ("quota"); what arrived before is kept.
 */
export async function admitChunk(
  services: Pick<Services, "db" | "media">,
  input: { uploadId: string; userId: string; bytes: number; now: Date; arrivedBytes: number },
): Promise<{ ok: true; row: LibraryItemRow } | Refused> {
  return services.db.transaction(async (tx) => {
    const row = await lockRecordingOfUpload(tx, input.uploadId);
    if (!row || row.ownerId !== input.userId) return refused(404, RECORDING_UPLOAD_TEXT.notFound);
    if (!recordingTakesChunks(row, input.now)) return refused(409, RECORDING_UPLOAD_TEXT.ended);
    // a chunk this long after the stop is taken (the upload can finish) but not kept
    if (recordingArrivalCapDue(row, input.now)) await capRecordingArrival(tx, row.id, input.uploadId, input.arrivedBytes, arrivalCapStoppedBefore(input.now));
    if (input.bytes > 0) {
      const full = await quotaRefusal(tx, row.ownerId, input.bytes, services.media.libraryQuotaBytes);
      if (full) {
        await stopLockedRecording(tx, row, { reason: "quota", now: input.now });
        return refused(413, full);
      }
    }
    await reserveRecordingBytes(tx, row.id, input.bytes, input.now);
    return { ok: true as const, row };
  });
}

/** Recordings stopped at or before this moment keep nothing that arrives from `now` on. */
export function arrivalCapStoppedBefore(now: Date): Date {
  return new Date(now.getTime() - LIBRARY_LIMITS.recordingStopArrivalMs);
}

/**
 * A chunk that began arriving when `offsetBefore` bytes were in has ended at `now`: if that is past
 * the time after the stop from which nothing more is kept, none of it is kept (which of its bytes came
 * in time is not known; an honest browser's chunks after the stop are a second's worth and early).
 */
export async function chunkEnded(services: Pick<Services, "db">, chunk: { recordingId: string; uploadId: string; offsetBefore: number }, now: Date): Promise<void> {
  await capRecordingArrival(services.db, chunk.recordingId, chunk.uploadId, chunk.offsetBefore, arrivalCapStoppedBefore(now));
}

/**
 * The upload is complete (its length reached): a recording still running was finished by its
 * recorder without a stop, and stops now; a stopped one goes on to the job that makes it an item.
 */
export async function finishRecordingUpload(services: Pick<Services, "db" | "jobs">, input: { uploadId: string; userId: string; size: number; now: Date }): Promise<Refused | null> {
  const seen = await lockFreeRead(services, input.uploadId);
  if (!seen || seen.ownerId !== input.userId) return refused(404, RECORDING_UPLOAD_TEXT.notFound);
  const row = await services.db.transaction(async (tx) => {
    // the call's row first, as every stop takes it
    if (seen.callId) await lockCall(tx, seen.callId);
    const locked = await lockRecordingOfUpload(tx, input.uploadId);
    if (!locked || locked.ownerId !== input.userId) return null;
    if (locked.status === "recording") return stopLockedRecording(tx, locked, { reason: "stopped", now: input.now });
    if (locked.status === "processing") return updateLibraryItem(tx, locked.id, { sizeBytes: input.size });
    return locked;
  });
  if (!row) return refused(404, RECORDING_UPLOAD_TEXT.notFound);
  if (row.status === "processing") await services.jobs.enqueueRecording(row.id);
  return null;
}

/** The upload's recording as it is now, unlocked: to know which call's row to lock first. */
function lockFreeRead(services: Pick<Services, "db">, uploadId: string): Promise<LibraryItemRow | null> {
  return recordingOfUpload(services.db, uploadId);
}

/**
 * The recorder throws the recording away through its upload (tus termination) before it became an
 * item: it stops if it was running (everyone is told), and the item goes with its files.
 */
export async function discardRecording(services: Pick<Services, "db" | "media">, input: { uploadId: string; userId: string; now: Date }): Promise<Refused | null> {
  const seen = await lockFreeRead(services, input.uploadId);
  if (!seen || seen.ownerId !== input.userId) return refused(404, RECORDING_UPLOAD_TEXT.notFound);
  const gone = await services.db.transaction(async (tx) => {
    if (seen.callId) await lockCall(tx, seen.callId);
    const row = await lockRecordingOfUpload(tx, input.uploadId);
    if (!row || row.ownerId !== input.userId) return refused(404, RECORDING_UPLOAD_TEXT.notFound);
    if (row.status === "ready" || row.status === "failed") return refused(409, RECORDING_UPLOAD_TEXT.alreadySaved);
    await stopLockedRecording(tx, row, { reason: "stopped", now: input.now });
    await deleteLibraryItemRow(tx, row.id);
    await publishEvents(tx, [{ userId: row.ownerId, event: libraryChangedEvent(row.id, "deleted") }]);
    return row;
  });
  if ("ok" in gone) return gone;
  await removeItemFiles(services, gone);
  return null;
}

/**
 * A recording that cannot become an item (nothing arrived, or what did is not playable): it is marked
 * failed (its owner is told) and its files go. Only a stopped one still processing; returns whether it changed.
 */
export async function failRecording(services: Pick<Services, "db" | "media">, itemId: string): Promise<boolean> {
  const row = await services.db.transaction(async (tx) => {
    const locked = await lockLibraryItem(tx, itemId);
    if (!locked || locked.kind !== "recording" || locked.status !== "processing") return null;
    const failed = await updateLibraryItem(tx, itemId, { status: "failed", sizeBytes: 0, mediaKey: null, posterKey: null, posterType: null });
    await publishEvents(tx, [{ userId: locked.ownerId, event: libraryChangedEvent(itemId, "failed") }]);
    return failed;
  });
  if (!row) return false;
  await removeItemFiles(services, row);
  return true;
}
