import { randomBytes, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { request } from "node:http";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LIBRARY_LIMITS } from "@ringback/core/library";
import { getLibraryItem, updateLibraryItem } from "@ringback/db/queries/library";
import type { LocalStorage } from "../media/local-storage";
import { probeRecording } from "../media/probe";
import { startTestApi, type TestApi, type TestUser } from "../testing/harness";
import { LIVE_PHOTO_REFUSED } from "./live-photo-media";
import { MAX_BODY_BYTES, MULTIPART_REFUSED } from "./live-photo-multipart";
import { filesUnder, liveCall, makeLivePhotoFixtures, mediaEvent, postPhoto, regionColour, type LivePhotoFixtures } from "./live-photo-test-kit";

let api: TestApi;
let fx: LivePhotoFixtures;
beforeAll(async () => {
  [api, fx] = await Promise.all([startTestApi(), makeLivePhotoFixtures()]);
}, 60_000);
afterAll(async () => {
  await api.close();
  await fx.remove();
});

const storeRoot = () => (api.media.storage as LocalStorage).pathOf(".");
const itemFolder = (itemId: string) => join(storeRoot(), "library", itemId);

/** Ana and Ben in a live video call, Ana having just pressed the shutter on Ben. */
async function pressed(target: TestApi = api): Promise<{ ana: TestUser; ben: TestUser; callId: string; itemId: string }> {
  const ana = await target.signUp("Ana");
  const ben = await target.signUp("Ben");
  const callId = await liveCall(target, ana, [ben]);
  const { itemId } = await target.as(ana).livePhotos.capture.mutate({ callId, subjectId: ben.id });
  return { ana, ben, callId, itemId };
}

/**
 * Moves the press to now: a test that sends many uploads for one press would otherwise run past the
 * time a press's files may come in (LIVE_PHOTO_UPLOAD_START_WITHIN_MS) on a slow machine.
 */
const repress = (itemId: string) => updateLibraryItem(api.db, itemId, { capturedAt: new Date() });

/** Nothing of the refused upload is kept: the item is as the press left it (or gone), no file of it anywhere. */
async function expectNothingKept(itemId: string, row: "capturing" | "gone", target: TestApi = api) {
  const item = await getLibraryItem(target.db, itemId);
  if (row === "gone") expect(item).toBeNull();
  else expect(item).toMatchObject({ status: "capturing", posterKey: null, clipKey: null, sizeBytes: 0 });
  const root = (target.media.storage as LocalStorage).pathOf(".");
  expect(existsSync(join(root, "library", itemId))).toBe(false);
  expect(await filesUnder(join(target.media.uploadDir, "live-photos"))).toEqual([]);
}

