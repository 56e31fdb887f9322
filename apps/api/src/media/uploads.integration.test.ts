import { randomUUID } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import { request } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deleteMessageRow, getMessage } from "@ringback/db/queries/messages";
import { startTestApi, type TestApi, type TestUser } from "../testing/harness";
import { makeMediaFixtures, record, type MediaFixtures } from "../testing/media-fixtures";
import { tusMetadata } from "../testing/tus-client";

// uploads over 1 MB are refused in this file, so "too big" needs no big file
const MAX_BYTES = 1024 * 1024;
let api: TestApi;
let fx: MediaFixtures;
beforeAll(async () => {
  [api, fx] = await Promise.all([startTestApi({ maxUploadBytes: MAX_BYTES }), makeMediaFixtures()]);
});
afterAll(async () => {
  await api.close();
  await fx.remove();
});

const later = (seconds: number) => new Date(Date.now() + seconds * 1000);

/** Ann video-calls Bo (who has her as a contact); nobody answers; she begins a message. */
async function begun(kind: "video" | "audio" = "video") {
  const a = await api.signUp("Ann");
  const b = await api.signUp("Bo");
  await api.as(b).contacts.add.mutate({ userId: a.id });
  const call = await api.as(a).calls.start.mutate({ calleeIds: [b.id], kind });
  await api.sweepAt(later(61));
  const { messageId } = await api.as(a).messages.begin.mutate({ callId: call.id });
  return { a, b, messageId };
}

/** Everything stored for a message or an upload: its row, its upload files, its storage folder. */
async function leftovers(messageId: string, location: string | null): Promise<string[]> {
  const left: string[] = [];
  if (await getMessage(api.db, messageId)) left.push(`message row ${messageId}`);
  const uploadId = location?.split("/").pop();
  const uploads = await readdir(api.media.uploadDir).catch(() => [] as string[]);
  if (uploadId) left.push(...uploads.filter((n) => n.startsWith(uploadId)).map((n) => `upload file ${n}`));
  const folder = join(api.media.uploadDir, "..", "store", "messages", messageId);
  if (await stat(folder).catch(() => null)) left.push(`storage folder ${folder}`);
  return left;
}

describe("uploads: who may upload", () => {
  it("needs a session, and a message of the uploader's own", async () => {
    const { a, b, messageId } = await begun();
    expect(await api.upload(null, messageId, fx.video)).toMatchObject({ status: 401, body: "Please sign in" });
    // the recipient, a stranger, and an id that names nothing all get the same answer
    const stranger = await api.signUp("Cy");
    for (const [who, id] of [
      [b, messageId],
      [stranger, messageId],
      [a, randomUUID()],
      [a, "not-a-uuid"],
    ] as Array<[TestUser, string]>) {
      expect(await api.upload(who, id, fx.video)).toMatchObject({ status: 404, body: "Not found", location: null });
    }
    // nothing of theirs touched Ann's message: she can still send it
    expect(await api.upload(a, messageId, fx.video)).toMatchObject({ status: 204 });
    await api.waitForMessage(messageId, "ready");
  });

  it("someone else's upload is Not found for HEAD, PATCH, DELETE and GET; the sender's resumes untouched", async () => {
    const { a, b, messageId } = await begun();
    const partial = await api.upload(a, messageId, fx.video, { stopAfter: 40_000, chunkSize: 40_000 });
    expect(partial).toMatchObject({ status: 204, offset: 40_000 });
    const location = partial.location ?? "";
    expect(location).toMatch(/^\/api\/uploads\/[0-9a-f]{32}$/);
    const stranger = await api.signUp("Cy");
    for (const who of [b, stranger]) {
      expect(await api.tus(who, "HEAD", location)).toMatchObject({ status: 404 });
      const patch = await api.tus(who, "PATCH", location, {
        headers: { "content-type": "application/offset+octet-stream", "upload-offset": "40000" },
        body: new Uint8Array(1000),
      });
      expect(patch).toMatchObject({ status: 404, body: "Not found" });
      expect(await api.tus(who, "DELETE", location)).toMatchObject({ status: 404, body: "Not found" });
      expect(await api.tus(who, "GET", location)).toMatchObject({ status: 404 });
    }
    expect(await api.tus(null, "HEAD", location)).toMatchObject({ status: 401 });
    // the sender's upload is where it was
    const head = await api.tus(a, "HEAD", location);
    expect(head.status).toBe(200);
    expect(head.headers.get("upload-offset")).toBe("40000");
    // and uploads are never served back through their upload URL, not even to the sender
    expect(await api.tus(a, "GET", location)).toMatchObject({ status: 404 });
  });

  it("refuses a declared type that does not fit the message, and keeps nothing", async () => {
    const { a, messageId } = await begun();
    const result = await api.upload(a, messageId, fx.video, { filetype: "application/pdf" });
    expect(result).toMatchObject({ status: 415, body: "That file type can't be sent as a message" });
    expect(await leftovers(messageId, result.location)).toEqual([]);
  });

  it("refuses a second upload for a message already sent", async () => {
    const { a, messageId } = await begun();
    expect((await api.upload(a, messageId, fx.video)).status).toBe(204);
    expect(await api.upload(a, messageId, fx.video)).toMatchObject({ status: 409, body: "This message was already sent" });
    await api.waitForMessage(messageId, "ready");
  });
});

