import { randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getLibraryItem } from "@ringback/db/queries/library";
import { failure, startTestApi, type TestApi, type TestUser } from "../testing/harness";
import type { LocalStorage } from "../media/local-storage";
import { putItem, readyMessage } from "./library-test-kit";
import { libraryPrefix } from "./views";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

const storage = (on: TestApi) => on.media.storage as LocalStorage;

/** A GET or HEAD of a media URL, as `user`'s browser sends it. */
async function fetchMedia(on: TestApi, user: TestUser | null, path: string, opts: { method?: "GET" | "HEAD"; range?: string } = {}) {
  const res = await fetch(`${on.baseUrl}${path}`, {
    method: opts.method ?? "GET",
    headers: { ...(user ? { cookie: user.cookie } : {}), ...(opts.range ? { range: opts.range } : {}) },
  });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

/** The files stored under an item's folder (empty when the folder is gone). */
async function filesOf(on: TestApi, itemId: string): Promise<string[]> {
  try {
    return (await readdir(storage(on).pathOf(libraryPrefix(itemId)))).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
}

/** Every item folder in storage (to check that a refused save left nothing behind). */
async function allItemFolders(on: TestApi): Promise<string[]> {
  try {
    return await readdir(storage(on).pathOf("library/"));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
}

describe("saving a message to the Library", () => {
  it("copies the message into the recipient's Library, which plays it, keeps it after the message is deleted, and saves it once", async () => {
    const { a, b, messageId, media, poster, callId } = await readyMessage(api);
    const events = await api.listen(b);

    const item = await api.as(b).library.saveMessage.mutate({ messageId });
    expect(item).toMatchObject({
      kind: "saved-message",
      status: "ready",
      messageKind: "video",
      messageDirection: "received",
      callId,
      people: [{ id: a.id, displayName: a.displayName }],
      durationMs: 5000,
      transcript: "please call me back about dinner",
      stillUrl: `/api/media/library/${item.id}/still`,
      mediaUrl: `/api/media/library/${item.id}/media`,
      clipUrl: null,
      sizeBytes: media.length + poster.length,
    });
    expect((await events.next("library-changed")).payload).toEqual({ itemId: item.id, change: "added" });
    expect(await filesOf(api, item.id)).toEqual(["media.webm", "poster.jpg"]);

    // saving again (another tab, a double click) answers the same item
    expect((await api.as(b).library.saveMessage.mutate({ messageId })).id).toBe(item.id);
    expect(await api.as(b).library.savedOf.query({ messageId })).toEqual({ itemId: item.id });
    expect(await api.as(a).library.savedOf.query({ messageId })).toEqual({ itemId: null });

    // the message is deleted by its sender: the item and its own files stay, and still play
    await api.as(a).messages.delete.mutate({ messageId });
    expect(await storage(api).stat(`messages/${messageId}/message.webm`)).toBeNull();
    const kept = await api.as(b).library.get.query({ itemId: item.id });
    expect(kept.mediaUrl).toBe(item.mediaUrl);
    const whole = await fetchMedia(api, b, `/api/media/library/${item.id}/media`);
    expect(whole.status).toBe(200);
    expect(whole.headers.get("content-type")).toBe("video/webm");
    expect(whole.body.equals(media)).toBe(true);
    const still = await fetchMedia(api, b, `/api/media/library/${item.id}/still`);
    expect(still.status).toBe(200);
    expect(still.headers.get("content-type")).toBe("image/jpeg");
    expect(still.body.equals(poster)).toBe(true);
    expect((await api.as(b).library.transcript.query({ itemId: item.id })).segments[0]?.text).toBe("please call me back about dinner");
    // and saving the deleted message again still answers the item
    expect((await api.as(b).library.saveMessage.mutate({ messageId })).id).toBe(item.id);
    events.stop();
  });

  it("lets the sender keep the message they sent, named for its recipient", async () => {
    const { a, b, messageId } = await readyMessage(api);
    const item = await api.as(a).library.saveMessage.mutate({ messageId });
    expect(item).toMatchObject({ messageDirection: "sent", people: [{ id: b.id }] });
    // each person's copy is their own
    const theirs = await api.as(b).library.saveMessage.mutate({ messageId });
    expect(theirs.id).not.toBe(item.id);
    expect(await filesOf(api, theirs.id)).toEqual(["media.webm", "poster.jpg"]);
  });

  it("saves once when two tabs save at the same moment: one item, one copy of the files", async () => {
    const { b, messageId } = await readyMessage(api);
    const before = new Set(await allItemFolders(api));
    const [first, second] = await Promise.all([
      api.as(b).library.saveMessage.mutate({ messageId }),
      api.as(b).library.saveMessage.mutate({ messageId }),
    ]);
    expect(second.id).toBe(first.id);
    expect((await api.as(b).library.list.query({})).items.map((i) => i.id)).toEqual([first.id]);
    // the save that waited made no copy of its own
    expect((await allItemFolders(api)).filter((f) => !before.has(f))).toEqual([first.id]);
    expect((await api.as(b).library.usage.query()).usedBytes).toBe(first.sizeBytes);
  });

  it("keeps a voicemail as a voicemail, with no poster", async () => {
    const { a, b, messageId, media } = await readyMessage(api, ["Vi", "Wu"], { kind: "audio" });
    const item = await api.as(b).library.saveMessage.mutate({ messageId });
    expect(item).toMatchObject({ messageKind: "voicemail", people: [{ id: a.id }], sizeBytes: media.length });
    expect(item.mediaUrl).not.toBeNull();
    expect(await filesOf(api, item.id)).toEqual(["media.webm"]);
  });

  it("refuses a message that is not mine, one that is not ready and one that does not exist, leaving nothing behind", async () => {
    const { messageId } = await readyMessage(api);
    const stranger = await api.signUp("Cy");
    const before = await allItemFolders(api);

    expect(await failure(api.as(stranger).library.saveMessage.mutate({ messageId }))).toEqual({ status: 404, message: "No such message" });
    expect(await failure(api.as(stranger).library.saveMessage.mutate({ messageId: randomUUID() }))).toEqual({ status: 404, message: "No such message" });
    expect(await failure(api.as(stranger).library.saveMessage.mutate({ messageId: "nope" }))).toMatchObject({ status: 400 });

    // a message still being recorded: its sender may see it, but it is not a message yet
    const { a } = await readyMessage(api, ["Di", "Ed"]);
    const other = await api.signUp("Flo");
    await api.as(other).contacts.add.mutate({ userId: a.id });
    const call = await api.as(a).calls.start.mutate({ calleeIds: [other.id], kind: "video" });
    await api.sweepAt(new Date(Date.now() + 61_000));
    const { messageId: recording } = await api.as(a).messages.begin.mutate({ callId: call.id });
    expect(await failure(api.as(a).library.saveMessage.mutate({ messageId: recording }))).toEqual({ status: 409, message: "This message isn't ready to save yet" });
    // its recipient does not even know of it
    expect(await failure(api.as(other).library.saveMessage.mutate({ messageId: recording }))).toEqual({ status: 404, message: "No such message" });

    expect(await api.as(stranger).library.list.query({})).toEqual({ items: [], nextCursor: null });
    expect(await api.as(a).library.list.query({})).toEqual({ items: [], nextCursor: null });
    expect(await allItemFolders(api)).toEqual(before);
  });
});

describe("a full Library", () => {
  let small: TestApi;
  beforeAll(async () => {
    // room for one message (90 KB + 8 KB) but not two
    small = await startTestApi({ libraryQuotaBytes: 150 * 1024 });
  });
  afterAll(() => small.close());

  it("refuses a save past the quota with 413 and the readable reason, with no row and no files", async () => {
    const first = await readyMessage(small);
    const bo = first.b;
    expect((await small.as(bo).library.saveMessage.mutate({ messageId: first.messageId })).status).toBe("ready");
    // Bo now holds 98 KB of 150 KB: another 98 KB message does not fit
    const second = await readyMessage(small, ["Gus", "Bo"], { to: bo });
    const before = await allItemFolders(small);

    const refused = await failure(small.as(bo).library.saveMessage.mutate({ messageId: second.messageId }));
    expect(refused).toEqual({ status: 413, message: "Your Library is full (96 KB of 150 KB used). Delete something to make room." });
    expect(await allItemFolders(small)).toEqual(before);
    expect(await small.as(bo).library.savedOf.query({ messageId: second.messageId })).toEqual({ itemId: null });
    expect((await small.as(bo).library.list.query({})).items).toHaveLength(1);
    const usage = await small.as(bo).library.usage.query();
    expect(usage).toMatchObject({ usedBytes: 98_000, quotaBytes: 150 * 1024 });

    // deleting makes room again
    const [item] = (await small.as(bo).library.list.query({})).items;
    await small.as(bo).library.delete.mutate({ itemId: item?.id ?? "" });
    expect((await small.as(bo).library.saveMessage.mutate({ messageId: second.messageId })).status).toBe("ready");
  });
});

describe("privacy: another person's Library", () => {
  it("answers 404 to everyone but the owner, for every procedure and every file of every kind", async () => {
    const { b: owner, messageId } = await readyMessage(api);
    const other = await api.signUp("Ivy");
    const saved = await api.as(owner).library.saveMessage.mutate({ messageId });
    const photo = await putItem(api, owner, "live-photo", { people: [other.id] });
    const recording = await putItem(api, owner, "recording", { people: [other.id] });

    const notFound = { status: 404, message: "No such item" };
    const ids = [saved.id, photo.row.id, recording.row.id, randomUUID()];
    for (const itemId of ids) {
      expect(await failure(api.as(other).library.get.query({ itemId }))).toEqual(notFound);
      expect(await failure(api.as(other).library.transcript.query({ itemId }))).toEqual(notFound);
      expect(await failure(api.as(other).library.delete.mutate({ itemId }))).toEqual(notFound);
      for (const file of ["still", "clip", "media", "poster", ""]) {
        for (const method of ["GET", "HEAD"] as const) {
          for (const query of ["", "?download=1"]) {
            const res = await fetchMedia(api, other, `/api/media/library/${itemId}/${file}${query}`, { method });
            expect(res.status, `${method} ${itemId}/${file}${query}`).toBe(404);
            expect(res.headers.get("content-disposition")).toBeNull();
            if (method === "GET") expect(res.body.toString()).toBe('{"error":"Not found"}');
          }
        }
      }
    }
    // signed out: please sign in
    expect((await fetchMedia(api, null, `/api/media/library/${photo.row.id}/still`)).status).toBe(401);
    // nothing of theirs shows up anywhere for the other person
    expect((await api.as(other).library.list.query({})).items).toEqual([]);
    expect(await api.as(other).library.people.query()).toEqual([]);
    expect((await api.as(other).library.usage.query()).usedBytes).toBe(0);
    expect(await api.as(other).library.savedOf.query({ messageId })).toEqual({ itemId: null });
    // and the owner still has every one of them, whole
    for (const itemId of ids.slice(0, 3)) expect((await api.as(owner).library.get.query({ itemId })).id).toBe(itemId);
    expect((await fetchMedia(api, owner, `/api/media/library/${photo.row.id}/clip`)).body.equals(photo.files["clip.webm"] ?? Buffer.alloc(0))).toBe(true);
  });
});

describe("the Library's files", () => {
  it("serves ranges, HEAD, types by kind, and downloads under a readable name", async () => {
    const owner = await api.signUp("Jo");
    const subject = await api.signUp("Kai");
    const capturedAt = new Date("2026-11-26T15:41:07Z");
    const photo = await putItem(api, owner, "live-photo", { people: [subject.id], capturedAt });
    const clip = photo.files["clip.webm"] ?? Buffer.alloc(0);
    const base = `/api/media/library/${photo.row.id}`;

    const head = await fetchMedia(api, owner, `${base}/clip`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(clip.length));
    expect(head.headers.get("accept-ranges")).toBe("bytes");
    expect(head.body.length).toBe(0);

    const part = await fetchMedia(api, owner, `${base}/clip`, { range: "bytes=100-1099" });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 100-1099/${clip.length}`);
    expect(part.headers.get("content-type")).toBe("video/webm");
    expect(part.body.equals(clip.subarray(100, 1100))).toBe(true);
    const tail = await fetchMedia(api, owner, `${base}/clip`, { range: "bytes=-500" });
    expect(tail.status).toBe(206);
    expect(tail.body.equals(clip.subarray(clip.length - 500))).toBe(true);
    const past = await fetchMedia(api, owner, `${base}/clip`, { range: `bytes=${clip.length}-` });
    expect(past.status).toBe(416);
    expect(past.headers.get("content-range")).toBe(`bytes */${clip.length}`);

    // a Live Photo has a still and a clip, no separate media file
    expect((await fetchMedia(api, owner, `${base}/media`)).status).toBe(404);
    const still = await fetchMedia(api, owner, `${base}/still`);
    expect(still.headers.get("content-type")).toBe("image/jpeg");
    expect(still.headers.get("content-disposition")).toBeNull();

    const download = await fetchMedia(api, owner, `${base}/still?download=1&tz=Europe/Berlin`);
    expect(download.status).toBe(200);
    const name = `Live Photo of ${subject.displayName} 2026-11-26 16-41.jpg`;
    expect(download.headers.get("content-disposition")).toBe(`attachment; filename="${name}"; filename*=UTF-8''${encodeURIComponent(name)}`);
    const utc = await fetchMedia(api, owner, `${base}/still?download=1&tz=Not/AZone`, { method: "HEAD" });
    expect(utc.headers.get("content-disposition")).toContain(`2026-11-26 15-41.jpg"`);

    // a recording's file only once it is ready
    const running = await putItem(api, owner, "recording", { people: [subject.id], status: "processing" });
    expect((await fetchMedia(api, owner, `/api/media/library/${running.row.id}/media`)).status).toBe(404);
    const done = await putItem(api, owner, "recording", { people: [subject.id] });
    const file = await fetchMedia(api, owner, `/api/media/library/${done.row.id}/media?download=1`);
    expect(file.body.equals(done.files["media.webm"] ?? Buffer.alloc(0))).toBe(true);
    expect(file.headers.get("content-disposition")).toMatch(new RegExp(`^attachment; filename="Recording with ${subject.displayName} \\d{4}-\\d\\d-\\d\\d \\d\\d-\\d\\d\\.webm"`));
    expect((await fetchMedia(api, owner, `/api/media/library/${done.row.id}/media`, { method: "POST" as "GET" })).status).toBe(405);
  });
});

describe("deleting", () => {
  it("removes the files from storage and the row, tells the owner's tabs, and 404s afterwards", async () => {
    const owner = await api.signUp("Lu");
    const events = await api.listen(owner);
    const photo = await putItem(api, owner, "live-photo");
    const stillPath = storage(api).pathOf(photo.row.posterKey ?? "");
    expect((await readFile(stillPath)).length).toBeGreaterThan(0);

    expect(await api.as(owner).library.delete.mutate({ itemId: photo.row.id })).toEqual({ ok: true });
    expect(await filesOf(api, photo.row.id)).toEqual([]);
    expect(await storage(api).stat(photo.row.posterKey ?? "")).toBeNull();
    expect(await storage(api).stat(photo.row.clipKey ?? "")).toBeNull();
    expect(await getLibraryItem(api.db, photo.row.id)).toBeNull();
    expect((await events.next("library-changed")).payload).toEqual({ itemId: photo.row.id, change: "deleted" });
    expect((await fetchMedia(api, owner, `/api/media/library/${photo.row.id}/still`)).status).toBe(404);
    expect(await failure(api.as(owner).library.get.query({ itemId: photo.row.id }))).toEqual({ status: 404, message: "No such item" });
    expect(await failure(api.as(owner).library.delete.mutate({ itemId: photo.row.id }))).toEqual({ status: 404, message: "No such item" });
    events.stop();
  });

  it("deletes a saved message's copy without touching the message, and a failed item; refuses a recording still running", async () => {
    const { b, messageId } = await readyMessage(api);
    const item = await api.as(b).library.saveMessage.mutate({ messageId });
    await api.as(b).library.delete.mutate({ itemId: item.id });
    expect(await filesOf(api, item.id)).toEqual([]);
    expect(await storage(api).stat(`messages/${messageId}/message.webm`)).not.toBeNull();
    expect((await api.as(b).messages.get.query({ messageId })).id).toBe(messageId);
    expect(await api.as(b).library.savedOf.query({ messageId })).toEqual({ itemId: null });

    const failed = await putItem(api, b, "recording", { status: "failed" });
    await api.as(b).library.delete.mutate({ itemId: failed.row.id });
    expect(await filesOf(api, failed.row.id)).toEqual([]);

    const running = await putItem(api, b, "recording", { status: "recording" });
    expect(await failure(api.as(b).library.delete.mutate({ itemId: running.row.id }))).toEqual({ status: 409, message: "Stop the recording before deleting it" });
    expect(await filesOf(api, running.row.id)).toEqual(["media.webm", "poster.jpg"]);
  });
});

describe("listing", () => {
  it("pages newest first without skipping items made in the same moment, filters by tab and person, and sums usage", async () => {
    const owner = await api.signUp("Mo");
    const ana = await api.signUp("Ana");
    const bo = await api.signUp("Bo");
    const t0 = Date.now() - 60 * 60_000;
    const at = (minutes: number) => new Date(t0 + minutes * 60_000);
    const same = at(30);
    const made = [
      await putItem(api, owner, "live-photo", { people: [ana.id], capturedAt: at(1) }),
      await putItem(api, owner, "recording", { people: [ana.id, bo.id], capturedAt: same }),
      await putItem(api, owner, "live-photo", { people: [bo.id], capturedAt: same }),
      await putItem(api, owner, "live-photo", { people: [ana.id], capturedAt: same }),
      await putItem(api, owner, "recording", { people: [bo.id], capturedAt: at(40), status: "processing" }),
      await putItem(api, owner, "live-photo", { people: [bo.id], capturedAt: at(50), status: "failed" }),
    ];
    // someone else's item never shows
    await putItem(api, ana, "live-photo", { people: [owner.id] });

    const expected = [...made]
      .sort((x, y) => y.row.capturedAt.getTime() - x.row.capturedAt.getTime() || (y.row.id < x.row.id ? -1 : 1))
      .map((m) => m.row.id);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 5; page++) {
      const res = await api.as(owner).library.list.query({ limit: 2, cursor });
      seen.push(...res.items.map((i) => i.id));
      if (!res.nextCursor) break;
      cursor = res.nextCursor;
    }
    expect(seen).toEqual(expected);

    const ids = async (input: Parameters<ReturnType<TestApi["as"]>["library"]["list"]["query"]>[0]) =>
      (await api.as(owner).library.list.query(input)).items.map((i) => i.id).sort();
    const of = (pick: (m: (typeof made)[number]) => boolean) => made.filter(pick).map((m) => m.row.id).sort();
    expect(await ids({ filter: "live-photo" })).toEqual(of((m) => m.row.kind === "live-photo"));
    expect(await ids({ filter: "recording" })).toEqual(of((m) => m.row.kind === "recording"));
    expect(await ids({ filter: "saved-message" })).toEqual([]);
    expect(await ids({ personId: ana.id })).toEqual(of((m) => m.row.people.includes(ana.id)));
    expect(await ids({ filter: "recording", personId: bo.id })).toEqual(of((m) => m.row.kind === "recording" && m.row.people.includes(bo.id)));
    expect(await failure(api.as(owner).library.list.query({ cursor: "not-a-cursor" }))).toEqual({ status: 400, message: "Not a valid cursor" });

    const list = await api.as(owner).library.list.query({});
    expect(list.items.find((i) => i.status === "failed")).toBeTruthy();
    expect(list.items.find((i) => i.status === "processing")?.mediaUrl).toBeNull();

    const people = await api.as(owner).library.people.query();
    expect(people.map((p) => [p.displayName, p.count])).toEqual(
      [
        [ana.displayName, 3],
        [bo.displayName, 4],
      ].sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
    );
    const usage = await api.as(owner).library.usage.query();
    const bytes = (pick: (m: (typeof made)[number]) => boolean) => made.filter(pick).reduce((n, m) => n + m.row.sizeBytes, 0);
    expect(usage.usedBytes).toBe(bytes(() => true));
    expect(usage.byKind).toEqual({ "live-photo": bytes((m) => m.row.kind === "live-photo"), recording: bytes((m) => m.row.kind === "recording"), "saved-message": 0 });
    expect(usage.byPerson.find((p) => p.person.id === bo.id)).toEqual({
      person: { id: bo.id, displayName: bo.displayName, handle: bo.handle },
      bytes: bytes((m) => m.row.people.includes(bo.id)),
      count: 4,
    });
  });
});

describe("the call history", () => {
  it("shows the Live Photos and recordings of a call to the people who were in them, and to nobody else", async () => {
    const a = await api.signUp("Nia");
    const b = await api.signUp("Oz");
    const c = await api.signUp("Pip");
    await api.as(b).contacts.add.mutate({ userId: a.id });
    await api.as(c).contacts.add.mutate({ userId: a.id });
    const call = await api.as(a).calls.start.mutate({ calleeIds: [b.id, c.id], kind: "video" });
    const photo1 = await putItem(api, a, "live-photo", { people: [b.id], callId: call.id });
    const photo2 = await putItem(api, a, "live-photo", { people: [b.id], callId: call.id });
    await putItem(api, b, "recording", { people: [a.id, c.id], callId: call.id });
    await putItem(api, b, "live-photo", { people: [a.id], callId: call.id, status: "failed" });

    const capturesOf = async (user: TestUser) => (await api.as(user).calls.history.query({ filter: "all", limit: 10 })).items.find((i) => i.id === call.id)?.captures;
    expect(await capturesOf(a)).toEqual([
      { kind: "live-photo", by: { id: a.id, displayName: a.displayName }, mine: true, count: 2, itemId: photo2.row.id },
      { kind: "recording", by: { id: b.id, displayName: b.displayName }, mine: false, count: 1, itemId: null },
    ]);
    expect(photo1.row.id).not.toBe(photo2.row.id);
    expect(await capturesOf(b)).toEqual([
      { kind: "live-photo", by: { id: a.id, displayName: a.displayName }, mine: false, count: 2, itemId: null },
      { kind: "recording", by: { id: b.id, displayName: b.displayName }, mine: true, count: 1, itemId: expect.any(String) },
    ]);
    // Pip was in the recording, not in Nia's photos of Oz
    expect(await capturesOf(c)).toEqual([{ kind: "recording", by: { id: b.id, displayName: b.displayName }, mine: false, count: 1, itemId: null }]);
    expect((await api.as(c).calls.get.query({ callId: call.id })).captures).toHaveLength(1);
  });
});
