// Recordings for the media tests, made with ffmpeg at test time (nothing binary is committed).
import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";

/**
 * Runs ffmpeg writing WebM to a pipe, as a browser's MediaRecorder does: the file then has no
 * duration and no cues (a seekable output would get both written back at the end).
 */
export async function record(args: string[], to: string, format = "webm"): Promise<void> {
  const child = spawn("ffmpeg", ["-nostdin", "-v", "error", ...args, "-f", format, "pipe:1"], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
  const exited = new Promise<number | null>((resolve) => child.once("close", resolve));
  await pipeline(child.stdout, createWriteStream(to));
  const code = await exited;
  if (code !== 0) throw new Error(`ffmpeg failed making ${to}: ${stderr}`);
}

const picture = (seconds: number, size = "320x240", rate = 15) => ["-f", "lavfi", "-i", `testsrc=size=${size}:rate=${rate}:duration=${seconds}`];
const tone = (seconds: number) => ["-f", "lavfi", "-i", `sine=f=440:duration=${seconds}`];

export type MediaFixtures = {
  dir: string;
  /** 5 s of VP8 picture and Opus tone, as Chromium records a video message */
  video: string;
  /** 5 s of Opus only (a voicemail) */
  audio: string;
  /** 5 s of picture without sound */
  silentVideo: string;
  /** 3 min 10 s of a tiny picture: over the limit and its grace */
  tooLong: string;
  /** text in a .webm file */
  text: string;
  /** the first half of `video`: it ends in the middle of a packet */
  damaged: string;
  remove(): Promise<void>;
};

/** Makes the fixtures in a folder of their own (about a second on two cores). */
export async function makeMediaFixtures(): Promise<MediaFixtures> {
  const dir = await mkdtemp(join(tmpdir(), "ringback-fixtures-"));
  const at = (name: string) => join(dir, name);
  const vp8 = ["-c:v", "libvpx", "-b:v", "300k", "-deadline", "realtime", "-cpu-used", "8"];
  await Promise.all([
    record([...picture(5), ...tone(5), ...vp8, "-c:a", "libopus"], at("video.webm")),
    record([...tone(5), "-c:a", "libopus"], at("audio.webm")),
    record([...picture(5), ...vp8], at("silent-video.webm")),
    // picture only: encoding 190 s of sound would take seconds, a 32×32 picture at 1 fps takes none
    record([...picture(190, "32x32", 1), "-c:v", "libvpx", "-b:v", "8k", "-deadline", "realtime", "-cpu-used", "8"], at("too-long.webm")),
  ]);
  await writeFile(at("text.webm"), "This is a note about dinner, not a recording.\n".repeat(20));
  const video = await readFile(at("video.webm"));
  await writeFile(at("damaged.webm"), video.subarray(0, Math.floor(video.length / 2)));
  return {
    dir,
    video: at("video.webm"),
    audio: at("audio.webm"),
    silentVideo: at("silent-video.webm"),
    tooLong: at("too-long.webm"),
    text: at("text.webm"),
    damaged: at("damaged.webm"),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A video message with a spoken WAV as its sound (a moving test picture while it plays). */
export async function speakingVideo(wav: string, to: string): Promise<void> {
  await record(["-f", "lavfi", "-i", "testsrc=size=320x240:rate=15", "-i", wav, "-shortest", "-c:v", "libvpx", "-b:v", "200k", "-deadline", "realtime", "-cpu-used", "8", "-c:a", "libopus"], to);
}

/** What ffprobe says of a file's container duration (null: none written), in seconds. */
export async function containerDuration(path: string): Promise<number | null> {
  const child = spawn("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (c: string) => (out += c));
  await new Promise((resolve) => child.once("close", resolve));
  const value = Number(out.trim());
  return out.trim() === "" || out.trim() === "N/A" || !Number.isFinite(value) ? null : value;
}