describe("POST /api/library/photos/<itemId>", () => {
  it("stores the still and the clip cut around the press, and the item is ready in the taker's Library", async () => {
    const { ana, ben, callId, itemId } = await pressed();
    const events = await api.listen(ana);
    // the press is 2.5 s into a 4 s clip: kept from 1.0 s to 4.0 s
    const res = await postPhoto(api, ana, itemId, { pressOffsetMs: 2500 }, fx);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const item = res.body.item as Record<string, unknown>;
    expect(item).toMatchObject({
      id: itemId,
      kind: "live-photo",
      status: "ready",
      callId,
      people: [{ id: ben.id, displayName: ben.displayName, handle: ben.handle }],
      width: 640,
      height: 480,
      stillUrl: `/api/media/library/${itemId}/still`,
      clipUrl: `/api/media/library/${itemId}/clip`,
    });
    expect((await events.next("library-changed")).payload).toEqual({ itemId, change: "ready" });
    events.stop();

    const row = await getLibraryItem(api.db, itemId);
    expect(row).toMatchObject({ status: "ready", posterKey: `library/${itemId}/still.jpg`, posterType: "image/jpeg", clipKey: `library/${itemId}/clip.webm`, contentType: "video/webm" });
    const still = join(itemFolder(itemId), "still.jpg");
    const clip = join(itemFolder(itemId), "clip.webm");
    expect(row?.sizeBytes).toBe((await api.media.storage.stat(`library/${itemId}/still.jpg`))!.size + (await api.media.storage.stat(`library/${itemId}/clip.webm`))!.size);
    // the still is the picture that was sent: four quadrants, red top left, blue bottom left
    const [r, g, b] = await regionColour(still, { x: 0.1, y: 0.1, w: 0.3, h: 0.3 });
    expect(r).toBeGreaterThan(200);
    expect(g + b).toBeLessThan(80);
    const [r2, g2, b2] = await regionColour(still, { x: 0.1, y: 0.6, w: 0.3, h: 0.3 });
    expect(b2).toBeGreaterThan(200);
    expect(r2 + g2).toBeLessThan(80);
    // the clip: WebM with VP8 picture and Opus sound, three seconds around the press
    const probe = await probeRecording(clip);
    expect(probe).toMatchObject({ ok: true, container: "webm", video: { codec: "vp8", width: 640, height: 480 }, audio: { codec: "opus" } });
    if (probe.ok) {
      expect(probe.durationMs).toBeGreaterThan(2_800);
      expect(probe.durationMs).toBeLessThan(3_200);
      // the item says how long its clip is: the window, which is what the file holds
      expect(row?.durationMs).toBe(3_000);
      expect(Math.abs(3_000 - probe.durationMs)).toBeLessThan(150);
    }
    expect(await filesUnder(join(api.media.uploadDir, "live-photos"))).toEqual([]);

    // done once: the same files again find no capturing item
    expect((await postPhoto(api, ana, itemId, {}, fx)).status).toBe(404);
  });

  it("takes PNG and WebP stills and an MP4 clip (kept as WebM), and a silent clip without sound", async () => {
    for (const [still, clip, ext, audio] of [
      [fx.stillPng, fx.clipMp4, "png", true],
      [fx.stillWebp, fx.clipSilent, "webp", false],
    ] as const) {
      const { ana, itemId } = await pressed();
      // the press 0.5 s in: the clip starts where the recording does
      const res = await postPhoto(api, ana, itemId, { still, clip, pressOffsetMs: 500 }, fx);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.item).toMatchObject({ status: "ready", width: 640, height: 480 });
      expect(existsSync(join(itemFolder(itemId), `still.${ext}`))).toBe(true);
      const probe = await probeRecording(join(itemFolder(itemId), "clip.webm"));
      expect(probe).toMatchObject({ ok: true, container: "webm", video: { codec: "vp8" } });
      if (probe.ok) {
        expect(probe.audio !== null).toBe(audio);
        expect(probe.durationMs).toBeGreaterThan(1_800);
        expect(probe.durationMs).toBeLessThan(2_200);
      }
    }
  });

  it("checks types by content, not by name or declared type, and keeps nothing of a refused file", async () => {
    const cases: Array<{ parts: Parameters<typeof postPhoto>[3]; status: number; message: string }> = [
      { parts: { still: fx.text }, status: 415, message: LIVE_PHOTO_REFUSED.notImage },
      // a video's bytes declared as a JPEG
      { parts: { still: fx.clip }, status: 415, message: LIVE_PHOTO_REFUSED.notImage },
      { parts: { still: fx.stillDamaged }, status: 422, message: LIVE_PHOTO_REFUSED.damagedImage },
      { parts: { clip: fx.text }, status: 415, message: LIVE_PHOTO_REFUSED.notVideo },
      { parts: { clip: fx.stillJpeg }, status: 415, message: LIVE_PHOTO_REFUSED.notVideo },
      { parts: { clip: fx.clipAudioOnly }, status: 415, message: LIVE_PHOTO_REFUSED.notVideo },
      { parts: { clip: fx.clipDamaged }, status: 422, message: LIVE_PHOTO_REFUSED.damagedClip },
      { parts: { clip: fx.clipLong }, status: 422, message: LIVE_PHOTO_REFUSED.clipTooLong },
      { parts: { pressOffsetMs: 4_900 }, status: 422, message: LIVE_PHOTO_REFUSED.pressOutsideClip },
    ];
    const { ana, itemId } = await pressed();
    for (const c of cases) {
      await repress(itemId);
      const res = await postPhoto(api, ana, itemId, c.parts, fx);
      expect({ status: res.status, body: res.body }, JSON.stringify(c.parts)).toEqual({ status: c.status, body: { error: c.message } });
      await expectNothingKept(itemId, "capturing");
    }
    // the item is still there to be finished with good files
    await repress(itemId);
    expect((await postPhoto(api, ana, itemId, {}, fx)).status).toBe(201);
  }, 120_000);

  it("refuses malformed forms with a precise 4xx", async () => {
    const { ana, itemId } = await pressed();
    const cases: Array<{ parts: Parameters<typeof postPhoto>[3]; status: number; message: string }> = [
      { parts: { clip: null }, status: 400, message: MULTIPART_REFUSED.missingFiles },
      { parts: { still: null }, status: 400, message: MULTIPART_REFUSED.missingFiles },
      { parts: { pressOffsetMs: null }, status: 400, message: MULTIPART_REFUSED.pressOffset },
      { parts: { pressOffsetMs: "-5" }, status: 400, message: MULTIPART_REFUSED.pressOffset },
      { parts: { pressOffsetMs: "1.5" }, status: 400, message: MULTIPART_REFUSED.pressOffset },
      { parts: { pressOffsetMs: LIBRARY_LIMITS.clipMaxMs + 1 }, status: 400, message: MULTIPART_REFUSED.pressOffset },
      { parts: { extra: [{ name: "poster", value: "x" }] }, status: 400, message: MULTIPART_REFUSED.unexpectedPart },
      { parts: { extra: [{ name: "still", value: new Uint8Array([1, 2, 3]) }] }, status: 400, message: MULTIPART_REFUSED.unexpectedPart },
    ];
    for (const c of cases) {
      await repress(itemId);
      const res = await postPhoto(api, ana, itemId, c.parts, fx);
      expect({ status: res.status, body: res.body }, JSON.stringify(c.parts)).toEqual({ status: c.status, body: { error: c.message } });
      await expectNothingKept(itemId, "capturing");
    }
    const notForm = await fetch(`${api.baseUrl}/api/library/photos/${itemId}`, { method: "POST", headers: { cookie: ana.cookie, "content-type": "application/json" }, body: "{}" });
    expect({ status: notForm.status, body: await notForm.json() }).toEqual({ status: 415, body: { error: MULTIPART_REFUSED.notMultipart } });
    const broken = await fetch(`${api.baseUrl}/api/library/photos/${itemId}`, {
      method: "POST",
      headers: { cookie: ana.cookie, "content-type": "multipart/form-data; boundary=xyz" },
      body: "--xyz\r\nContent-Disposition: form-data; name=\"still\"; filename=\"a\"\r\n\r\nabc",
    });
    expect(broken.status).toBe(400);
    await expectNothingKept(itemId, "capturing");
  });

  it("refuses a part over its size limit with 413, reading the body to its end, and keeps nothing", async () => {
    const { ana, itemId } = await pressed();
    const big = randomBytes(LIBRARY_LIMITS.stillMaxBytes + 1);
    const res = await postPhoto(api, ana, itemId, { still: big }, fx);
    expect(res).toEqual({ status: 413, body: { error: MULTIPART_REFUSED.tooBig("still") } });
    await expectNothingKept(itemId, "capturing");
    // a declared length past everything allowed is refused before a byte of the body is read
    const declared = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${api.baseUrl}/api/library/photos/${itemId}`, {
        method: "POST",
        headers: { cookie: ana.cookie, "content-type": "multipart/form-data; boundary=xyz", "content-length": String(MAX_BODY_BYTES + 1) },
      });
      req.on("response", (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (c: string) => (text += c));
        res.on("end", () => {
          resolve({ status: res.statusCode ?? 0, body: text });
          req.destroy();
        });
      });
      req.on("error", reject);
      req.write("--xyz\r\n");
    });
    expect(declared).toEqual({ status: 413, body: JSON.stringify({ error: MULTIPART_REFUSED.bodyTooBig }) });
    await expectNothingKept(itemId, "capturing");
  });

  it("is only for the taker's own capturing item: anyone else, any other id, and a visitor are refused", async () => {
    const { ana, ben, itemId } = await pressed();
    const outsider = await api.signUp("Outsider");
    for (const [who, id] of [
      [ben, itemId],
      [outsider, itemId],
      [ana, randomUUID()],
      [ana, "not-an-id"],
    ] as const) {
      const res = await postPhoto(api, who, id, {}, fx);
      expect(res, `${who.displayName} ${id}`).toEqual({ status: 404, body: { error: "Not found" } });
    }
    expect(await postPhoto(api, null, itemId, {}, fx)).toEqual({ status: 401, body: { error: "Please sign in" } });
    const get = await fetch(`${api.baseUrl}/api/library/photos/${itemId}`, { headers: { cookie: ana.cookie } });
    expect(get.status).toBe(405);
    await expectNothingKept(itemId, "capturing");
  });

  it("refuses the upload when the subject turned Live Photos off after the press: the item goes, nothing is kept", async () => {
    const { ana, ben, itemId } = await pressed();
    const events = await api.listen(ana);
    await api.as(ben).settings.update.mutate({ allowLivePhotos: false });
    const res = await postPhoto(api, ana, itemId, {}, fx);
    expect(res).toEqual({ status: 403, body: { error: `${ben.displayName} doesn't allow Live Photos` } });
    await expectNothingKept(itemId, "gone");
    expect((await events.next("library-changed")).payload).toEqual({ itemId, change: "deleted" });
    events.stop();
  });

  it("refuses the upload when the subject left the call after the press, and when the taker turned Live Photos off", async () => {
    {
      const { ana, ben, callId, itemId } = await pressed();
      await mediaEvent(api, callId, ben.id, "participant_left");
      const res = await postPhoto(api, ana, itemId, {}, fx);
      expect(res).toEqual({ status: 403, body: { error: `${ben.displayName} isn't in this call with you` } });
      await expectNothingKept(itemId, "gone");
    }
    {
      const { ana, itemId } = await pressed();
      await api.as(ana).settings.update.mutate({ allowLivePhotos: false });
      const res = await postPhoto(api, ana, itemId, {}, fx);
      expect(res).toEqual({ status: 403, body: { error: "Turn on Live Photos in Settings to take one" } });
      await expectNothingKept(itemId, "gone");
    }
  });

  it("decides consent again after the files arrived (the subject turned it off while they were on the way)", async () => {
    const { ana, ben, itemId } = await pressed();
    // the form's clip is sent slowly; Ben turns Live Photos off meanwhile
    const form = new FormData();
    form.append("pressOffsetMs", "2000");
    form.append("still", new Blob([new Uint8Array(await readFile(fx.stillJpeg))]), "still.jpg");
    form.append("clip", new Blob([new Uint8Array(await readFile(fx.clip))]), "clip.webm");
    const encoded = new Response(form);
    const contentType = encoded.headers.get("content-type") ?? "";
    const body = new Uint8Array(await encoded.arrayBuffer());
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(body.subarray(0, 1000));
        await new Promise((r) => setTimeout(r, 300));
        await api.as(ben).settings.update.mutate({ allowLivePhotos: false });
        controller.enqueue(body.subarray(1000));
        controller.close();
      },
    });
    const res = await fetch(`${api.baseUrl}/api/library/photos/${itemId}`, {
      method: "POST",
      headers: { cookie: ana.cookie, "content-type": contentType },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect({ status: res.status, body: await res.json() }).toEqual({ status: 403, body: { error: `${ben.displayName} doesn't allow Live Photos` } });
    await expectNothingKept(itemId, "gone");
  });

  it("finishes one of two uploads of the same photo at once; the other finds nothing", async () => {
    const { ana, itemId } = await pressed();
    const results = await Promise.all([postPhoto(api, ana, itemId, {}, fx), postPhoto(api, ana, itemId, {}, fx)]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 404]);
    expect(await getLibraryItem(api.db, itemId)).toMatchObject({ status: "ready" });
    expect(existsSync(join(itemFolder(itemId), "still.jpg"))).toBe(true);
    expect(existsSync(join(itemFolder(itemId), "clip.webm"))).toBe(true);
  });

  it("answers an unexpected failure with the generic message and a reference, and keeps no file", async () => {
    const { ana, itemId } = await pressed();
    // the still gets stored, then the clip cannot be: a folder with something in it stands where it would go
    const blocker = join(itemFolder(itemId), "clip.webm");
    await mkdir(blocker, { recursive: true });
    await writeFile(join(blocker, "in-the-way"), "x");
    const res = await postPhoto(api, ana, itemId, {}, fx);
    expect(res.status).toBe(500);
    expect(String(res.body.error)).toMatch(/^Something went wrong\. Reference: [0-9a-f]{12}$/);
    expect(await getLibraryItem(api.db, itemId)).toMatchObject({ status: "capturing", sizeBytes: 0 });
    await expectNothingKept(itemId, "capturing");
  });
});

describe("POST /api/library/photos with a nearly full Library", () => {
  let small: TestApi;
  beforeAll(async () => {
    // room for the press, not for the files
    small = await startTestApi({ libraryQuotaBytes: 20_000 });
  });
  afterAll(() => small.close());

  it("refuses files past the quota with 413 and the readable reason, keeping nothing", async () => {
    const { ana, itemId } = await pressed(small);
    const res = await postPhoto(small, ana, itemId, {}, fx);
    expect(res.status).toBe(413);
    expect(String(res.body.error)).toMatch(/^Your Library is full \(0 KB of 20 KB used\)\. Delete something to make room\.$/);
    await expectNothingKept(itemId, "capturing", small);
  });
});