describe("uploads: refused recordings leave nothing", () => {
  it("too big, declared up front: 413 with the limit in words", async () => {
    const { a, messageId } = await begun();
    const big = new Uint8Array(MAX_BYTES + 1);
    const result = await api.upload(a, messageId, big);
    expect(result).toMatchObject({ status: 413, body: "Messages can be at most 1 MB" });
    expect(await leftovers(messageId, result.location)).toEqual([]);
  });

  it("too big while streaming (length unknown until the end): 413 mid-upload", async () => {
    const { a, messageId } = await begun();
    const big = new Uint8Array(MAX_BYTES + 300_000);
    const result = await api.upload(a, messageId, big, { deferLength: true, chunkSize: 256 * 1024 });
    expect(result).toMatchObject({ status: 413, body: "Messages can be at most 1 MB" });
    expect(result.location).not.toBeNull();
    expect(await leftovers(messageId, result.location)).toEqual([]);
  });

  it("a text file named .webm: 415 'not a playable recording'", async () => {
    const { a, messageId } = await begun();
    const result = await api.upload(a, messageId, fx.text);
    expect(result).toMatchObject({ status: 415, body: "That file is not a playable recording" });
    expect(await leftovers(messageId, result.location)).toEqual([]);
  });

  it("a playlist pointing at a file on the server (HLS): 415, and the file is never read", async () => {
    const { a, messageId } = await begun();
    const segment = join(fx.dir, "secret.ts");
    await record(["-i", fx.video, "-c:v", "mpeg2video", "-c:a", "mp2"], segment, "mpegts");
    const playlist = `#EXTM3U\n#EXT-X-TARGETDURATION:5\n#EXTINF:5.0,\n${segment}\n#EXT-X-ENDLIST\n`;
    const result = await api.upload(a, messageId, Buffer.from(playlist));
    expect(result).toMatchObject({ status: 415, body: "That file is not a playable recording" });
    expect(await leftovers(messageId, result.location)).toEqual([]);
  });

  it("the wrong kind: a video message without a picture, a voicemail without sound", async () => {
    const video = await begun("video");
    const soundOnly = await api.upload(video.a, video.messageId, fx.audio);
    expect(soundOnly).toMatchObject({ status: 415, body: "That file is not a playable recording" });
    expect(await leftovers(video.messageId, soundOnly.location)).toEqual([]);

    const voicemail = await begun("audio");
    const pictureOnly = await api.upload(voicemail.a, voicemail.messageId, fx.silentVideo, { filetype: "video/webm" });
    expect(pictureOnly).toMatchObject({ status: 415, body: "That file is not a playable recording" });
    expect(await leftovers(voicemail.messageId, pictureOnly.location)).toEqual([]);
  });

  it("longer than 3 minutes (and the grace): 422", async () => {
    const { a, messageId } = await begun();
    const result = await api.upload(a, messageId, fx.tooLong, { deferLength: true, chunkSize: 16 * 1024 });
    expect(result).toMatchObject({ status: 422, body: "Messages can be at most 3 minutes" });
    expect(await leftovers(messageId, result.location)).toEqual([]);
  });

  it("cut off in the middle (the file ends inside a packet): 422 damaged", async () => {
    const { a, messageId } = await begun();
    const result = await api.upload(a, messageId, fx.damaged);
    expect(result).toMatchObject({ status: 422, body: "That recording is damaged" });
    expect(await leftovers(messageId, result.location)).toEqual([]);
  });

  it("the sender terminates an unfinished upload (tus DELETE): the message goes too", async () => {
    const { a, messageId } = await begun();
    const partial = await api.upload(a, messageId, fx.video, { stopAfter: 50_000, deferLength: true });
    expect(partial).toMatchObject({ status: 204, offset: 50_000 });
    expect(await api.tus(a, "DELETE", partial.location ?? "")).toMatchObject({ status: 204 });
    expect(await leftovers(messageId, partial.location)).toEqual([]);
    expect(await api.tus(a, "HEAD", partial.location ?? "")).toMatchObject({ status: 404 });
  });

  it("an upload left incomplete is swept with its message once it is abandoned", async () => {
    const { a, b, messageId } = await begun();
    const partial = await api.upload(a, messageId, fx.video, { stopAfter: 30_000, deferLength: true });
    expect(partial).toMatchObject({ status: 204, offset: 30_000 });
    // the recipient never sees an unfinished message
    expect(await api.as(b).messages.list.query({})).toEqual([]);
    // not yet abandoned: the row and the upload's two files stay
    await api.sweepMediaAt(later(60));
    expect(await leftovers(messageId, partial.location)).toHaveLength(3);
    // (other tests' unfinished messages in this database go in the same sweep)
    const swept = await api.sweepMediaAt(later(31 * 60));
    expect(swept.messages).toBeGreaterThanOrEqual(1);
    expect(await leftovers(messageId, partial.location)).toEqual([]);
    expect(await api.tus(a, "HEAD", partial.location ?? "")).toMatchObject({ status: 404 });
  });

  it("upload files nobody owns are removed once they are as old as an abandoned upload", async () => {
    const { a, messageId } = await begun();
    const partial = await api.upload(a, messageId, fx.video, { stopAfter: 20_000, deferLength: true });
    const uploadId = partial.location?.split("/").pop() ?? "";
    // the message goes without its files (as after a crash between the two)
    await deleteMessageRow(api.db, messageId);
    await api.sweepMediaAt(later(60));
    expect((await readdir(api.media.uploadDir)).filter((n) => n.startsWith(uploadId))).toHaveLength(2);
    expect((await api.sweepMediaAt(later(31 * 60))).uploads).toBeGreaterThanOrEqual(1);
    expect((await readdir(api.media.uploadDir)).filter((n) => n.startsWith(uploadId))).toEqual([]);
  });
});

