import { randomUUID } from "node:crypto";
import { open, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LIBRARY_LIMITS } from "@ringback/core/library";
import { getLibraryItem, updateLibraryItem } from "@ringback/db/queries/library";
import { failure, startTestApi, type TestApi, type TestUser } from "../testing/harness";
import { containerDuration, record } from "../testing/media-fixtures";
import type { LocalStorage } from "../media/local-storage";
import { HOSTILE_STRINGS } from "../testing/hostile";
import { unreadableReason } from "../testing/raw-call";
import { tusRequest } from "../testing/tus-client";
import type { MediaStorage } from "../media/storage";
import { createLogger } from "../logger";
import { recordingUploadDir, recordingUploadFiles } from "./recording-files";
import { processRecording } from "./recording-jobs";
import { libraryPrefix } from "./views";
import { allowRecording, createRecordingUpload, liveCall, sendChunk, servicesOf, streamRecording, waitForItem } from "./recording-test-kit";
import { checkRecordingsOnce } from "./recording-watchdog";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";

let api: TestApi;
let dir: string;
/** 10 s of VP8 picture and Opus tone, written as MediaRecorder writes it (no duration, no cues) */
let tenSeconds: string;
beforeAll(async () => {
  api = await startTestApi();
  dir = await mkdtemp(join(tmpdir(), "ringback-recording-"));
  tenSeconds = join(dir, "ten.webm");
  await record(
    [
      "-f",
      "lavfi",
      "-i",
      "testsrc=size=320x240:rate=15:duration=10",
      "-f",
      "lavfi",
      "-i",
      "sine=f=440:duration=10",
      "-c:v",
      "libvpx",
      "-b:v",
      "300k",
      "-deadline",
      "realtime",
      "-cpu-used",
      "8",
      "-g",
      "15",
      "-c:a",
      "libopus",
    ],
    tenSeconds,
  );
});
afterAll(async () => {
  await api.close();
  await rm(dir, { recursive: true, force: true });
});

const seconds = (later: number) => new Date(Date.now() + later * 1000);

/**
 * Two people who allow recording, in a live call; Ann records it. The test streams in a moment what
 * a browser streams over the recording's length, so the recording is dated as if it began a minute
 * ago (the kept file is cut at the stop, measured from the start).
 */
async function recording(): Promise<{ ann: TestUser; bo: TestUser; callId: string; recordingId: string }> {
  const ann = await api.signUp("Ann");
  const bo = await api.signUp("Bo");
  await allowRecording(api, true, ann, bo);
  const callId = await liveCall(api, ann, [bo]);
  const { recordingId } = await api.as(ann).recordings.start.mutate({ callId });
  await updateLibraryItem(api.db, recordingId, { capturedAt: seconds(-60) });
  return { ann, bo, callId, recordingId };
}

/** The stored file of a ready item, on disk. */
function storedPath(key: string | null): string {
  if (!key) throw new Error("no key");
  return (api.media.storage as LocalStorage).pathOf(key);
}

