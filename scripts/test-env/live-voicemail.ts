// A live voicemail without the app: a real LiveKit room, a caller speaking WAV files into it (the
// Python publisher in services/transcriber/tools), the real worker listening, and a local HTTP
// server standing in for the API's /internal/transcripts. Used by integration tests and benchmarks.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { AccessToken, RoomServiceClient, TrackSource } from "livekit-server-sdk";
import { forEachLine } from "../stack/supervisor";
import type { TestLivekit } from "./provided-context";
import { alignWords, normalizeWords } from "./words";

/** What the worker posts (LiveSegment as in @ringback/core/messages). */
export type PostedSegment = { id: number; text: string; final: boolean; startMs: number; endMs: number };
export type Posted = {
  /** Date.now() when the post arrived */
  at: number;
  authorization: string | undefined;
  body: { messageId: string; segments: PostedSegment[]; ended?: boolean };
};
export type SpokenFile = { index: number; t0: number; durationMs: number };

export type LiveVoicemailResult = {
  messageId: string;
  callbackToken: string;
  posts: Posted[];
  /** when each WAV's first frame went out (epoch ms, same clock as `Posted.at`) */
  files: SpokenFile[];
  /** the publisher left the room at this time */
  leftAt: number;
};

export type LiveVoicemailOptions = {
  livekit: TestLivekit;
  transcriberUrl: string;
  /** the worker venv's python, which has the LiveKit SDK the publisher needs */
  python: string;
  repoRoot: string;
  /** 16 kHz mono 16-bit WAVs, spoken one after the other */
  wavs: string[];
  gapSeconds?: number;
  tailSeconds?: number;
  /** how long to wait for `ended` after the caller left */
  endTimeoutMs?: number;
  /** called with every post as it arrives */
  onPost?: (post: Posted) => void;
};

