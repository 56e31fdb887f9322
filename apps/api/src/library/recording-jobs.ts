import { mkdtemp, rm, stat, truncate } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { libraryChangedEvent } from "@ringback/core/events";
import { recordingCutMs } from "@ringback/core/library";
import { publishEvents } from "@ringback/db/queries/events";
import { getLibraryItem, lockLibraryItem, updateLibraryItem } from "@ringback/db/queries/library";
import type { Logger } from "../logger";
import { input, runTool, SAFE_INPUT } from "../media/ffmpeg";
import { contentTypeOf, probeRecording, WEBM_CODECS } from "../media/probe";
import type { Services } from "../trpc";
import { failRecording } from "./recording-finish";
import { recordingUploadFiles, removeItemFiles, removeRecordingUpload } from "./recording-files";
import { libraryPrefix } from "./views";

export type RecordingOutcome = "ready" | "failed" | "skipped";

/** A long recording copies for a while; a stuck ffmpeg is killed well before the job expires. */
const REMUX_TIMEOUT_MS = 20 * 60_000;

/** Where the poster frame is taken: a moment in, past a first frame that is often dark. */
function posterAt(durationMs: number): number {
  return Math.min(2, durationMs / 1000 / 4);
}

/**
 * Makes a stopped recording a Library item: its upload (whole, or as much as arrived before the
 * recorder vanished: ffmpeg reads a cut-short WebM up to its last whole block) is remuxed without
 * re-encoding into a seekable file (cues at the front), cut at the stop so nothing after it is kept
 * (a joiner without consent is never in it); its duration is read from the result, a poster frame
 * taken, both stored under library/<id>/, and the item is ready (its owner told). Nothing playable
 * in it (no upload, empty, not a recording) makes it failed, with its files removed. A recording that
 * is gone or not processing is left alone, so a repeated job does nothing. It is queued only once no
 * more chunks can come (its upload finished, the grace after its stop is over, or its recorder went
 * quiet: see recording-finish.ts and recording-watchdog.ts). Throws on an unexpected failure (the
 * queue retries, then marks it failed).
 */
