// Live Photo uploads that come late, are dropped mid-way, or announce a body far past the limit.
import { mkdtemp, readdir, readlink, rm } from "node:fs/promises";
import { createServer, request, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getLibraryItem, updateLibraryItem } from "@ringback/db/queries/library";
import { createLogger } from "../logger";
import { startTestApi, type TestApi, type TestUser } from "../testing/harness";
import { receiveLivePhotoParts, type PartsResult } from "./live-photo-multipart";
import { LIVE_PHOTO_TOO_LATE, LIVE_PHOTO_UPLOAD_START_WITHIN_MS } from "./live-photo-rules";
import { filesUnder, liveCall, makeLivePhotoFixtures, postPhoto, type LivePhotoFixtures } from "./live-photo-test-kit";

let api: TestApi;
let fx: LivePhotoFixtures;
const logLines: Array<{ level: number; msg: string }> = [];
beforeAll(async () => {
  const log = createLogger("info", {
    write: (line: string) => {
      try {
        logLines.push(JSON.parse(line) as { level: number; msg: string });
      } catch {
        logLines.push({ level: 60, msg: line });
      }
    },
  });
  [api, fx] = await Promise.all([startTestApi({ log }), makeLivePhotoFixtures()]);
}, 180_000);
afterAll(async () => {
  await api?.close();
  await fx.remove();
});

async function pressed(): Promise<{ ana: TestUser; ben: TestUser; itemId: string }> {
  const ana = await api.signUp("Ana");
  const ben = await api.signUp("Ben");
  const callId = await liveCall(api, ana, [ben]);
  const { itemId } = await api.as(ana).livePhotos.capture.mutate({ callId, subjectId: ben.id });
  return { ana, ben, itemId };
}

/** This process's descriptors open on anything under `dir` (the API runs in this process). */
async function openUnder(dir: string): Promise<string[]> {
  const open: string[] = [];
  for (const fd of await readdir("/proc/self/fd")) {
    try {
      const target = await readlink(`/proc/self/fd/${fd}`);
      if (target.startsWith(dir)) open.push(`${fd} -> ${target}`);
    } catch {
      // closed while listing
    }
  }
  return open;
}

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, ms = 5000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > until) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts a multipart POST declaring `declared` bytes, sends `head` and some of a part, and drops the connection. */
async function abortedUpload(url: URL, cookie: string, part: "still" | "clip", sent: number): Promise<void> {
  const boundary = "abortboundary";
  const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { cookie, "content-type": `multipart/form-data; boundary=${boundary}`, "content-length": "3000000" } });
  req.on("error", () => {});
  req.write(`--${boundary}\r\ncontent-disposition: form-data; name="pressOffsetMs"\r\n\r\n2000\r\n`);
  req.write(`--${boundary}\r\ncontent-disposition: form-data; name="${part}"; filename="x"\r\ncontent-type: application/octet-stream\r\n\r\n`);
  req.write(Buffer.alloc(sent, 1));
  await new Promise((r) => setTimeout(r, 300));
  req.destroy();
}

describe("a Live Photo upload that comes late", () => {
  it("is refused with 410 when it begins more than the clip and 30 s after the press: the item goes, the taker's Library hears", async () => {
    const { ana, itemId } = await pressed();
    const past = new Date(Date.now() - LIVE_PHOTO_UPLOAD_START_WITHIN_MS - 1000);
    await updateLibraryItem(api.db, itemId, { capturedAt: past, createdAt: past });
    const events = await api.listen(ana);
    expect(await postPhoto(api, ana, itemId, {}, fx)).toEqual({ status: 410, body: { error: LIVE_PHOTO_TOO_LATE } });
    expect((await events.next("library-changed")).payload).toEqual({ itemId, change: "deleted" });
    events.stop();
    expect(await getLibraryItem(api.db, itemId)).toBeNull();
    expect(await filesUnder(join(api.media.uploadDir, "live-photos"))).toEqual([]);
    // and it is gone for good: a second try finds nothing
    expect(await postPhoto(api, ana, itemId, {}, fx)).toEqual({ status: 404, body: { error: "Not found" } });
  });

  it("is taken when it begins within that time", async () => {
    const { ana, itemId } = await pressed();
    const past = new Date(Date.now() - LIVE_PHOTO_UPLOAD_START_WITHIN_MS + 5000);
    await updateLibraryItem(api.db, itemId, { capturedAt: past, createdAt: past });
    const res = await postPhoto(api, ana, itemId, {}, fx);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  });
});

describe("a Live Photo upload whose sender goes away mid-body", () => {
  it("leaves no open file, no folder and no error behind, however many times it happens", async () => {
    const { ana, itemId } = await pressed();
    const work = join(api.media.uploadDir, "live-photos");
    const url = new URL(`${api.baseUrl}/api/library/photos/${itemId}`);
    const before = logLines.length;
    // one after another, then several at once, in the still and in the clip
    await abortedUpload(url, ana.cookie, "clip", 300_000);
    await abortedUpload(url, ana.cookie, "still", 200_000);
    await Promise.all([abortedUpload(url, ana.cookie, "clip", 500_000), abortedUpload(url, ana.cookie, "still", 100_000), abortedUpload(url, ana.cookie, "clip", 50_000)]);
    expect(await eventually(() => openUnder(work), (o) => o.length === 0)).toEqual([]);
    expect(await eventually(() => readdir(work), (d) => d.length === 0)).toEqual([]);
    const lines = () => logLines.slice(before);
    await eventually(async () => lines().filter((l) => l.msg === "live photo upload aborted by the sender").length, (n) => n === 5);
    expect(lines().filter((l) => l.msg === "live photo upload aborted by the sender")).toHaveLength(5);
    // dropped connections are the sender's doing: nothing is logged as a failure
    expect(lines().filter((l) => l.level >= 50)).toEqual([]);
    // the press is untouched and its files can still come
    expect(await getLibraryItem(api.db, itemId)).toMatchObject({ status: "capturing" });
    expect((await postPhoto(api, ana, itemId, {}, fx)).status).toBe(201);
    expect(await openUnder(work)).toEqual([]);
  });
});

