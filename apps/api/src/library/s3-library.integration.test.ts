import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { getLibraryItem, updateLibraryItem } from "@ringback/db/queries/library";
import { createServer, type AddressInfo, type Socket } from "node:net";
import { S3Storage, STORAGE_UNAVAILABLE_MESSAGE } from "../media/s3-storage";
import type { MediaStorage } from "../media/storage";
import { startTestApi, type TestApi, type TestUser } from "../testing/harness";
import { containerDuration, record } from "../testing/media-fixtures";
import { postPhoto } from "./live-photo-test-kit";
import { allowRecording, liveCall, streamRecording, waitForItem } from "./recording-test-kit";

// The Library's own pipelines with media on S3 (the run's SeaweedFS): a Live Photo's checked files and
// a call recording's remux and poster end up in the bucket, and play through signed URLs.
let api: TestApi;
let dir: string;
/** 4 s of 640×480 VP8 and Opus as MediaRecorder writes it: a Live Photo's clip, and a short recording */
let clipPath: string;
/** a 640×480 JPEG */
let jpegPath: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ringback-s3-library-"));
  clipPath = join(dir, "clip.webm");
  jpegPath = join(dir, "still.jpg");
  // only the two files these tests send (the Library's own fixtures make a dozen)
  const picture = (frames: string[]) => ["-f", "lavfi", "-i", "testsrc=size=640x480:rate=15:duration=4", ...frames];
  [api] = await Promise.all([
    startTestApi({ storage: "s3" }),
    record([...picture([]), "-f", "lavfi", "-i", "sine=f=440:duration=4", "-c:v", "libvpx", "-b:v", "400k", "-deadline", "realtime", "-cpu-used", "8", "-c:a", "libopus"], clipPath),
    record(picture(["-frames:v", "1", "-q:v", "3"]), jpegPath, "mjpeg"),
  ]);
}, 60_000);
afterAll(async () => {
  await api?.close();
  await rm(dir, { recursive: true, force: true });
});

const storage = () => api.media.storage as S3Storage;

/** The store's answer behind a media route's redirect. */
async function viaRedirect(user: TestUser, path: string): Promise<Response> {
  const answer = await fetch(`${api.baseUrl}${path}`, { redirect: "manual", headers: { cookie: user.cookie } });
  expect(answer.status, path).toBe(302);
  const location = answer.headers.get("location") ?? "";
  expect(location.startsWith(`${inject("s3").endpoint}/`)).toBe(true);
  return fetch(location);
}

