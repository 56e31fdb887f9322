import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getMessage } from "@ringback/db/queries/messages";
import type { Logger } from "../logger";
import { markReady } from "../messages/service";
import type { FileTranscript } from "../transcriber/client";
import type { Services } from "../trpc";
import { messagePrefix, removeMessageFiles, removeUploadFiles } from "./cleanup";
import { ffmpeg, input } from "./ffmpeg";
import { contentTypeOf, probeRecording, WEBM_CODECS } from "./probe";
import { uploadFiles } from "./upload-files";
import { waveformPeaks } from "./waveform";

export type ProcessOutcome = "ready" | "skipped";

/** Where the poster frame is taken: a moment in, past a first frame that is often dark. */
function posterAt(durationMs: number): number {
  return Math.min(1, durationMs / 1000 / 4);
}

/**
 * Makes an uploaded message playable: remuxes it (no re-encoding) into a file with a duration and
 * cues, so players can seek; takes a poster frame (video) or waveform peaks (voicemail); reads its
 * real duration; transcribes it; stores the files and hands the result to the message service.
 * A message that is gone or no longer processing is skipped, so a repeated job does nothing.
 * Throws when the recording cannot be remuxed (the queue retries, then marks it failed).
 */
export async function processMessage(services: Services, messageId: string, log: Logger): Promise<ProcessOutcome> {
  const message = await getMessage(services.db, messageId);
  if (!message || message.status !== "processing" || !message.uploadId) return "skipped";
  const source = uploadFiles(services.media.uploadDir, message.uploadId).data;
  const work = await mkdtemp(join(tmpdir(), "ringback-message-"));
  try {
    const probe = await probeRecording(source);
    if (!probe.ok) throw new Error(`the upload of message ${messageId} no longer probes (${probe.reason})`);
    const video = message.kind === "video" ? probe.video : null;
    const webm = (!video || WEBM_CODECS.has(video.codec)) && (!probe.audio || WEBM_CODECS.has(probe.audio.codec));
    // WebM when its codecs allow (every Chromium and Firefox recording); Safari's H.264/AAC stays MP4
    const container = webm ? "webm" : "mp4";
    const media = join(work, `media.${container}`);
    await ffmpeg([
      ...input(source),
      ...(video ? ["-map", "0:v:0"] : ["-vn"]),
      ...(probe.audio ? ["-map", "0:a:0"] : []),
      "-c",
      "copy",
      // a voicemail recorded as video/webm keeps only its sound
      ...(webm ? ["-f", "webm", "-cues_to_front", "1"] : ["-f", "mp4", "-movflags", "+faststart"]),
      media,
    ]);
    const remuxed = await probeRecording(media);
    if (!remuxed.ok) throw new Error(`the remuxed file of message ${messageId} does not probe (${remuxed.reason})`);
    const durationMs = remuxed.durationMs;

    let poster: string | null = null;
    if (video) {
      poster = join(work, "poster.jpg");
      const frame = ["-frames:v", "1", "-vf", "scale='min(640,iw)':-2", "-q:v", "4", poster];
      await ffmpeg(["-ss", posterAt(durationMs).toFixed(2), ...input(media), ...frame]);
      // a seek past the last key frame of a very short clip writes nothing: take the first frame
      if (!(await exists(poster))) await ffmpeg([...input(media), ...frame]);
      if (!(await exists(poster))) poster = null;
    }
    const waveform = message.kind === "voicemail" ? await waveformPeaks(media, durationMs) : null;
    const { transcript, transcriptStatus } = await transcribe(services, media, work, messageId, log);

    // only a message still processing may turn ready: one marked failed meanwhile (an earlier run of
    // this job outlived its expiry, and the last retry gave up) or deleted stays as it is. markReady
    // itself skips only ready rows, so the check is made here, just before anything is stored.
    const now = await getMessage(services.db, messageId);
    if (now?.status !== "processing" || now.uploadId !== message.uploadId) return "skipped";

    const prefix = messagePrefix(messageId);
    const mediaKey = `${prefix}media.${container}`;
    const { size } = await services.media.storage.putFile(mediaKey, media);
    const posterKey = poster ? `${prefix}poster.jpg` : null;
    if (poster && posterKey) await services.media.storage.putFile(posterKey, poster);

    await markReady(services, messageId, {
      mediaKey,
      posterKey,
      contentType: contentTypeOf(container, video !== null),
      sizeBytes: size,
      durationMs,
      waveform,
      transcript,
      transcriptStatus,
    });
    // deleted while the job ran: what was just stored has no message to belong to
    if (!(await getMessage(services.db, messageId))) await removeMessageFiles(services, { id: messageId, uploadId: message.uploadId });
    // the playable copy is stored; the upload is no longer needed
    else await removeUploadFiles(services.media.uploadDir, message.uploadId);
    return "ready";
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The final transcript, or why there is none: the message is delivered either way. */
async function transcribe(
  services: Services,
  media: string,
  work: string,
  messageId: string,
  log: Logger,
): Promise<{ transcript: FileTranscript | null; transcriptStatus: "ready" | "failed" | "none" }> {
  try {
    const wav = join(work, "speech.wav");
    // what speech models are trained on (and the smallest upload to a remote transcription API)
    await ffmpeg([...input(media), "-vn", "-ac", "1", "-ar", "16000", "-c:a", "pcm_s16le", "-f", "wav", wav]);
    const transcript = await services.transcriber.transcribeFile(wav);
    return { transcript, transcriptStatus: "ready" };
  } catch (err) {
    if (isNotConfigured(err)) return { transcript: null, transcriptStatus: "none" };
    log.warn({ err, messageId }, "transcription failed; the message is delivered without a transcript");
    return { transcript: null, transcriptStatus: "failed" };
  }
}

/** The HTTP transcriber says so when no transcription service is configured (TRANSCRIPTION_API_URL=""). */
function isNotConfigured(err: unknown): boolean {
  return err instanceof Error && /not configured/.test(err.message);
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).size > 0;
  } catch {
    return false;
  }
}