describe("receiveLivePhotoParts", () => {
  let server: Server;
  let dir: string;
  let onRequest: (req: IncomingMessage) => Promise<PartsResult>;
  const results: Array<PartsResult | Error> = [];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "ringback-receive-"));
    server = createServer((req, res) => {
      onRequest(req).then(
        (r) => {
          results.push(r);
          res.writeHead("status" in r ? r.status : r.ok ? 200 : 499, r.ok === false && "cut" in r && r.cut ? { connection: "close" } : {}).end();
        },
        (err: Error) => results.push(err),
      );
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  it("gives up a body still arriving past its deadline: refused (cut), every file closed first", async () => {
    const refusal = { status: 410 as const, message: LIVE_PHOTO_TOO_LATE };
    onRequest = (req) => receiveLivePhotoParts(req, dir, { arriveBy: { at: Date.now() + 600, refusal } });
    const { port } = server.address() as AddressInfo;
    const boundary = "slowboundary";
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port, path: "/", method: "POST", headers: { "content-type": `multipart/form-data; boundary=${boundary}`, "content-length": "5000000" } });
      req.on("response", (res) => resolve(res.statusCode ?? 0));
      req.on("error", reject);
      req.write(`--${boundary}\r\ncontent-disposition: form-data; name="clip"; filename="x"\r\n\r\n`);
      // a trickle that would go on far past the deadline
      const trickle = setInterval(() => req.write(Buffer.alloc(10_000, 2)), 100);
      req.on("close", () => clearInterval(trickle));
      setTimeout(() => {
        clearInterval(trickle);
        req.destroy();
      }, 5000);
    });
    expect(status).toBe(410);
    expect(results.at(-1)).toEqual({ ok: false, ...refusal, cut: true });
    // settled only once the clip's file was closed: nothing of the folder is held open
    expect(await openUnder(dir)).toEqual([]);
  });
});

describe("an early refusal of a body announced far past the limit", () => {
  /** Declares `declared` bytes, sends a little, and reports the answer and whether the server then closed the connection. */
  function hugeUpload(path: string, cookie: string | null, declared: string): Promise<{ status: number; connection: string | undefined; closedByServer: boolean }> {
    const url = new URL(`${api.baseUrl}${path}`);
    return new Promise((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { ...(cookie ? { cookie } : {}), "content-type": "multipart/form-data; boundary=b", "content-length": declared } });
      req.on("error", () => {});
      req.on("response", (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        const connection = res.headers.connection;
        // keep sending: a server that drained would go on reading
        const more = setInterval(() => req.write(Buffer.alloc(64 * 1024)), 20);
        const giveUp = setTimeout(() => {
          clearInterval(more);
          req.destroy();
          resolve({ status, connection, closedByServer: false });
        }, 3000);
        req.socket?.once("close", () => {
          clearInterval(more);
          clearTimeout(giveUp);
          resolve({ status, connection, closedByServer: true });
        });
      });
      req.on("timeout", () => reject(new Error("no answer")));
      req.write("--b\r\n");
    });
  }

  it("answers at once and closes the connection instead of reading the body", async () => {
    const { ana, ben, itemId } = await pressed();
    const huge = String(100 * 1024 ** 3);
    // not signed in, someone else's item, an unknown id, and a length past the largest upload
    expect(await hugeUpload(`/api/library/photos/${itemId}`, null, huge)).toEqual({ status: 401, connection: "close", closedByServer: true });
    expect(await hugeUpload(`/api/library/photos/${itemId}`, ben.cookie, huge)).toEqual({ status: 404, connection: "close", closedByServer: true });
    expect(await hugeUpload(`/api/library/photos/${crypto.randomUUID()}`, ana.cookie, huge)).toEqual({ status: 404, connection: "close", closedByServer: true });
    expect(await hugeUpload(`/api/library/photos/${itemId}`, ana.cookie, huge)).toEqual({ status: 413, connection: "close", closedByServer: true });
    expect(await getLibraryItem(api.db, itemId)).toMatchObject({ status: "capturing" });
  });

  it("keeps the connection for a refused body within the limit (read and dropped)", async () => {
    const { ben, itemId } = await pressed();
    const res = await new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
      const url = new URL(`${api.baseUrl}/api/library/photos/${itemId}`);
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { cookie: ben.cookie, "content-type": "multipart/form-data; boundary=b", "content-length": "100000" } });
      req.on("error", reject);
      req.on("response", (r) => {
        r.resume();
        r.on("end", () => resolve({ status: r.statusCode ?? 0, connection: r.headers.connection }));
      });
      req.end(Buffer.alloc(100_000, 3));
    });
    expect(res).toEqual({ status: 404, connection: "keep-alive" });
  });
});