export async function processRecording(services: Services, itemId: string, log: Logger): Promise<RecordingOutcome> {
  const row = await getLibraryItem(services.db, itemId);
  if (!row || row.kind !== "recording" || row.status !== "processing") return "skipped";
  const uploadId = row.uploadId;
  const source = uploadId ? recordingUploadFiles(services.media.uploadDir, uploadId).data : null;
  // what arrived too long after the stop is not kept (see recordingArrivalCapDue): it goes from the
  // upload before anything reads it (no more chunks come once the job runs)
  if (source && row.stopOffset !== null && (await sizeOf(source)) > row.stopOffset) await truncate(source, row.stopOffset);
  const size = source ? await sizeOf(source) : 0;
  if (!source || size === 0) {
    log.info({ itemId }, "recording has nothing in it");
    return (await failRecording(services, itemId)) ? "failed" : "skipped";
  }

  const work = await mkdtemp(join(tmpdir(), "ringback-recording-"));
  try {
    const streams = await streamsOf(source);
    if (!streams) {
      log.info({ itemId, size }, "recording upload is not a recording");
      return (await failRecording(services, itemId)) ? "failed" : "skipped";
    }
    const webm = (!streams.video || WEBM_CODECS.has(streams.video)) && (!streams.audio || WEBM_CODECS.has(streams.audio));
    // WebM when its codecs allow (every Chromium and Firefox recording); Safari's H.264/AAC stays MP4
    const container = webm ? "webm" : "mp4";
    const media = join(work, `media.${container}`);
    const cut = recordingCutMs(row);
    // the exit code says little for a cut-short upload (ffmpeg complains of its last block but writes
    // everything before it): whether the result plays is what decides
    await runTool(
      "ffmpeg",
      [
        "-v",
        "error",
        "-y",
        ...input(source),
        ...(streams.video ? ["-map", "0:v:0"] : []),
        ...(streams.audio ? ["-map", "0:a:0"] : []),
        "-c",
        "copy",
        ...(cut !== null ? ["-t", (cut / 1000).toFixed(3)] : []),
        ...(webm ? ["-f", "webm", "-cues_to_front", "1"] : ["-f", "mp4", "-movflags", "+faststart"]),
        media,
      ],
      { timeoutMs: REMUX_TIMEOUT_MS },
    );
    const kept = (await sizeOf(media)) > 0 ? await probeRecording(media) : null;
    if (!kept?.ok || kept.durationMs <= 0) {
      log.info({ itemId, size, probe: kept && !kept.ok ? kept.reason : "empty" }, "recording is not playable");
      return (await failRecording(services, itemId)) ? "failed" : "skipped";
    }

    let poster: string | null = null;
    if (kept.video) {
      poster = join(work, "poster.jpg");
      const frame = ["-frames:v", "1", "-vf", "scale='min(640,iw)':-2", "-q:v", "4", poster];
      await runTool("ffmpeg", ["-v", "error", "-y", "-ss", posterAt(kept.durationMs).toFixed(2), ...input(media), ...frame]);
      // a seek past the last key frame of a very short recording writes nothing: take the first frame
      if ((await sizeOf(poster)) === 0) await runTool("ffmpeg", ["-v", "error", "-y", ...input(media), ...frame]);
      if ((await sizeOf(poster)) === 0) poster = null;
    }

    // only a recording still processing (and still this upload's) becomes ready: one deleted or failed
    // meanwhile stays as it is
    const before = await getLibraryItem(services.db, itemId);
    if (!before) {
      // deleted while it was remuxed: its upload has no item left to belong to (the delete removes it
      // too; this covers a delete that ran before this job had the upload open)
      await removeItemFiles(services, { id: itemId, uploadId });
      return "skipped";
    }
    if (before.status !== "processing" || before.uploadId !== uploadId) return "skipped";
    const prefix = libraryPrefix(itemId);
    const mediaKey = `${prefix}media.${container}`;
    const stored = await services.media.storage.putFile(mediaKey, media);
    const posterKey = poster ? `${prefix}poster.jpg` : null;
    const posterSize = poster && posterKey ? (await services.media.storage.putFile(posterKey, poster)).size : 0;

    const ready = await services.db.transaction(async (tx) => {
      const locked = await lockLibraryItem(tx, itemId);
      if (locked?.status !== "processing" || locked.uploadId !== uploadId) return false;
      await updateLibraryItem(tx, itemId, {
        status: "ready",
        mediaKey,
        contentType: contentTypeOf(container, kept.video !== null),
        posterKey,
        posterType: posterKey ? "image/jpeg" : null,
        width: kept.video?.width ?? null,
        height: kept.video?.height ?? null,
        durationMs: kept.durationMs,
        sizeBytes: stored.size + posterSize,
        readyAt: new Date(),
      });
      await publishEvents(tx, [{ userId: locked.ownerId, event: libraryChangedEvent(itemId, "ready") }]);
      return true;
    });
    if (!ready) {
      // deleted (or failed) while the job ran: what was just stored has no item to belong to
      const still = await getLibraryItem(services.db, itemId);
      if (!still) await removeItemFiles(services, { id: itemId, uploadId });
      return "skipped";
    }
    // the playable copy is stored; the upload is no longer needed
    await removeRecordingUpload(services.media.uploadDir, uploadId);
    return "ready";
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The codecs of an upload's first picture and sound, read from its header; null when it is no recording. */
async function streamsOf(path: string): Promise<{ video: string | null; audio: string | null } | null> {
  const info = await runTool("ffprobe", ["-v", "error", ...SAFE_INPUT, "-show_streams", "-show_format", "-of", "json", path], { timeoutMs: 60_000 });
  let parsed: { format?: { format_name?: string }; streams?: Array<{ codec_type?: string; codec_name?: string; disposition?: { attached_pic?: number } }> };
  try {
    parsed = JSON.parse(info.stdout) as typeof parsed;
  } catch {
    return null;
  }
  const names = (parsed.format?.format_name ?? "").split(",");
  if (!names.some((n) => ["matroska", "webm", "mov", "mp4"].includes(n))) return null;
  const streams = parsed.streams ?? [];
  const video = streams.find((s) => s.codec_type === "video" && !s.disposition?.attached_pic)?.codec_name ?? null;
  const audio = streams.find((s) => s.codec_type === "audio")?.codec_name ?? null;
  if (!video && !audio) return null;
  return { video, audio };
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}
