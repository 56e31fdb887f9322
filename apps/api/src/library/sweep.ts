import { libraryChangedEvent } from "@ringback/core/events";
import { LIBRARY_LIMITS } from "@ringback/core/library";
import { publishEvents } from "@ringback/db/queries/events";
import { deleteLibraryItemRow, lockLibraryItem } from "@ringback/db/queries/library";
import { abandonedCaptures, liveRecordingUploads, stuckRecordings } from "@ringback/db/queries/recordings";
import type { Services } from "../trpc";
import { failRecording } from "./recording-finish";
import { recordingUploadsOnDisk, removeItemFiles, removeRecordingUpload } from "./recording-files";
import { checkRecordingsOnce } from "./recording-watchdog";

/** A recording upload file nobody owns is removed once it is this old (a crash between a refusal and its clean-up). */
const ORPHAN_UPLOAD_AFTER_MS = 10 * 60_000;

export type LibrarySweep = { captures: number; stuck: number; recorders: number; uploads: number };

/**
 * The Library's part of the once-a-minute sweep, as if the clock read `now`: Live Photos whose files
 * never came go (row and files; the taker's Library is told), recordings whose job never finished
 * fail, recordings whose recorder vanished are finished (see checkRecordingsOnce, which every API
 * process also runs every few seconds), and recording upload files no unfinished recording owns go.
 */
export async function sweepLibrary(services: Services, now: Date): Promise<LibrarySweep> {
  let captures = 0;
  for (const item of await abandonedCaptures(services.db, new Date(now.getTime() - LIBRARY_LIMITS.captureAbandonAfterMs))) {
    const gone = await services.db.transaction(async (tx) => {
      const row = await lockLibraryItem(tx, item.id);
      // its upload may have finished just now
      if (row?.status !== "capturing") return null;
      await deleteLibraryItemRow(tx, row.id);
      await publishEvents(tx, [{ userId: row.ownerId, event: libraryChangedEvent(row.id, "deleted") }]);
      return row;
    });
    if (!gone) continue;
    await removeItemFiles(services, gone);
    captures += 1;
  }

  let stuck = 0;
  for (const item of await stuckRecordings(services.db, new Date(now.getTime() - LIBRARY_LIMITS.processingAbandonAfterMs))) {
    if (await failRecording(services, item.id)) stuck += 1;
  }

  const { stopped: recorders } = await checkRecordingsOnce(services, now);

  let uploads = 0;
  const old = (await recordingUploadsOnDisk(services.media.uploadDir)).filter((u) => u.touchedMs < now.getTime() - ORPHAN_UPLOAD_AFTER_MS);
  const owned = await liveRecordingUploads(
    services.db,
    old.map((u) => u.id),
  );
  for (const u of old) {
    if (owned.has(u.id)) continue;
    await removeRecordingUpload(services.media.uploadDir, u.id);
    uploads += 1;
  }
  return { captures, stuck, recorders, uploads };
}
