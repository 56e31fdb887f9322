import { randomUUID } from "node:crypto";
import { readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { speakToWav } from "../../../../scripts/test-env/live-voicemail";
import { wordErrorRate } from "../../../../scripts/test-env/words";
import { startTestApi, type TestApi, type TestUser } from "../testing/harness";
import { containerDuration, makeMediaFixtures, speakingVideo, type MediaFixtures } from "../testing/media-fixtures";
import { LocalStorage } from "./local-storage";
import { uploadFiles } from "./upload-files";

let api: TestApi;
let fx: MediaFixtures;
beforeAll(async () => {
  [api, fx] = await Promise.all([startTestApi(), makeMediaFixtures()]);
});
afterAll(async () => {
  await api.close();
  await fx.remove();
});

const later = (seconds: number) => new Date(Date.now() + seconds * 1000);

/** Ann calls Bo (who has her as a contact); nobody answers; she begins a message. */
async function begun(on: TestApi, kind: "video" | "audio" = "video") {
  const a = await on.signUp("Ann");
  const b = await on.signUp("Bo");
  await on.as(b).contacts.add.mutate({ userId: a.id });
  const call = await on.as(a).calls.start.mutate({ calleeIds: [b.id], kind });
  await on.sweepAt(later(61));
  const { messageId } = await on.as(a).messages.begin.mutate({ callId: call.id });
  return { a, b, messageId };
}

/** A GET or HEAD of the media route, as `user`'s browser sends it. */
async function fetchMedia(on: TestApi, user: TestUser | null, path: string, opts: { method?: "GET" | "HEAD"; range?: string } = {}) {
  const res = await fetch(`${on.baseUrl}${path}`, {
    method: opts.method ?? "GET",
    headers: { ...(user ? { cookie: user.cookie } : {}), ...(opts.range ? { range: opts.range } : {}) },
  });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

const storage = (on: TestApi) => on.media.storage as LocalStorage;

describe("a video message, from upload to playback", () => {
  let a: TestUser;
  let b: TestUser;
  let messageId: string;
  let stored: Buffer;
  let uploadLocation: string | null;
  beforeAll(async () => {
    ({ a, b, messageId } = await begun(api));
    // as the browser streams a recording: length unknown until the end, small chunks
    const result = await api.upload(a, messageId, fx.video, { deferLength: true, chunkSize: 32 * 1024, filetype: "video/webm;codecs=vp8,opus" });
    expect(result.status).toBe(204);
    uploadLocation = result.location;
    await api.waitForMessage(messageId, "ready");
    stored = await readFile(storage(api).pathOf(`messages/${messageId}/media.webm`));
  });

  it("is delivered with its real length: 5 s, though the browser's file has none written", async () => {
    expect(await containerDuration(fx.video)).toBeNull();
    const [received] = await api.as(b).messages.list.query({});
    expect(received?.id).toBe(messageId);
    expect(received?.durationMs).toBeGreaterThanOrEqual(4500);
    expect(received?.durationMs).toBeLessThanOrEqual(5500);
    expect(received).toMatchObject({ kind: "video", mediaUrl: `/api/media/messages/${messageId}`, posterUrl: `/api/media/messages/${messageId}/poster` });
  });

  it("is stored remuxed for seeking: the stored file has a duration and an index (cues)", async () => {
    const seconds = await containerDuration(storage(api).pathOf(`messages/${messageId}/media.webm`));
    expect(seconds).toBeGreaterThan(4.5);
    expect(seconds).toBeLessThan(5.5);
    // the Cues element (1C 53 BB 6B), at the front so a player finds it without reading to the end
    const cues = stored.indexOf(Buffer.from([0x1c, 0x53, 0xbb, 0x6b]));
    expect(cues).toBeGreaterThan(0);
    expect(cues).toBeLessThan(stored.length / 2);
    // the upload itself is gone once the playable copy is stored
    const uploadId = uploadLocation?.split("/").pop() ?? "";
    expect((await readdir(api.media.uploadDir)).filter((n) => n.startsWith(uploadId))).toEqual([]);
  });

  it("serves the whole file to sender and recipient, with headers a player and a proxy need", async () => {
    for (const who of [a, b]) {
      const res = await fetchMedia(api, who, `/api/media/messages/${messageId}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("video/webm");
      expect(res.headers.get("content-length")).toBe(String(stored.length));
      expect(res.headers.get("accept-ranges")).toBe("bytes");
      expect(res.headers.get("cache-control")).toBe("private, max-age=300");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.body.equals(stored)).toBe(true);
    }
    const head = await fetchMedia(api, b, `/api/media/messages/${messageId}`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(stored.length));
    expect(head.body.length).toBe(0);
  });

  it("serves byte ranges (206) as a seeking player asks for them, and 416 past the end", async () => {
    const path = `/api/media/messages/${messageId}`;
    const size = stored.length;
    const middle = await fetchMedia(api, b, path, { range: "bytes=1000-1999" });
    expect(middle.status).toBe(206);
    expect(middle.headers.get("content-range")).toBe(`bytes 1000-1999/${size}`);
    expect(middle.headers.get("content-length")).toBe("1000");
    expect(middle.body.equals(stored.subarray(1000, 2000))).toBe(true);

    const open = await fetchMedia(api, b, path, { range: `bytes=${size - 100}-` });
    expect(open.status).toBe(206);
    expect(open.body.equals(stored.subarray(size - 100))).toBe(true);

    const suffix = await fetchMedia(api, b, path, { range: "bytes=-10" });
    expect(suffix.status).toBe(206);
    expect(suffix.headers.get("content-range")).toBe(`bytes ${size - 10}-${size - 1}/${size}`);
    expect(suffix.body.equals(stored.subarray(size - 10))).toBe(true);

    // a range running past the end is cut at the end
    const long = await fetchMedia(api, b, path, { range: `bytes=${size - 5}-${size + 1000}` });
    expect(long.status).toBe(206);
    expect(long.body.length).toBe(5);

    // several ranges, a header that is not a byte range, or an invalid one (last before first): the
    // whole file, as the standard says (RFC 9110: an invalid range is ignored)
    for (const range of ["bytes=0-10,20-30", "items=0-10", "bytes=abc", "bytes=5-3", `bytes=${size + 10}-${size + 5}`]) {
      const whole = await fetchMedia(api, b, path, { range });
      expect(whole.status, range).toBe(200);
      expect(whole.body.length).toBe(size);
    }

    const beyond = await fetchMedia(api, b, path, { range: `bytes=${size}-` });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get("content-range")).toBe(`bytes */${size}`);
  });

  it("serves a JPEG poster frame of the picture", async () => {
    const poster = await fetchMedia(api, b, `/api/media/messages/${messageId}/poster`);
    expect(poster.status).toBe(200);
    expect(poster.headers.get("content-type")).toBe("image/jpeg");
    expect([...poster.body.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    expect(poster.body.length).toBeGreaterThan(1000);
  });

  it("is Not found, with the same answer, for anyone else and any other id", async () => {
    const stranger = await api.signUp("Cy");
    const notFound = await fetchMedia(api, stranger, `/api/media/messages/${randomUUID()}`);
    expect(notFound.status).toBe(404);
    for (const path of [
      `/api/media/messages/${messageId}`,
      `/api/media/messages/${messageId}/poster`,
      `/api/media/messages/${messageId}/other`,
      `/api/media/messages/not-an-id`,
      `/api/media/messages/${randomUUID()}/poster`,
    ]) {
      for (const method of ["GET", "HEAD"] as const) {
        const res = await fetchMedia(api, stranger, path, { method, range: "bytes=0-10" });
        expect(res.status, `${method} ${path}`).toBe(404);
        expect(res.headers.get("content-type")).toBe(notFound.headers.get("content-type"));
        if (method === "GET") expect(res.body.toString()).toBe(notFound.body.toString());
      }
    }
    expect((await fetchMedia(api, null, `/api/media/messages/${messageId}`)).status).toBe(401);
  });
});

describe("a voicemail", () => {
  it("gets waveform peaks and no poster; with no transcription service its transcript is 'none'", async () => {
    const { a, b, messageId } = await begun(api, "audio");
    expect((await api.upload(a, messageId, fx.audio, { filetype: "audio/webm;codecs=opus", deferLength: true, chunkSize: 16 * 1024 })).status).toBe(204);
    await api.waitForMessage(messageId, "ready");
    const [received] = await api.as(b).messages.list.query({});
    expect(received).toMatchObject({ id: messageId, kind: "voicemail", posterUrl: null, transcriptStatus: "none" });
    expect(received?.durationMs).toBeGreaterThanOrEqual(4500);
    expect(received?.durationMs).toBeLessThanOrEqual(5500);
    const waveform = received?.waveform ?? [];
    expect(waveform).toHaveLength(48);
    expect(Math.max(...waveform)).toBe(1);
    // a steady tone: every bar is loud
    expect(Math.min(...waveform)).toBeGreaterThan(0.5);
    const media = await fetchMedia(api, b, `/api/media/messages/${messageId}`);
    expect(media.status).toBe(200);
    expect(media.headers.get("content-type")).toBe("audio/webm");
    expect((await fetchMedia(api, b, `/api/media/messages/${messageId}/poster`)).status).toBe(404);
  });
});

describe("when the jobs cannot finish", () => {
  it("a transcription service that fails leaves the message delivered, with its transcript 'failed'", async () => {
    // a port nobody listens on: every transcription attempt fails to connect
    const dead = await startTestApi({ transcriberUrl: "http://127.0.0.1:9" });
    try {
      const { a, b, messageId } = await begun(dead);
      expect((await dead.upload(a, messageId, fx.video)).status).toBe(204);
      await dead.waitForMessage(messageId, "ready");
      const [received] = await dead.as(b).messages.list.query({});
      expect(received).toMatchObject({ id: messageId, transcriptStatus: "failed" });
      expect((await fetchMedia(dead, b, `/api/media/messages/${messageId}`)).status).toBe(200);
    } finally {
      await dead.close();
    }
  });

  it("a recording that cannot be remuxed is retried, then failed: the sender sees it failed, the recipient nothing", async () => {
    const paused = await startTestApi({ jobsPaused: true });
    try {
      const { a, b, messageId } = await begun(paused);
      const result = await paused.upload(a, messageId, fx.video);
      expect(result.status).toBe(204);
      await paused.waitForMessage(messageId, "processing");
      // the upload's bytes are lost before the job runs
      await rm(uploadFiles(paused.media.uploadDir, result.location?.split("/").pop() ?? "").data);
      await paused.startJobs();
      // three attempts a second apart
      await paused.waitForMessage(messageId, "failed", 30_000);
      expect(await paused.as(b).messages.list.query({})).toEqual([]);
      expect((await fetchMedia(paused, b, `/api/media/messages/${messageId}`)).status).toBe(404);
      const [sent] = await paused.as(a).messages.list.query({});
      expect(sent).toMatchObject({ id: messageId, direction: "sent" });
    } finally {
      await paused.close();
    }
  });
});

const transcriberUrl = inject("transcriberUrl");

describe.skipIf(!transcriberUrl)("with the speech-to-text worker", () => {
  it("a spoken message gets its final transcript, word by word, inside the recording's time", async () => {
    const withWorker = await startTestApi({ transcriberUrl });
    try {
      const said = "Please call me back about dinner tonight. The train leaves at seven.";
      const wav = join(fx.dir, "said.wav");
      await speakToWav(said, wav);
      const video = join(fx.dir, "said.webm");
      await speakingVideo(wav, video);
      const { a, b, messageId } = await begun(withWorker);
      expect((await withWorker.upload(a, messageId, video, { deferLength: true, chunkSize: 64 * 1024 })).status).toBe(204);
      const ready = await withWorker.waitForMessage(messageId, "ready", 60_000);
      const transcript = await withWorker.as(b).messages.transcript.query({ messageId });
      expect(transcript.status).toBe("ready");
      const text = transcript.segments.map((s) => s.text).join(" ");
      expect(wordErrorRate(said, text), text).toBeLessThanOrEqual(0.2);
      const words = transcript.segments.flatMap((s) => s.words);
      expect(words.length).toBeGreaterThanOrEqual(8);
      for (const w of words) {
        expect(w.startMs).toBeLessThanOrEqual(w.endMs);
        expect(w.endMs).toBeLessThanOrEqual((ready?.durationMs ?? 0) + 500);
      }
      // found by the words in it
      const hits = await withWorker.as(b).messages.search.query({ q: "dinner" });
      expect(hits.map((h) => h.message.id)).toContain(messageId);
    } finally {
      await withWorker.close();
    }
  }, 90_000);
});