describe("the Library on S3", () => {
  it("a Live Photo: still and clip stored in the bucket, counted, and served by signed URL", async () => {
    const ana = await api.signUp("Ana");
    const ben = await api.signUp("Ben");
    const callId = await liveCall(api, ana, [ben]);
    const { itemId } = await api.as(ana).livePhotos.capture.mutate({ callId, subjectId: ben.id });
    const res = await postPhoto(api, ana, itemId, { still: jpegPath, clip: clipPath, pressOffsetMs: 2500 });
    expect(res.status, JSON.stringify(res.body)).toBe(201);

    const still = await storage().stat(`library/${itemId}/still.jpg`);
    const clip = await storage().stat(`library/${itemId}/clip.webm`);
    expect(still && clip).toBeTruthy();
    expect((await getLibraryItem(api.db, itemId))?.sizeBytes).toBe((still?.size ?? 0) + (clip?.size ?? 0));

    const stillFile = await viaRedirect(ana, `/api/media/library/${itemId}/still`);
    expect(stillFile.headers.get("content-type")).toBe("image/jpeg");
    expect(Buffer.from(await stillFile.arrayBuffer()).length).toBe(still?.size);
    const clipFile = await viaRedirect(ana, `/api/media/library/${itemId}/clip`);
    expect(clipFile.headers.get("content-type")).toBe("video/webm");
    const clipCopy = join(dir, `${randomUUID()}.webm`);
    await writeFile(clipCopy, Buffer.from(await clipFile.arrayBuffer()));
    expect(await containerDuration(clipCopy)).toBeGreaterThan(2.8);

    // only its taker gets a URL
    const other = await fetch(`${api.baseUrl}/api/media/library/${itemId}/still`, { redirect: "manual", headers: { cookie: ben.cookie } });
    expect(other.status).toBe(404);
    expect(other.headers.get("location")).toBeNull();
  });

  it("a Live Photo while the store hangs: 503 with words within the store's timeouts, the item still capturing, then taken once it is back", async () => {
    const ana = await api.signUp("Ana");
    const ben = await api.signUp("Ben");
    const callId = await liveCall(api, ana, [ben]);
    const { itemId } = await api.as(ana).livePhotos.capture.mutate({ callId, subjectId: ben.id });
    // a server that accepts connections and never answers, as the endpoint
    const sockets = new Set<Socket>();
    const hung = createServer((socket) => {
      sockets.add(socket);
    });
    await new Promise<void>((resolve) => hung.listen(0, "127.0.0.1", resolve));
    const media = api.media as { storage: MediaStorage };
    const real = media.storage;
    const s3 = inject("s3");
    media.storage = new S3Storage({
      bucket: s3.bucket,
      endpoint: `http://127.0.0.1:${(hung.address() as AddressInfo).port}`,
      region: s3.region,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      forcePathStyle: true,
      urlTtlSeconds: 60,
      timeouts: { connectMs: 500, requestMs: 1_000, idleMs: 1_000, maxAttempts: 2 },
    });
    try {
      const res = await postPhoto(api, ana, itemId, { still: jpegPath, clip: clipPath, pressOffsetMs: 2500 });
      expect(res).toMatchObject({ status: 503, body: { error: STORAGE_UNAVAILABLE_MESSAGE } });
      expect((await getLibraryItem(api.db, itemId))?.status).toBe("capturing");
    } finally {
      media.storage = real;
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => hung.close(resolve));
    }
    const again = await postPhoto(api, ana, itemId, { still: jpegPath, clip: clipPath, pressOffsetMs: 2500 });
    expect(again.status, JSON.stringify(again.body)).toBe(201);
  });

  it("a call recording: remuxed with its poster into the bucket, seekable, and removed with the item", async () => {
    const ann = await api.signUp("Ann");
    const bo = await api.signUp("Bo");
    await allowRecording(api, true, ann, bo);
    const callId = await liveCall(api, ann, [bo]);
    const { recordingId } = await api.as(ann).recordings.start.mutate({ callId });
    // begun a minute ago, so the cut at the stop keeps all four seconds streamed now
    await updateLibraryItem(api.db, recordingId, { capturedAt: new Date(Date.now() - 60_000) });
    const sent = await streamRecording(api, ann, recordingId, clipPath, { chunkBytes: 40_000 });
    expect(sent.last.status).toBe(204);
    const ready = await waitForItem(api, recordingId, "ready");
    expect(ready).toMatchObject({ mediaKey: `library/${recordingId}/media.webm`, posterKey: `library/${recordingId}/poster.jpg` });
    const stored = await storage().stat(`library/${recordingId}/media.webm`);
    const poster = await storage().stat(`library/${recordingId}/poster.jpg`);
    expect(ready?.sizeBytes).toBe((stored?.size ?? 0) + (poster?.size ?? 0));

    const file = await viaRedirect(ann, `/api/media/library/${recordingId}/media`);
    const copy = join(dir, `${randomUUID()}.webm`);
    await writeFile(copy, Buffer.from(await file.arrayBuffer()));
    const seconds = await containerDuration(copy);
    expect(seconds).toBeGreaterThan(3.5);
    expect(seconds).toBeLessThan(4.6);

    await api.as(ann).library.delete.mutate({ itemId: recordingId });
    expect(await storage().stat(`library/${recordingId}/media.webm`)).toBeNull();
    expect(await storage().stat(`library/${recordingId}/poster.jpg`)).toBeNull();
  });
});
