import { LIBRARY_LIMITS, recordingIsIdle } from "@ringback/core/library";
import { lockCall } from "@ringback/db/queries/calls";
import { stat } from "node:fs/promises";
import { getLibraryItem, lockLibraryItem } from "@ringback/db/queries/library";
import { recordingsNeedingAttention } from "@ringback/db/queries/recordings";
import type { Logger } from "../logger";
import type { Services } from "../trpc";
import { recordingUploadFiles } from "./recording-files";
import { stopLockedRecording } from "./recording-service";

/**
 * Recordings whose recorder vanished, as if the clock read `now`: one with no chunk for the idle
 * limit (a closed or crashed tab) stops as of its last chunk ("recorder-left", everyone in the call
 * told) and goes on to its job at once; one stopped whose upload never finished goes on to its job
 * once the grace for its last chunks is over. Either way what arrived becomes the item.
 */
export async function checkRecordingsOnce(services: Pick<Services, "db" | "jobs" | "media">, now: Date): Promise<{ stopped: number; queued: number }> {
  const due = await recordingsNeedingAttention(services.db, {
    idleBefore: new Date(now.getTime() - LIBRARY_LIMITS.recordingIdleMs),
    graceBefore: new Date(now.getTime() - LIBRARY_LIMITS.recordingStopGraceMs),
  });
  let stopped = 0;
  let queued = 0;
  for (const item of due) {
    if (item.status === "recording") {
      const done = await services.db.transaction(async (tx) => {
        // the call's row first, as every stop takes it; one another process holds is its to handle
        if (item.callId && !(await lockCall(tx, item.callId, { skipLocked: true }))) return null;
        const row = await lockLibraryItem(tx, item.id);
        if (!row || !recordingIsIdle(row, now)) return null;
        return stopLockedRecording(tx, row, { reason: "recorder-left", idle: true, now });
      });
      if (!done) continue;
      stopped += 1;
    } else if (await chunkArriving(services, item.id)) {
      // a chunk let in before the grace ended is still arriving: its end notes how much is kept
      // (recordingArrivalCapDue), and the next look queues it
      continue;
    }
    await services.jobs.enqueueRecording(item.id);
    queued += 1;
  }
  return { stopped, queued };
}

/** Is a chunk of this recording still arriving (its reserved bytes not all on disk, nor settled)? */
async function chunkArriving(services: Pick<Services, "db" | "media">, itemId: string): Promise<boolean> {
  const row = await getLibraryItem(services.db, itemId);
  if (!row?.uploadId) return false;
  try {
    return (await stat(recordingUploadFiles(services.media.uploadDir, row.uploadId).data)).size < row.sizeBytes;
  } catch {
    return false;
  }
}

/**
 * Looks for vanished recorders every few seconds in every API process (a recording must not wait for
 * the once-a-minute sweep to be finished). Cheap: one indexed query over unfinished items per tick.
 */
export function startRecordingWatchdog(services: Pick<Services, "db" | "jobs" | "media">, intervalMs: number, log: Logger) {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const { stopped } = await checkRecordingsOnce(services, new Date());
      if (stopped > 0) log.info({ stopped }, "recordings whose recorder went quiet were stopped");
    } catch (err) {
      log.error({ err }, "recording watchdog failed");
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
