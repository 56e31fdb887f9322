// Test-only helpers for the Live Photo integration tests and benchmark (imported by them only).
import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestApi, TestUser } from "../testing/harness";
import { record } from "../testing/media-fixtures";
import { signLikeLivekit } from "../testing/webhook-signer";

/** A picture of four solid quadrants (red, green, blue, white from top left, clockwise-ish). */
const QUADRANTS =
  "color=c=red:s=320x240[a];color=c=lime:s=320x240[b];color=c=blue:s=320x240[c];color=c=white:s=320x240[d];[a][b]hstack[top];[c][d]hstack[bottom];[top][bottom]vstack";

async function ffmpegTo(args: string[]): Promise<void> {
  const child = spawn("ffmpeg", ["-nostdin", "-v", "error", "-y", ...args], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
  const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
  if (code !== 0) throw new Error(`ffmpeg failed: ${stderr}`);
}

export type LivePhotoFixtures = {
  dir: string;
  /** 640×480 JPEG of four coloured quadrants */
  stillJpeg: string;
  stillPng: string;
  stillWebp: string;
  /** the first third of the JPEG: it probes but does not decode */
  stillDamaged: string;
  /** 4 s of 640×480 VP8 picture and Opus tone, written as a browser's MediaRecorder does */
  clip: string;
  /** 4 s of picture, no sound */
  clipSilent: string;
  /** 4 s of H.264 + AAC in MP4 (Safari's MediaRecorder) */
  clipMp4: string;
  /** 8 s: over the longest clip */
  clipLong: string;
  /** 4 s of sound only */
  clipAudioOnly: string;
  /** the first half of `clip` */
  clipDamaged: string;
  /** text under a media name */
  text: string;
  remove(): Promise<void>;
};

export async function makeLivePhotoFixtures(): Promise<LivePhotoFixtures> {
  const dir = await mkdtemp(join(tmpdir(), "ringback-live-photo-"));
  const at = (name: string) => join(dir, name);
  const picture = (seconds: number) => ["-f", "lavfi", "-i", `testsrc=size=640x480:rate=15:duration=${seconds}`];
  const tone = (seconds: number) => ["-f", "lavfi", "-i", `sine=f=440:duration=${seconds}`];
  const vp8 = ["-c:v", "libvpx", "-b:v", "400k", "-deadline", "realtime", "-cpu-used", "8"];
  await Promise.all([
    ffmpegTo(["-f", "lavfi", "-i", QUADRANTS, "-frames:v", "1", "-q:v", "2", at("still.jpg")]),
    ffmpegTo(["-f", "lavfi", "-i", QUADRANTS, "-frames:v", "1", at("still.png")]),
    ffmpegTo(["-f", "lavfi", "-i", QUADRANTS, "-frames:v", "1", "-c:v", "libwebp", at("still.webp")]),
    record([...picture(4), ...tone(4), ...vp8, "-c:a", "libopus"], at("clip.webm")),
    record([...picture(4), ...vp8], at("clip-silent.webm")),
    record([...picture(8), ...tone(8), ...vp8, "-c:a", "libopus"], at("clip-long.webm")),
    record([...tone(4), "-c:a", "libopus"], at("clip-audio.webm")),
    ffmpegTo([...picture(4), ...tone(4), "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", at("clip.mp4")]),
  ]);
  const jpeg = await readFile(at("still.jpg"));
  await writeFile(at("still-damaged.jpg"), jpeg.subarray(0, Math.floor(jpeg.length / 3)));
  const clip = await readFile(at("clip.webm"));
  await writeFile(at("clip-damaged.webm"), clip.subarray(0, Math.floor(clip.length / 2)));
  await writeFile(at("text.jpg"), "Dinner at eight, bring the photos.\n".repeat(40));
  return {
    dir,
    stillJpeg: at("still.jpg"),
    stillPng: at("still.png"),
    stillWebp: at("still.webp"),
    stillDamaged: at("still-damaged.jpg"),
    clip: at("clip.webm"),
    clipSilent: at("clip-silent.webm"),
    clipMp4: at("clip.mp4"),
    clipLong: at("clip-long.webm"),
    clipAudioOnly: at("clip-audio.webm"),
    clipDamaged: at("clip-damaged.webm"),
    text: at("text.jpg"),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** The average colour of a region of a picture (fractions of its size), as 0–255 RGB, read with ffmpeg. */
export async function regionColour(file: string, region: { x: number; y: number; w: number; h: number }): Promise<[number, number, number]> {
  const filter = `crop=iw*${region.w}:ih*${region.h}:iw*${region.x}:ih*${region.y},scale=1:1:flags=area,format=rgb24`;
  const child = spawn("ffmpeg", ["-nostdin", "-v", "error", "-i", file, "-vf", filter, "-frames:v", "1", "-f", "rawvideo", "pipe:1"], { stdio: ["ignore", "pipe", "pipe"] });
  const chunks: Buffer[] = [];
  child.stdout.on("data", (c: Buffer) => chunks.push(c));
  await new Promise((resolve) => child.once("close", resolve));
  const [r = 0, g = 0, b = 0] = Buffer.concat(chunks);
  return [r, g, b];
}

const webhookEvent = (kind: string, roomName: string, identity: string) =>
  JSON.stringify({
    event: kind,
    id: `EV_${Math.random().toString(36).slice(2)}`,
    createdAt: String(Math.floor(Date.now() / 1000)),
    room: { name: roomName, sid: "RM_test" },
    participant: { identity, sid: `PA_${identity.slice(0, 6)}` },
  });

/** Tells the API, as LiveKit would, that `userId` joined (or left) the call's room. */
export async function mediaEvent(api: TestApi, callId: string, userId: string, kind: "participant_joined" | "participant_left"): Promise<void> {
  const body = webhookEvent(kind, `call_${callId}`, userId);
  const res = await fetch(`${api.baseUrl}/livekit/webhook`, {
    method: "POST",
    headers: { "content-type": "application/webhook+json", authorization: await signLikeLivekit(body, api.livekit.apiKey, api.livekit.apiSecret) },
    body,
  });
  if (res.status !== 200) throw new Error(`webhook ${kind}: ${res.status}`);
}

/**
 * A live call from `caller` to `callees`, everyone answered and connected (media joined). Each
 * callee knows the caller, so the ring is allowed.
 */
export async function liveCall(api: TestApi, caller: TestUser, callees: TestUser[], kind: "audio" | "video" = "video"): Promise<string> {
  for (const callee of callees) await api.as(callee).contacts.add.mutate({ userId: caller.id });
  const call = await api.as(caller).calls.start.mutate({ calleeIds: callees.map((c) => c.id), kind });
  for (const callee of callees) await api.as(callee).calls.answer.mutate({ callId: call.id, kind });
  for (const who of [caller, ...callees]) await mediaEvent(api, call.id, who.id, "participant_joined");
  return call.id;
}

export type PhotoParts = {
  still?: string | Uint8Array | null;
  clip?: string | Uint8Array | null;
  pressOffsetMs?: string | number | null;
  /** extra parts a forged form adds */
  extra?: Array<{ name: string; value: string | Uint8Array }>;
  stillType?: string;
  clipType?: string;
};

/** Posts a Live Photo's files as `user` (null: without a session) the way a browser would. */
export async function postPhoto(api: TestApi, user: TestUser | null, itemId: string, parts: PhotoParts, fixtures?: LivePhotoFixtures): Promise<{ status: number; body: Record<string, unknown> }> {
  const form = new FormData();
  const bytes = async (v: string | Uint8Array): Promise<Uint8Array<ArrayBuffer>> => new Uint8Array(typeof v === "string" ? await readFile(v) : v);
  const still = parts.still === undefined ? fixtures?.stillJpeg : parts.still;
  const clip = parts.clip === undefined ? fixtures?.clip : parts.clip;
  if (still) form.append("still", new Blob([await bytes(still)], { type: parts.stillType ?? "image/jpeg" }), "still.jpg");
  if (clip) form.append("clip", new Blob([await bytes(clip)], { type: parts.clipType ?? "video/webm" }), "clip.webm");
  const press = parts.pressOffsetMs === undefined ? 2000 : parts.pressOffsetMs;
  if (press !== null) form.append("pressOffsetMs", String(press));
  for (const e of parts.extra ?? []) form.append(e.name, typeof e.value === "string" ? e.value : new Blob([new Uint8Array(e.value)]));
  const res = await fetch(`${api.baseUrl}/api/library/photos/${itemId}`, {
    method: "POST",
    headers: user ? { cookie: user.cookie } : {},
    body: form,
  });
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { text };
  }
  return { status: res.status, body };
}

/** Every file under the API's storage folder and upload folder (to check nothing was left behind). */
export async function filesUnder(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
}