/** Speaks the WAVs into a fresh room the worker listens to, and returns everything it posted. */
export async function runLiveVoicemail(opts: LiveVoicemailOptions): Promise<LiveVoicemailResult> {
  const messageId = randomUUID();
  const callbackToken = randomUUID();
  const roomName = `vm-test-${messageId}`;
  const httpUrl = opts.livekit.url.replace(/^ws/, "http");
  const rooms = new RoomServiceClient(httpUrl, opts.livekit.apiKey, opts.livekit.apiSecret);
  await rooms.createRoom({ name: roomName, emptyTimeout: 60, departureTimeout: 2 });

  const posts: Posted[] = [];
  let onEnded: (() => void) | undefined;
  const ended = new Promise<void>((resolve) => (onEnded = resolve));
  const server = createServer((req, res) => {
    void readBody(req).then((text) => {
      const post: Posted = { at: Date.now(), authorization: req.headers.authorization, body: JSON.parse(text) as Posted["body"] };
      posts.push(post);
      opts.onPost?.(post);
      if (post.body.ended) onEnded?.();
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const callbackUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/internal/transcripts`;

  try {
    const workerToken = await token(opts.livekit, roomName, "transcriber", false);
    const res = await fetch(`${opts.transcriberUrl}/live`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ messageId, livekitUrl: opts.livekit.url, token: workerToken, callbackUrl, callbackToken }),
    });
    if (res.status !== 202) throw new Error(`POST /live answered ${res.status}: ${await res.text()}`);

    const files: SpokenFile[] = [];
    const callerToken = await token(opts.livekit, roomName, `voicemail-${messageId}`, true);
    await publish(opts, callerToken, (event) => {
      if (event.event === "file") files.push({ index: Number(event.index), t0: Number(event.t0), durationMs: Number(event.durationMs) });
    });
    const leftAt = Date.now();
    const timeout = opts.endTimeoutMs ?? 15_000;
    await Promise.race([
      ended,
      new Promise((_, reject) => setTimeout(() => reject(new Error(`no "ended" within ${timeout} ms of the caller leaving`)), timeout)),
    ]);
    return { messageId, callbackToken, posts, files, leftAt };
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rooms.deleteRoom(roomName).catch(() => undefined);
  }
}

async function token(livekit: TestLivekit, room: string, identity: string, caller: boolean): Promise<string> {
  const at = new AccessToken(livekit.apiKey, livekit.apiSecret, { identity, ttl: 600 });
  at.addGrant(
    caller
      ? { roomJoin: true, room, canPublish: true, canPublishSources: [TrackSource.MICROPHONE], canSubscribe: false }
      : { roomJoin: true, room, canPublish: false, canSubscribe: true, hidden: true },
  );
  return at.toJwt();
}

async function publish(opts: LiveVoicemailOptions, callerToken: string, onEvent: (event: Record<string, unknown>) => void): Promise<void> {
  const script = join(opts.repoRoot, "services", "transcriber", "tools", "publish_wav.py");
  const args = [script, "--url", opts.livekit.url, "--token", callerToken];
  if (opts.gapSeconds !== undefined) args.push("--gap", String(opts.gapSeconds));
  if (opts.tailSeconds !== undefined) args.push("--tail", String(opts.tailSeconds));
  const child = spawn(opts.python, [...args, ...opts.wavs], { stdio: ["ignore", "pipe", "pipe"] });
  const errors: string[] = [];
  forEachLine(child.stdout, (line) => {
    try {
      onEvent(JSON.parse(line) as Record<string, unknown>);
    } catch {
      errors.push(line);
    }
  });
  forEachLine(child.stderr, (line) => errors.push(line));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  if (code !== 0) throw new Error(`publisher exited with ${code}:\n${errors.slice(-20).join("\n")}`);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** What a callee's screen shows after applying the posts in order (same id: newer wins, final sticks). */
export function mergedText(posts: readonly Posted[]): string {
  const byId = new Map<number, PostedSegment>();
  for (const post of posts) {
    for (const s of post.body.segments) {
      if (byId.get(s.id)?.final && !s.final) continue;
      byId.set(s.id, s);
    }
  }
  return [...byId.values()]
    .sort((a, b) => a.id - b.id)
    .map((s) => s.text)
    .filter(Boolean)
    .join(" ");
}

/** Makes a 16 kHz mono 16-bit WAV of `text` with espeak-ng and sox (both test tools). */
export async function speakToWav(text: string, path: string): Promise<void> {
  const raw = `${path}.raw.wav`;
  await runTool("espeak-ng", ["-w", raw, text]);
  await runTool("sox", [raw, "-r", "16000", "-c", "1", "-b", "16", path]);
  await rm(raw, { force: true });
}

async function runTool(command: string, args: string[]): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.on("error", (error) => reject(new Error(`${command} could not run (${error.message}); install espeak-ng and sox`)));
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`${command} failed (${code}): ${err}`))));
  });
}

/** A word of the spoken audio and when it ends, in ms from the start of the call's audio (epoch ms). */
export type TimedWord = { word: string; endAt: number };

/**
 * For each spoken word, how long after its end it first stood on the callee's screen (the merged
 * posts up to then, aligned to the spoken words): ms, or null when it never appeared as said.
 */
export function wordLags(posts: readonly Posted[], spoken: readonly TimedWord[]): Array<number | null> {
  return wordsFirstShown(posts, spoken).map((w) => w?.lagMs ?? null);
}

/** As wordLags, also telling whether the post that first showed the word was a final segment. */
export function wordsFirstShown(posts: readonly Posted[], spoken: readonly TimedWord[]): Array<{ lagMs: number; byFinal: boolean } | null> {
  const reference = spoken.map((w) => w.word);
  const first = new Array<{ lagMs: number; byFinal: boolean } | null>(spoken.length).fill(null);
  for (let i = 1; i <= posts.length; i++) {
    const post = posts[i - 1];
    if (!post || post.body.segments.length === 0) continue;
    const shown = normalizeWords(mergedText(posts.slice(0, i)));
    const { matched } = alignWords(reference, shown);
    matched.forEach((hit, k) => {
      if (hit >= 0 && first[k] === null) {
        first[k] = { lagMs: post.at - (spoken[k]?.endAt ?? 0), byFinal: post.body.segments.some((s) => s.final) };
      }
    });
  }
  return first;
}

/** The words of a WAV with their end times, from the worker's base model (word timestamps). */
export async function timedWordsOf(transcriberUrl: string, wav: string, startsAt: number): Promise<TimedWord[]> {
  const form = new FormData();
  form.set("file", new Blob([await readFile(wav)]), "speech.wav");
  form.set("model", "base");
  form.set("response_format", "verbose_json");
  form.append("timestamp_granularities[]", "word");
  const res = await fetch(`${transcriberUrl}/v1/audio/transcriptions`, { method: "POST", body: form });
  if (!res.ok) throw new Error(`transcription failed: ${res.status}`);
  const body = (await res.json()) as { words: Array<{ word: string; end: number }> };
  return body.words.flatMap((w) => normalizeWords(w.word).map((word) => ({ word, endAt: startsAt + w.end * 1000 })));
}

/** The p-th percentile (0–100) of the numbers, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}
