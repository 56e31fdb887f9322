import { MESSAGE_LIMITS, withinDurationLimit, type MessageKind } from "@ringback/core/messages";
import { runTool, SAFE_INPUT } from "./ffmpeg";

/** What ffprobe found in a recording, read from its bytes (never from what the client declared). */
export type Probe =
  | { ok: false; reason: "unrecognized" | "damaged" }
  | {
      ok: true;
      container: Container;
      video: { codec: string; width: number; height: number } | null;
      audio: { codec: string } | null;
      /** from the last packet's timestamp: browsers write WebM without a duration */
      durationMs: number;
    };

export type Container = "webm" | "mp4" | "ogg";

// the containers and codecs browsers record (MediaRecorder: WebM or MP4; voicemail: also Ogg)
const VIDEO_CODECS = new Set(["vp8", "vp9", "av1", "h264", "hevc"]);
const AUDIO_CODECS = new Set(["opus", "vorbis", "aac", "mp3", "flac"]);
/** codecs a WebM file may carry (anything else is stored as MP4) */
export const WEBM_CODECS = new Set(["vp8", "vp9", "av1", "opus", "vorbis"]);

type FfprobeJson = {
  format?: { format_name?: string };
  streams?: Array<{
    codec_type?: string;
    codec_name?: string;
    width?: number;
    height?: number;
    disposition?: { attached_pic?: number };
  }>;
};

function containerOf(formatName: string | undefined): Container | null {
  const names = (formatName ?? "").split(",");
  if (names.includes("matroska") || names.includes("webm")) return "webm";
  if (names.includes("mp4") || names.includes("mov")) return "mp4";
  if (names.includes("ogg")) return "ogg";
  return null;
}

const PROBE_TIMEOUT_MS = 60_000;

/**
 * Reads a recording's container, streams and real duration. A file ffprobe cannot open, or one in
 * a container or codec no browser records, is "unrecognized" (a text file can pass as a `tty`
 * video to ffprobe); one whose packets end in errors (cut short, corrupted) is "damaged".
 */
export async function probeRecording(path: string): Promise<Probe> {
  const info = await runTool("ffprobe", ["-v", "error", ...SAFE_INPUT, "-show_format", "-show_streams", "-of", "json", path], { timeoutMs: PROBE_TIMEOUT_MS });
  if (info.code !== 0) return { ok: false, reason: "unrecognized" };
  let parsed: FfprobeJson;
  try {
    parsed = JSON.parse(info.stdout) as FfprobeJson;
  } catch {
    return { ok: false, reason: "unrecognized" };
  }
  const container = containerOf(parsed.format?.format_name);
  if (!container) return { ok: false, reason: "unrecognized" };
  const streams = parsed.streams ?? [];
  const videoStream = streams.find((s) => s.codec_type === "video" && !s.disposition?.attached_pic);
  const audioStream = streams.find((s) => s.codec_type === "audio");
  if (videoStream && !VIDEO_CODECS.has(videoStream.codec_name ?? "")) return { ok: false, reason: "unrecognized" };
  if (audioStream && !AUDIO_CODECS.has(audioStream.codec_name ?? "")) return { ok: false, reason: "unrecognized" };
  if (!videoStream && !audioStream) return { ok: false, reason: "unrecognized" };

  // Demux every packet (no decoding: cheap even for a long file) for the real end time; the demuxer
  // reports a file that stops mid-packet or has broken framing on stderr.
  let start = Number.POSITIVE_INFINITY;
  let end = 0;
  let packets = 0;
  const scan = await runTool("ffprobe", ["-v", "error", ...SAFE_INPUT, "-show_entries", "packet=pts_time,duration_time", "-of", "csv=p=0", path], {
    timeoutMs: PROBE_TIMEOUT_MS,
    onLine: (line) => {
      const [pts, duration] = line.split(",");
      const t = Number(pts);
      if (!pts || !Number.isFinite(t)) return;
      packets += 1;
      const d = Number(duration);
      start = Math.min(start, t);
      end = Math.max(end, t + (Number.isFinite(d) ? d : 0));
    },
  });
  if (scan.code !== 0 || scan.stderr.length > 0 || packets === 0) return { ok: false, reason: "damaged" };
  const durationMs = Math.round((end - Math.min(start, 0)) * 1000);
  return {
    ok: true,
    container,
    video: videoStream ? { codec: videoStream.codec_name ?? "", width: videoStream.width ?? 0, height: videoStream.height ?? 0 } : null,
    audio: audioStream ? { codec: audioStream.codec_name ?? "" } : null,
    durationMs,
  };
}

/** The texts a refused recording gets (the sender's browser shows them as they are). */
export const RECORDING_REFUSED = {
  notPlayable: "That file is not a playable recording",
  tooLong: `Messages can be at most ${MESSAGE_LIMITS.maxSeconds / 60} minutes`,
  damaged: "That recording is damaged",
} as const;

export type RecordingCheck =
  | { ok: true; contentType: string; durationMs: number }
  | { ok: false; status: 415 | 422; message: string };

/**
 * Whether a probed recording may become a message of `kind`: a video message needs a picture, a
 * voicemail a voice; both must fit the length limit (its grace included).
 */
export function checkRecording(probe: Probe, kind: MessageKind): RecordingCheck {
  if (!probe.ok) {
    return probe.reason === "damaged" ? { ok: false, status: 422, message: RECORDING_REFUSED.damaged } : { ok: false, status: 415, message: RECORDING_REFUSED.notPlayable };
  }
  if (kind === "video" ? !probe.video : !probe.audio) return { ok: false, status: 415, message: RECORDING_REFUSED.notPlayable };
  if (probe.durationMs <= 0) return { ok: false, status: 422, message: RECORDING_REFUSED.damaged };
  if (!withinDurationLimit(probe.durationMs)) return { ok: false, status: 422, message: RECORDING_REFUSED.tooLong };
  return { ok: true, contentType: contentTypeOf(probe.container, kind === "video" && probe.video !== null), durationMs: probe.durationMs };
}

/** The MIME type of a container holding a picture (video/…) or only sound (audio/…). */
export function contentTypeOf(container: Container, hasVideo: boolean): string {
  return `${hasVideo ? "video" : "audio"}/${container}`;
}