describe("uploads: resuming", () => {
  it("a PATCH cut off mid-way resumes from the server's offset to a complete message", async () => {
    const { a, b, messageId } = await begun();
    const file = await readFile(fx.video);
    const created = await api.tus(a, "POST", "/api/uploads", {
      headers: { "upload-length": String(file.length), "upload-metadata": tusMetadata({ messageId, filetype: "video/webm;codecs=vp8,opus" }) },
    });
    expect(created.status).toBe(201);
    const location = created.headers.get("location") ?? "";

    // the connection drops after 70 kB of the whole file went out
    await cutOffPatch(a, location, file, 70_000);
    const head = await api.tus(a, "HEAD", location);
    expect(head.status).toBe(200);
    const offset = Number(head.headers.get("upload-offset"));
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThanOrEqual(70_000);

    // the client asks where to go on, and sends the rest from there
    const rest = await api.tus(a, "PATCH", location, {
      headers: { "content-type": "application/offset+octet-stream", "upload-offset": String(offset) },
      body: file.subarray(offset),
    });
    expect(rest.status).toBe(204);
    expect(rest.headers.get("upload-offset")).toBe(String(file.length));
    const ready = await api.waitForMessage(messageId, "ready");
    expect(ready?.durationMs).toBeGreaterThanOrEqual(4500);
    expect(ready?.durationMs).toBeLessThanOrEqual(5500);
    expect((await api.as(b).messages.list.query({})).map((m) => m.id)).toEqual([messageId]);
  });
});

/** Sends a PATCH with the whole file's length announced, then drops the connection after `after` bytes. */
async function cutOffPatch(user: TestUser, location: string, file: Buffer, after: number): Promise<void> {
  await new Promise<void>((resolve) => {
    const req = request(new URL(location, api.baseUrl), {
      method: "PATCH",
      headers: {
        cookie: user.cookie,
        "tus-resumable": "1.0.0",
        "content-type": "application/offset+octet-stream",
        "upload-offset": "0",
        "content-length": String(file.length),
      },
    });
    req.on("error", () => resolve());
    req.on("response", (res) => {
      res.resume();
      resolve();
    });
    req.write(file.subarray(0, after), () => {
      // let the bytes reach the server before the line goes dead
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 300);
    });
  });
}
