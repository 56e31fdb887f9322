import { randomUUID } from "node:crypto";
import { access, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startTestApi, type TestApi, type TestUser } from "../testing/harness";
import { containerDuration, makeMediaFixtures, type MediaFixtures } from "../testing/media-fixtures";
import type { S3Storage } from "./s3-storage";

// The whole path of a message on S3: a real tus upload, the job that remuxes it and takes its poster,
// the files in the bucket (SeaweedFS), and playback through a redirect to a signed URL.
let api: TestApi;
let fx: MediaFixtures;
beforeAll(async () => {
  [api, fx] = await Promise.all([startTestApi({ storage: "s3" }), makeMediaFixtures()]);
});
afterAll(async () => {
  await api?.close();
  await fx?.remove();
});

const later = (seconds: number) => new Date(Date.now() + seconds * 1000);
const storage = () => api.media.storage as S3Storage;

async function begun() {
  const a = await api.signUp("Ann");
  const b = await api.signUp("Bo");
  await api.as(b).contacts.add.mutate({ userId: a.id });
  const call = await api.as(a).calls.start.mutate({ calleeIds: [b.id], kind: "video" });
  await api.sweepAt(later(61));
  const { messageId } = await api.as(a).messages.begin.mutate({ callId: call.id });
  return { a, b, messageId };
}

/** The API's answer, not followed: what a browser gets before it goes on to the store. */
async function ask(user: TestUser | null, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${api.baseUrl}${path}`, { redirect: "manual", headers: { ...(user ? { cookie: user.cookie } : {}), ...headers } });
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, location: res.headers.get("location"), cacheControl: res.headers.get("cache-control"), body };
}

describe("a video message on S3", () => {
  let a: TestUser;
  let b: TestUser;
  let messageId: string;
  let stored: Buffer;
  beforeAll(async () => {
    ({ a, b, messageId } = await begun());
    const result = await api.upload(a, messageId, fx.video, { deferLength: true, chunkSize: 64 * 1024, filetype: "video/webm;codecs=vp8,opus" });
    expect(result.status).toBe(204);
    await api.waitForMessage(messageId, "ready", 30_000);
    const chunks: Buffer[] = [];
    for await (const c of storage().read(`messages/${messageId}/media.webm`)) chunks.push(c as Buffer);
    stored = Buffer.concat(chunks);
  }, 60_000);

  it("ends up in the bucket, remuxed with a poster, and nothing of it stays on local disk", async () => {
    expect(await storage().stat(`messages/${messageId}/media.webm`)).toEqual({ size: stored.length });
    expect(await storage().stat(`messages/${messageId}/poster.jpg`)).not.toBeNull();
    // the Cues element, which the remux puts at the front so players can seek
    expect(stored.indexOf(Buffer.from([0x1c, 0x53, 0xbb, 0x6b]))).toBeGreaterThan(0);
    const [received] = await api.as(b).messages.list.query({});
    expect(received).toMatchObject({ id: messageId, mediaUrl: `/api/media/messages/${messageId}` });
    expect(received?.durationMs).toBeGreaterThan(4500);
    // the upload is removed once stored; no local store folder is ever made
    expect((await readdir(api.media.uploadDir)).filter((n) => n !== "recordings")).toEqual([]);
    await expect(access(join(api.media.uploadDir, "..", "store"))).rejects.toThrow();
  });

  it("plays: the media route redirects to a signed URL that serves the file, whole and by range", async () => {
    const answer = await ask(b, `/api/media/messages/${messageId}`);
    expect(answer.status).toBe(302);
    expect(answer.cacheControl).toBe("no-store");
    const location = answer.location ?? "";
    expect(location.startsWith(`${inject("s3").endpoint}/${inject("s3").bucket}/messages/${messageId}/media.webm?`)).toBe(true);
    expect(new URL(location).searchParams.get("X-Amz-Expires")).toBe("300");

    const whole = await fetch(location);
    expect(whole.status).toBe(200);
    expect(whole.headers.get("content-type")).toBe("video/webm");
    const bytes = Buffer.from(await whole.arrayBuffer());
    expect(bytes.equals(stored)).toBe(true);
    const copy = join(fx.dir, `${randomUUID()}.webm`);
    await writeFile(copy, bytes);
    expect(await containerDuration(copy)).toBeGreaterThan(4.5);

    // what a <video> does: the same URL with a Range, the redirect followed
    const part = await fetch(`${api.baseUrl}/api/media/messages/${messageId}`, { headers: { cookie: b.cookie, range: "bytes=0-1023" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 0-1023/${stored.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(stored.subarray(0, 1024))).toBe(true);
  });

  it("serves the poster as a JPEG through its own signed URL", async () => {
    const answer = await ask(a, `/api/media/messages/${messageId}/poster`);
    expect(answer.status).toBe(302);
    const poster = await fetch(answer.location ?? "");
    expect(poster.headers.get("content-type")).toBe("image/jpeg");
    expect(Buffer.from(await poster.arrayBuffer()).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
  });

  it("gives anyone else, and any unknown id, the same 404 as local storage, with no URL", async () => {
    const eve = await api.signUp("Eve");
    for (const [user, path] of [
      [eve, `/api/media/messages/${messageId}`],
      [eve, `/api/media/messages/${messageId}/poster`],
      [b, `/api/media/messages/${randomUUID()}`],
      [b, `/api/media/messages/${messageId}/other`],
    ] as const) {
      const answer = await ask(user, path);
      expect(answer.status, path).toBe(404);
      expect(answer.location).toBeNull();
      expect(JSON.parse(answer.body.toString())).toEqual({ error: "Not found" });
    }
    expect((await ask(null, `/api/media/messages/${messageId}`)).status).toBe(401);
  });

  it("saved to the Library: copied in the bucket, downloaded with its name, gone from it when deleted", async () => {
    const item = await api.as(b).library.saveMessage.mutate({ messageId });
    const answer = await ask(b, `/api/media/library/${item.id}/media?download=1&tz=UTC`);
    expect(answer.status).toBe(302);
    const file = await fetch(answer.location ?? "");
    expect(file.headers.get("content-disposition")).toMatch(/^attachment; filename=".+\.webm"; filename\*=UTF-8''/);
    expect(Buffer.from(await file.arrayBuffer()).equals(stored)).toBe(true);
    expect((await ask(a, `/api/media/library/${item.id}/media`)).status).toBe(404);

    // the message goes; the saved copy stays until the item goes too
    await api.as(a).messages.delete.mutate({ messageId });
    await api.waitForMessage(messageId, "gone");
    expect(await storage().stat(`messages/${messageId}/media.webm`)).toBeNull();
    expect(await storage().stat(`messages/${messageId}/poster.jpg`)).toBeNull();
    expect(await storage().stat(`library/${item.id}/media.webm`)).toEqual({ size: stored.length });
    await api.as(b).library.delete.mutate({ itemId: item.id });
    expect(await storage().stat(`library/${item.id}/media.webm`)).toBeNull();
    expect(await storage().stat(`library/${item.id}/poster.jpg`)).toBeNull();
  });
});
