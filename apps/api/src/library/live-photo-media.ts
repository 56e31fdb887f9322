import { LIBRARY_LIMITS } from "@ringback/core/library";
import { ffmpeg, runTool } from "../media/ffmpeg";
import { probeRecording, type Probe } from "../media/probe";

/*
 * A Live Photo's files, checked by what they contain (never by what the browser declared): the
 * still must be one JPEG, PNG or WebP picture that decodes cleanly, the clip a WebM or MP4 video.
 * The clip is cut to the moment around the press and made WebM (VP8 + Opus), whatever came in.
 */

/**
 * Input options for reading an uploaded still: only the single-image demuxers of the three types,
 * only local files. The uploaded file is stored under a name without an extension, so ffmpeg's
 * image2 demuxer (file patterns such as `%d`, which could read other files) is never chosen.
 */
export const STILL_INPUT = ["-format_whitelist", "jpeg_pipe,png_pipe,webp_pipe", "-protocol_whitelist", "file"] as const;

/** The largest side a still may have: a phone's camera is well under it, a decompression bomb is not. */
export const STILL_MAX_SIDE = 8192;

export const LIVE_PHOTO_REFUSED = {
  notImage: "The photo must be a JPEG, PNG or WebP image",
  damagedImage: "That photo is damaged",
  hugeImage: `A Live Photo can be at most ${STILL_MAX_SIDE} pixels wide or high`,
  notVideo: "The clip must be a WebM or MP4 video",
  damagedClip: "That clip is damaged",
  clipTooLong: `A Live Photo's clip can be at most ${LIBRARY_LIMITS.clipMaxMs / 1000} seconds`,
  pressOutsideClip: "The moment of the photo is not in its clip",
} as const;

export type FileCheck<T> = ({ ok: true } & T) | { ok: false; status: 415 | 422; message: string };

const STILL_TYPES: Record<string, { codec: string; contentType: string; ext: string }> = {
  jpeg_pipe: { codec: "mjpeg", contentType: "image/jpeg", ext: "jpg" },
  png_pipe: { codec: "png", contentType: "image/png", ext: "png" },
  webp_pipe: { codec: "webp", contentType: "image/webp", ext: "webp" },
};

type StillJson = { format?: { format_name?: string }; streams?: Array<{ codec_type?: string; codec_name?: string; width?: number; height?: number }> };

const TOOL_TIMEOUT_MS = 30_000;

/** What kind of picture a still is and its size, or why it is refused. */
export async function checkStill(path: string): Promise<FileCheck<{ contentType: string; ext: string; width: number; height: number }>> {
  const info = await runTool("ffprobe", ["-v", "error", ...STILL_INPUT, "-show_entries", "format=format_name:stream=codec_type,codec_name,width,height", "-of", "json", path], {
    timeoutMs: TOOL_TIMEOUT_MS,
  });
  if (info.code !== 0) return { ok: false, status: 415, message: LIVE_PHOTO_REFUSED.notImage };
  let parsed: StillJson;
  try {
    parsed = JSON.parse(info.stdout) as StillJson;
  } catch {
    return { ok: false, status: 415, message: LIVE_PHOTO_REFUSED.notImage };
  }
  const type = STILL_TYPES[parsed.format?.format_name ?? ""];
  const streams = parsed.streams ?? [];
  const [picture] = streams;
  if (!type || streams.length !== 1 || !picture || picture.codec_type !== "video" || picture.codec_name !== type.codec) {
    return { ok: false, status: 415, message: LIVE_PHOTO_REFUSED.notImage };
  }
  const width = picture.width ?? 0;
  const height = picture.height ?? 0;
  if (width <= 0 || height <= 0) return { ok: false, status: 422, message: LIVE_PHOTO_REFUSED.damagedImage };
  if (width > STILL_MAX_SIDE || height > STILL_MAX_SIDE) return { ok: false, status: 422, message: LIVE_PHOTO_REFUSED.hugeImage };
  // a picture cut short still probes fine: decode it, and any complaint of the decoder means damage
  const decoded = await runTool("ffmpeg", ["-v", "error", ...STILL_INPUT, "-i", path, "-f", "null", "-"], { timeoutMs: TOOL_TIMEOUT_MS });
  if (decoded.code !== 0 || decoded.stderr.length > 0) return { ok: false, status: 422, message: LIVE_PHOTO_REFUSED.damagedImage };
  return { ok: true, contentType: type.contentType, ext: type.ext, width, height };
}

/** A clip ffprobe read: it must hold a picture, fit the longest clip, and contain the press. */
export function checkClip(probe: Probe, pressOffsetMs: number): FileCheck<{ durationMs: number; hasAudio: boolean }> {
  if (!probe.ok) {
    return probe.reason === "damaged" ? { ok: false, status: 422, message: LIVE_PHOTO_REFUSED.damagedClip } : { ok: false, status: 415, message: LIVE_PHOTO_REFUSED.notVideo };
  }
  if (probe.container === "ogg" || !probe.video) return { ok: false, status: 415, message: LIVE_PHOTO_REFUSED.notVideo };
  if (probe.durationMs <= 0) return { ok: false, status: 422, message: LIVE_PHOTO_REFUSED.damagedClip };
  if (probe.durationMs > LIBRARY_LIMITS.clipMaxMs) return { ok: false, status: 422, message: LIVE_PHOTO_REFUSED.clipTooLong };
  if (pressOffsetMs > probe.durationMs) return { ok: false, status: 422, message: LIVE_PHOTO_REFUSED.pressOutsideClip };
  return { ok: true, durationMs: probe.durationMs, hasAudio: probe.audio !== null };
}

/** Reads a clip's container, streams and length. */
export function probeClip(path: string): Promise<Probe> {
  return probeRecording(path);
}

/** The part of a clip kept: from 1.5 s before the press to 1.5 s after (less where the clip is shorter). */
export function clipWindow(pressOffsetMs: number, clipDurationMs: number): { startMs: number; lengthMs: number } {
  const startMs = Math.max(0, pressOffsetMs - LIBRARY_LIMITS.clipBeforeMs);
  const endMs = Math.min(clipDurationMs, pressOffsetMs + LIBRARY_LIMITS.clipAfterMs);
  return { startMs, lengthMs: Math.max(0, endMs - startMs) };
}

/**
 * Cuts the clip to its window and encodes it as WebM: VP8 at a modest rate (a 3-second clip takes
 * about half a second on a busy two-core machine) and Opus, keeping the sound when there is any.
 */
export async function cutClip(from: string, to: string, window: { startMs: number; lengthMs: number }, hasAudio: boolean): Promise<void> {
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  await ffmpeg(
    [
      ...["-ss", seconds(window.startMs)],
      ...["-format_whitelist", "matroska,webm,mov,mp4,m4a,3gp,3g2,mj2", "-protocol_whitelist", "file", "-i", from],
      ...["-t", seconds(window.lengthMs)],
      ...["-map", "0:v:0", ...(hasAudio ? ["-map", "0:a:0"] : [])],
      // libvpx's fastest realtime setting: the person is waiting for this one
      ...["-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "16", "-b:v", "1500k", "-crf", "10", "-qmin", "4", "-qmax", "42", "-threads", "2"],
      ...(hasAudio ? ["-c:a", "libopus", "-b:a", "96k"] : ["-an"]),
      ...["-sn", "-dn", "-map_metadata", "-1", "-f", "webm", to],
    ],
    { timeoutMs: 60_000 },
  );
}