describe("a recording streamed in chunks", () => {
  it("becomes a seekable item in the recorder's Library: duration, poster, size of what is stored", async () => {
    const { ann, recordingId } = await recording();
    const hears = await api.listen(ann);
    let seenSize = 0;
    const sent = await streamRecording(api, ann, recordingId, tenSeconds, {
      chunkBytes: 40_000,
      // each chunk counts at once: the Library's usage grows as the recording arrives
      onChunk: async (offset) => {
        const row = await getLibraryItem(api.db, recordingId);
        if (row?.status === "recording") {
          expect(row.sizeBytes).toBe(offset);
          expect(row.lastActivityAt).not.toBeNull();
          seenSize = offset;
        }
      },
    });
    expect(sent.last.status).toBe(204);
    expect(seenSize).toBeGreaterThan(0);
    // the upload's end stops it (the browser finished without calling stop) and it goes to its job
    const ready = await waitForItem(api, recordingId, "ready");
    expect(ready).toMatchObject({ stopReason: "stopped", contentType: "video/webm", width: 320, height: 240, posterType: "image/jpeg" });
    expect(ready?.mediaKey).toBe(`library/${recordingId}/media.webm`);
    expect(ready?.posterKey).toBe(`library/${recordingId}/poster.jpg`);
    const media = await stat(storedPath(ready?.mediaKey ?? null));
    const poster = await stat(storedPath(ready?.posterKey ?? null));
    expect(ready?.sizeBytes).toBe(media.size + poster.size);
    // a container duration (players can seek), and the length of what was recorded
    const duration = await containerDuration(storedPath(ready?.mediaKey ?? null));
    expect(duration).toBeGreaterThan(9.5);
    expect(duration).toBeLessThan(10.6);
    expect(ready?.durationMs).toBeGreaterThan(9_500);
    expect(await cuesAtFront(storedPath(ready?.mediaKey ?? null))).toBe(true);
    expect((await hears.next("library-changed")).payload).toEqual({ itemId: recordingId, change: "ready" });
    // the upload is gone once the playable copy is stored
    expect(await readdir(recordingUploadDir(api.media.uploadDir))).not.toContain(sent.location.split("/").at(-1));
    // nothing more is taken into it
    const late = await sendChunk(api, ann, sent.location, sent.offset, new Uint8Array(10));
    expect(late).toMatchObject({ status: 409, body: "This recording has already ended" });
    hears.stop();
  });

  it("keeps nothing after the stop: a joiner without consent is never in the kept file", async () => {
    const ann = await api.signUp("Ann");
    const bo = await api.signUp("Bo");
    const cy = await api.signUp("Cy");
    await allowRecording(api, true, ann, bo);
    // Ann calls Bo and Cy; Bo answers, Cy's phone still rings
    const call = await api.as(ann).calls.start.mutate({ calleeIds: [bo.id, cy.id], kind: "video" });
    const callId = call.id;
    await api.as(bo).calls.answer.mutate({ callId, kind: "video" });
    const { recordingId } = await api.as(ann).recordings.start.mutate({ callId });
    // as if the recording began 4 s ago
    await updateLibraryItem(api.db, recordingId, { capturedAt: seconds(-4) });
    // Cy answers and asks for a token: the recording stops first
    await api.as(cy).calls.answer.mutate({ callId, kind: "video" });
    await api.as(cy).calls.join.mutate({ callId });
    expect((await getLibraryItem(api.db, recordingId))?.stopReason).toBe("joined-without-consent");
    // the browser sends everything it had, some of it made after the stop
    await streamRecording(api, ann, recordingId, tenSeconds, { chunkBytes: 60_000 });
    const ready = await waitForItem(api, recordingId, "ready");
    const kept = await containerDuration(storedPath(ready?.mediaKey ?? null));
    expect(kept).toBeGreaterThan(3.5);
    expect(kept).toBeLessThan(4.6);
    expect(ready?.durationMs).toBeLessThan(4_600);
    expect(ready?.people).toEqual([bo.id]);
  });

  it("keeps nothing that arrived more than a few seconds after the stop, whatever the file's timestamps say", async () => {
    const { ann, recordingId } = await recording();
    const size = (await stat(tenSeconds)).size;
    const half = Math.floor(size / 2);
    // half of it arrives before the stop
    const sent = await streamRecording(api, ann, recordingId, tenSeconds, { chunkBytes: 50_000, stopAfter: half, finish: false });
    await api.as(ann).recordings.stop.mutate({ recordingId });
    // the rest comes 9 s after the stop (still inside the grace): a recorder that slowed or paused its
    // timestamps would pass it off as from before the stop, and the stop is a minute after the start
    await updateLibraryItem(api.db, recordingId, { stoppedAt: seconds(-(LIBRARY_LIMITS.recordingStopArrivalMs / 1000 + 1)) });
    const handle = await open(tenSeconds, "r");
    try {
      let offset = sent.offset;
      while (offset < size) {
        const buf = Buffer.alloc(Math.min(50_000, size - offset));
        await handle.read(buf, 0, buf.byteLength, offset);
        const answer = await sendChunk(api, ann, sent.location, offset, buf, { final: offset + buf.byteLength === size });
        expect(answer.status).toBe(204);
        offset += buf.byteLength;
      }
    } finally {
      await handle.close();
    }
    expect((await getLibraryItem(api.db, recordingId))?.stopOffset).toBe(sent.offset);
    const ready = await waitForItem(api, recordingId, "ready");
    const kept = await containerDuration(storedPath(ready?.mediaKey ?? null));
    // only the first half: about 5 of the 10 s
    expect(kept).toBeGreaterThan(3);
    expect(kept).toBeLessThan(6.5);
    expect(ready?.durationMs).toBeLessThan(6_500);
  });

  it("a chunk still arriving when those few seconds are up is not kept (a recorder that trickles one long PATCH)", async () => {
    const { ann, recordingId } = await recording();
    const size = (await stat(tenSeconds)).size;
    const half = Math.floor(size / 2);
    const sent = await streamRecording(api, ann, recordingId, tenSeconds, { chunkBytes: 50_000, stopAfter: half, finish: false });
    await api.as(ann).recordings.stop.mutate({ recordingId });
    const rest = (await readFile(tenSeconds)).subarray(sent.offset);
    // one PATCH with the rest: its first part comes at once, its last part after the few seconds
    const req = request(new URL(sent.location, api.baseUrl), {
      method: "PATCH",
      headers: {
        "tus-resumable": "1.0.0",
        cookie: ann.cookie,
        "content-type": "application/offset+octet-stream",
        "upload-offset": String(sent.offset),
        "upload-length": String(size),
        "content-length": String(rest.byteLength),
      },
    });
    const answered = new Promise<number>((resolve, reject) => {
      req.on("response", (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.on("error", reject);
    });
    const first = Math.floor(rest.byteLength / 2);
    req.write(rest.subarray(0, first));
    // wait until the server has that first part on disk
    const data = recordingUploadFiles(api.media.uploadDir, sent.location.split("/").at(-1) ?? "").data;
    for (let i = 0; i < 100 && (await stat(data)).size < sent.offset + first; i += 1) await new Promise((r) => setTimeout(r, 50));
    expect((await stat(data)).size).toBe(sent.offset + first);
    // even past the grace the watchdog leaves it be while that chunk is still arriving
    await updateLibraryItem(api.db, recordingId, { stoppedAt: seconds(-(LIBRARY_LIMITS.recordingStopGraceMs / 1000 + 1)) });
    expect(await checkRecordingsOnce(servicesOf(api), new Date())).toEqual({ stopped: 0, queued: 0 });
    req.end(rest.subarray(first));
    expect(await answered).toBe(204);
    // none of that PATCH is kept: which of its bytes came in time is not known
    const ready = await waitForItem(api, recordingId, "ready");
    expect(ready?.stopOffset).toBe(sent.offset);
    const kept = await containerDuration(storedPath(ready?.mediaKey ?? null));
    expect(kept).toBeGreaterThan(3);
    expect(kept).toBeLessThan(6.5);
  });

  it("is finished with what arrived when its recorder goes quiet (a killed tab), and plays", async () => {
    const { ann, bo, recordingId } = await recording();
    const boHears = await api.listen(bo);
    const size = (await stat(tenSeconds)).size;
    const sent = await streamRecording(api, ann, recordingId, tenSeconds, { chunkBytes: 30_000, stopAfter: Math.floor(size * 0.6) });
    expect(sent.last.status).toBe(204);
    // not yet quiet for long enough
    expect(await checkRecordingsOnce(servicesOf(api), seconds(10))).toEqual({ stopped: 0, queued: 0 });
    const check = await checkRecordingsOnce(servicesOf(api), seconds(31));
    // (other tests' unfinished recordings in this database go in the same check)
    expect(check.stopped).toBeGreaterThanOrEqual(1);
    expect((await boHears.next("recording-stopped")).payload).toMatchObject({ recordingId, reason: "recorder-left", who: null });
    const ready = await waitForItem(api, recordingId, "ready");
    const duration = await containerDuration(storedPath(ready?.mediaKey ?? null));
    expect(duration).toBeGreaterThan(3);
    expect(duration).toBeLessThan(9);
    expect(ready?.durationMs).toBeGreaterThan(3_000);
    // its stop is its last chunk
    expect(ready?.stoppedAt?.getTime()).toBe(ready?.lastActivityAt?.getTime());
    boHears.stop();
  });

  it("a stopped recording whose upload never finishes is made an item once the grace is over; later chunks are refused", async () => {
    const { ann, recordingId } = await recording();
    const size = (await stat(tenSeconds)).size;
    const sent = await streamRecording(api, ann, recordingId, tenSeconds, { chunkBytes: 50_000, stopAfter: Math.floor(size / 2) });
    await api.as(ann).recordings.stop.mutate({ recordingId });
    // within the grace a chunk made before the stop still comes in
    const more = await sendChunk(api, ann, sent.location, sent.offset, new Uint8Array(0));
    expect(more.status).toBe(204);
    expect(await checkRecordingsOnce(servicesOf(api), seconds(5))).toEqual({ stopped: 0, queued: 0 });
    // as if the grace were over
    await updateLibraryItem(api.db, recordingId, { stoppedAt: seconds(-21) });
    const late = await sendChunk(api, ann, sent.location, sent.offset, new Uint8Array(100));
    expect(late).toMatchObject({ status: 409, body: "This recording has already ended" });
    expect((await checkRecordingsOnce(servicesOf(api), new Date())).queued).toBe(1);
    const ready = await waitForItem(api, recordingId, "ready");
    expect(ready?.durationMs).toBeGreaterThan(2_000);
  });

  it("past the quota: the chunk is refused with the Library's words, the recording stops, what arrived is kept", async () => {
    const size = (await stat(tenSeconds)).size;
    const small = await startTestApi({ libraryQuotaBytes: Math.floor(size * 0.7) });
    try {
      const ann = await small.signUp("Ann");
      const bo = await small.signUp("Bo");
      for (const p of [ann, bo]) await small.as(p).settings.update.mutate({ allowRecording: true });
      const callId = await liveCall(small, ann, [bo]);
      const { recordingId } = await small.as(ann).recordings.start.mutate({ callId });
      await updateLibraryItem(small.db, recordingId, { capturedAt: seconds(-60) });
      const boHears = await small.listen(bo);
      const sent = await streamRecording(small, ann, recordingId, tenSeconds, { chunkBytes: 40_000 });
      expect(sent.last.status).toBe(413);
      expect(sent.last.body).toMatch(/^Your Library is full \(.+ of .+ used\)\. Delete something to make room\.$/);
      expect(sent.offset).toBeGreaterThan(0);
      expect((await boHears.next("recording-stopped")).payload).toMatchObject({ recordingId, reason: "quota" });
      // the browser ends the upload with what the server took
      const end = await sendChunk(small, ann, sent.location, sent.offset, new Uint8Array(0), { final: true });
      expect(end.status).toBe(204);
      const ready = await waitForItem(small, recordingId, "ready");
      expect(ready?.durationMs).toBeGreaterThan(2_000);
      expect(ready?.durationMs).toBeLessThan(9_000);
      expect(await containerDuration((small.media.storage as LocalStorage).pathOf(ready?.mediaKey ?? ""))).toBeGreaterThan(2);
      // what arrived fit the quota (the stored file and its poster are what it holds now)
      expect(sent.offset).toBeLessThanOrEqual(Math.floor(size * 0.7));
      expect(ready?.sizeBytes).toBeGreaterThan(sent.offset * 0.9);
      boHears.stop();
    } finally {
      await small.close();
    }
  });
});

describe("a recording's upload is the recorder's alone", () => {
  it("anyone else, any made-up id and anyone signed out get Not found or Please sign in", async () => {
    const { ann, bo, recordingId } = await recording();
    // Bo is in the call, but it is not his recording
    expect(await createRecordingUpload(api, bo, recordingId)).toMatchObject({ status: 404, body: "Not found" });
    expect(await createRecordingUpload(api, ann, randomUUID())).toMatchObject({ status: 404, body: "Not found" });
    expect(await createRecordingUpload(api, ann, "../../etc/passwd")).toMatchObject({ status: 404, body: "Not found" });
    expect(await createRecordingUpload(api, null, recordingId)).toMatchObject({ status: 401, body: "Please sign in" });

    const created = await createRecordingUpload(api, ann, recordingId);
    expect(created.status).toBe(201);
    const location = created.headers.get("location") ?? "";
    expect(location).toMatch(/^\/api\/library\/uploads\/[0-9a-f]{32}$/);
    for (const method of ["HEAD", "PATCH", "DELETE"] as const) {
      const answer = await tusRequest(api.baseUrl, bo.cookie, method, location, {
        headers: { "content-type": "application/offset+octet-stream", "upload-offset": "0" },
        body: method === "PATCH" ? new Uint8Array(10) : undefined,
      });
      expect(answer.status).toBe(404);
    }
    // nothing of Bo's attempts reached it
    expect((await getLibraryItem(api.db, recordingId))?.sizeBytes).toBe(0);
    expect((await tusRequest(api.baseUrl, ann.cookie, "GET", location)).status).toBe(404);
    expect((await tusRequest(api.baseUrl, ann.cookie, "HEAD", `/api/library/uploads/${"0".repeat(32)}`)).status).toBe(404);
    expect((await tusRequest(api.baseUrl, ann.cookie, "PATCH", "/api/library/uploads/nope", { headers: { "content-type": "application/offset+octet-stream", "upload-offset": "0" }, body: new Uint8Array(1) })).status).toBe(404);
    // a second upload for a recording that already has bytes is refused
    await sendChunk(api, ann, location, 0, new Uint8Array(100));
    expect(await createRecordingUpload(api, ann, recordingId)).toMatchObject({ status: 409, body: "This recording is already being uploaded" });
  });

  it("refuses a type no recording has, and a recording of someone else's call is not startable", async () => {
    const { ann, recordingId } = await recording();
    expect(await createRecordingUpload(api, ann, recordingId, { filetype: "text/html" })).toMatchObject({ status: 415, body: "That file is not a playable recording" });
    const eve = await api.signUp("Eve");
    expect((await failure(api.as(eve).recordings.start.mutate({ callId: randomUUID() }))).status).toBe(404);
  });

  it("something that is not a recording fails, with its files gone and the owner told", async () => {
    const { ann, recordingId } = await recording();
    const hears = await api.listen(ann);
    const text = join(dir, "text.webm");
    await writeFile(text, "Not a recording, just words about dinner.\n".repeat(50));
    await streamRecording(api, ann, recordingId, text, { chunkBytes: 1000 });
    const failed = await waitForItem(api, recordingId, "failed");
    expect(failed).toMatchObject({ sizeBytes: 0, mediaKey: null, posterKey: null });
    expect((await hears.next("library-changed")).payload).toEqual({ itemId: recordingId, change: "failed" });
    expect(await api.media.storage.stat(`library/${recordingId}/media.webm`)).toBeNull();
    expect(await readdir(recordingUploadDir(api.media.uploadDir))).not.toContain(failed?.uploadId);
    hears.stop();
  });

  it("an empty recording (stopped before a byte arrived) fails", async () => {
    const { ann, recordingId } = await recording();
    await api.as(ann).recordings.stop.mutate({ recordingId });
    await updateLibraryItem(api.db, recordingId, { stoppedAt: seconds(-21) });
    await checkRecordingsOnce(servicesOf(api), new Date());
    await waitForItem(api, recordingId, "failed");
  });

  it("the recorder throws it away (tus termination): it stops, and the item goes with its files", async () => {
    const { ann, bo, recordingId } = await recording();
    const boHears = await api.listen(bo);
    const sent = await streamRecording(api, ann, recordingId, tenSeconds, { chunkBytes: 50_000, stopAfter: 100_000 });
    const gone = await tusRequest(api.baseUrl, ann.cookie, "DELETE", sent.location);
    expect(gone.status).toBe(204);
    expect((await boHears.next("recording-stopped")).payload).toMatchObject({ recordingId, reason: "stopped" });
    expect(await getLibraryItem(api.db, recordingId)).toBeNull();
    expect(await readdir(recordingUploadDir(api.media.uploadDir))).not.toContain(sent.location.split("/").at(-1));
    boHears.stop();
  });
});

describe("deleting a recording removes everything of it", () => {
  it("stopped and still in its grace (or processing): the raw upload goes with the item; later chunks are Not found", async () => {
    const { ann, recordingId } = await recording();
    const sent = await streamRecording(api, ann, recordingId, tenSeconds, { chunkBytes: 50_000, stopAfter: 150_000, finish: false });
    await api.as(ann).recordings.stop.mutate({ recordingId });
    const uploadId = sent.location.split("/").at(-1) ?? "";
    const onDisk = async () => (await readdir(recordingUploadDir(api.media.uploadDir))).filter((n) => n.startsWith(uploadId));
    expect(await onDisk()).toEqual([uploadId, `${uploadId}.json`].sort());
    expect(await api.as(ann).library.delete.mutate({ itemId: recordingId })).toEqual({ ok: true });
    expect(await getLibraryItem(api.db, recordingId)).toBeNull();
    // everything streamed (also what came after the stop, which the kept file would have cut) is gone
    expect(await onDisk()).toEqual([]);
    const late = await sendChunk(api, ann, sent.location, sent.offset, new Uint8Array(100));
    expect(late.status).toBe(404);
    expect(await onDisk()).toEqual([]);
  });

  it("deleted while its job stores the result: the job removes what it stored and the upload", async () => {
    const { ann, recordingId } = await recording();
    const sent = await streamRecording(api, ann, recordingId, tenSeconds, { chunkBytes: 60_000, finish: false });
    await api.as(ann).recordings.stop.mutate({ recordingId });
    const uploadId = sent.location.split("/").at(-1) ?? "";
    // the owner's delete lands just as the job stores the kept file (its row goes; the files it
    // removed were not there yet)
    const real = api.media.storage;
    const storage: MediaStorage = {
      putFile: async (key, from) => {
        await api.as(ann).library.delete.mutate({ itemId: recordingId }).catch(() => {});
        return real.putFile(key, from);
      },
      read: (key, range) => real.read(key, range),
      stat: (key) => real.stat(key),
      copy: (from, to) => real.copy(from, to),
      delete: (key) => real.delete(key),
      deletePrefix: (prefix) => real.deletePrefix(prefix),
    };
    const services = { ...servicesOf(api), media: { ...api.media, storage } };
    expect(await processRecording(services, recordingId, createLogger("silent"))).toBe("skipped");
    expect(await getLibraryItem(api.db, recordingId)).toBeNull();
    expect(await real.stat(`${libraryPrefix(recordingId)}media.webm`)).toBeNull();
    expect(await real.stat(`${libraryPrefix(recordingId)}poster.jpg`)).toBeNull();
    expect((await readdir(recordingUploadDir(api.media.uploadDir))).filter((n) => n.startsWith(uploadId))).toEqual([]);
  });
});

describe("hostile requests to the recording upload route", () => {
  it("never answer 5xx, and every refusal is readable", async () => {
    const { ann, recordingId } = await recording();
    const created = await createRecordingUpload(api, ann, recordingId);
    const location = created.headers.get("location") ?? "";
    const b64 = (v: string) => Buffer.from(v).toString("base64");
    const posts: Array<Record<string, string>> = [
      {},
      { "upload-defer-length": "1" },
      { "upload-defer-length": "1", "upload-metadata": "recordingId" },
      { "upload-defer-length": "1", "upload-metadata": "recordingId !!!notbase64" },
      { "upload-defer-length": "1", "upload-metadata": `recordingId ${b64(recordingId)},recordingId ${b64(recordingId)}` },
      { "upload-length": "-1", "upload-metadata": `recordingId ${b64(recordingId)}` },
      { "upload-length": "abc", "upload-metadata": `recordingId ${b64(recordingId)}` },
      { "upload-length": "99999999999999999999", "upload-metadata": `recordingId ${b64(recordingId)},filetype ${b64("video/webm")}` },
      { "upload-length": "10", "upload-defer-length": "1", "upload-metadata": `recordingId ${b64(recordingId)}` },
      ...HOSTILE_STRINGS.map((v) => ({ "upload-defer-length": "1", "upload-metadata": `recordingId ${b64(v)},filetype ${b64(v)}` })),
    ];
    const answers: Array<{ what: string; status: number; body: string }> = [];
    for (const headers of posts) {
      const a = await tusRequest(api.baseUrl, ann.cookie, "POST", "/api/library/uploads", { headers });
      answers.push({ what: `POST ${JSON.stringify(headers).slice(0, 80)}`, status: a.status, body: a.body });
    }
    const patches: Array<{ headers: Record<string, string>; body?: Uint8Array }> = [
      { headers: { "content-type": "application/offset+octet-stream", "upload-offset": "-1" }, body: new Uint8Array(5) },
      { headers: { "content-type": "application/offset+octet-stream", "upload-offset": "abc" }, body: new Uint8Array(5) },
      { headers: { "content-type": "application/offset+octet-stream", "upload-offset": "99999999999999999999" }, body: new Uint8Array(5) },
      { headers: { "content-type": "text/plain", "upload-offset": "0" }, body: new Uint8Array(5) },
      { headers: { "content-type": "application/offset+octet-stream" }, body: new Uint8Array(5) },
      { headers: { "content-type": "application/offset+octet-stream", "upload-offset": "0", "upload-length": "-5" }, body: new Uint8Array(5) },
      { headers: { "content-type": "application/offset+octet-stream", "upload-offset": "0", "upload-length": "99999999999999999999" }, body: new Uint8Array(5) },
      { headers: { "content-type": "application/offset+octet-stream", "upload-offset": "0", "upload-length": "2" }, body: new Uint8Array(5) },
    ];
    for (const { headers, body } of patches) {
      const a = await tusRequest(api.baseUrl, ann.cookie, "PATCH", location, { headers, body });
      answers.push({ what: `PATCH ${JSON.stringify(headers).slice(0, 100)}`, status: a.status, body: a.body });
    }
    for (const path of ["/api/library/uploads/..%2F..%2Fetc", "/api/library/uploads/%00", `/api/library/uploads/${"f".repeat(32)}/x`, "/api/library/uploads//"]) {
      for (const method of ["HEAD", "PATCH", "DELETE"] as const) {
        const a = await tusRequest(api.baseUrl, ann.cookie, method, path, { headers: { "content-type": "application/offset+octet-stream", "upload-offset": "0" }, body: method === "PATCH" ? new Uint8Array(3) : undefined });
        answers.push({ what: `${method} ${path}`, status: a.status, body: method === "HEAD" ? "(no body)" : a.body });
      }
    }
    if (process.env.SHOW_ANSWERS) console.log(answers.map((a) => `${a.status} ${a.what} -> ${a.body}`).join("\n"));
    const bad = answers.filter((a) => a.status >= 500 || (a.status >= 400 && unreadableReason(a.body) !== null));
    expect(bad).toEqual([]);
    // a part longer than the length it declares is not a full Library
    expect(answers.find((a) => a.what.includes('"upload-length":"2"'))).toMatchObject({ status: 413, body: "This part goes past the end of the recording" });
    // and the recording is as it was: nothing of all that arrived in it
    expect((await getLibraryItem(api.db, recordingId))?.sizeBytes).toBe(0);
  });
});

/** Whether a WebM's cues come before its first cluster (a player can seek without reading it all). */
async function cuesAtFront(path: string): Promise<boolean> {
  const { readFile } = await import("node:fs/promises");
  const bytes = await readFile(path);
  const cues = bytes.indexOf(Buffer.from([0x1c, 0x53, 0xbb, 0x6b]));
  const cluster = bytes.indexOf(Buffer.from([0x1f, 0x43, 0xb6, 0x75]));
  return cues > 0 && cues < cluster;
}
