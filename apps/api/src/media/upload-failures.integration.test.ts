import { once } from "node:events";
import { appendFile, mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "@ringback/db/client";
import { getMessage, updateMessage } from "@ringback/db/queries/messages";
import { genericMessage } from "../error-reference";
import { createLogger } from "../logger";
import { startTestApi, type TestApi, type TestUser } from "../testing/harness";
import { makeMediaFixtures, type MediaFixtures } from "../testing/media-fixtures";
import { tusMetadata } from "../testing/tus-client";
import { uploadFiles } from "./upload-files";

// What the API logs (errors only), to find a failure by the reference its sender was shown.
const logLines: string[] = [];
let api: TestApi;
let fx: MediaFixtures;
beforeAll(async () => {
  [api, fx] = await Promise.all([
    startTestApi({ log: createLogger("error", { write: (line: string) => void logLines.push(line) }) }),
    makeMediaFixtures(),
  ]);
});
afterAll(async () => {
  await api.close();
  await fx.remove();
});

const later = (seconds: number) => new Date(Date.now() + seconds * 1000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Ann calls Bo (who has her as a contact); nobody answers; she begins a message. */
async function begun(on: TestApi = api, kind: "video" | "audio" = "video") {
  const a = await on.signUp("Ann");
  const b = await on.signUp("Bo");
  await on.as(b).contacts.add.mutate({ userId: a.id });
  const call = await on.as(a).calls.start.mutate({ calleeIds: [b.id], kind });
  await on.sweepAt(later(61));
  const { messageId } = await on.as(a).messages.begin.mutate({ callId: call.id });
  return { a, b, callId: call.id, messageId };
}

/** Creates an upload of `size` bytes for the message (tus POST); returns its path. */
async function created(user: TestUser, messageId: string, size: number, filetype = "video/webm"): Promise<string> {
  const res = await api.tus(user, "POST", "/api/uploads", {
    headers: { "upload-length": String(size), "upload-metadata": tusMetadata({ messageId, filetype }) },
  });
  expect(res.status).toBe(201);
  return res.headers.get("location") ?? "";
}

const patch = (user: TestUser, location: string, offset: number, body: Uint8Array) =>
  api.tus(user, "PATCH", location, { headers: { "content-type": "application/offset+octet-stream", "upload-offset": String(offset) }, body });

/**
 * A PATCH whose body goes in two parts: by the time `finish()` sends the rest, the server has taken
 * the request and read the upload's message, as when the last part of a recording is on its way.
 */
async function heldPatch(user: TestUser, location: string, offset: number, body: Uint8Array) {
  const req = request(new URL(location, api.baseUrl), {
    method: "PATCH",
    headers: {
      cookie: user.cookie,
      "tus-resumable": "1.0.0",
      "content-type": "application/offset+octet-stream",
      "upload-offset": String(offset),
      "content-length": String(body.length),
    },
  });
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on("error", reject);
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
  });
  const half = Math.floor(body.length / 2);
  await new Promise<void>((resolve) => req.write(body.subarray(0, half), () => resolve()));
  await sleep(400);
  return {
    finish: () => {
      req.end(body.subarray(half));
      return answer;
    },
  };
}

/** Makes the API's next queueing of message jobs fail (as when Postgres drops the connection then). */
function failNextQueueing(on: TestApi) {
  const original = on.jobs.enqueueMessage;
  on.jobs.enqueueMessage = async () => {
    on.jobs.enqueueMessage = original;
    throw new Error("the job queue is unreachable (test)");
  };
}

/** The states of the jobs queued for a message (pg-boss's own table). */
async function jobsOf(on: TestApi, messageId: string): Promise<string[]> {
  const { sql, close } = createDb(on.databaseUrl, { max: 1 });
  try {
    const rows = await sql<Array<{ state: string }>>`select state from pgboss.job where name = 'message-process' and data->>'messageId' = ${messageId}`;
    return rows.map((r) => r.state);
  } finally {
    await close();
  }
}

describe("an unexpected failure of an upload", () => {
  it("answers with a reference and nothing of the cause, logs the cause under that reference, and the message takes a new upload", async () => {
    const { a, b, messageId } = await begun();
    const { uploadDir } = api.media;
    // the upload folder is not a folder: creating the upload's files fails (EEXIST from mkdir)
    await rm(uploadDir, { recursive: true, force: true });
    await writeFile(uploadDir, "not a folder");
    let res: Awaited<ReturnType<TestApi["tus"]>>;
    try {
      const size = (await stat(fx.video)).size;
      res = await api.tus(a, "POST", "/api/uploads", {
        headers: { "upload-length": String(size), "upload-metadata": tusMetadata({ messageId, filetype: "video/webm" }) },
      });
    } finally {
      await rm(uploadDir, { force: true });
      await mkdir(uploadDir, { recursive: true });
    }
    const reference = res.headers.get("x-request-id") ?? "";
    expect(reference).toMatch(/^[0-9a-f]{12}$/);
    expect(res).toMatchObject({ status: 500, body: genericMessage(reference) });
    expect(res.body).not.toMatch(/EEXIST|mkdir|\/tmp|uploads/);
    expect(res.headers.get("location")).toBeNull();

    // the log has the cause, under the request id the person was shown
    const logged = logLines.map((l) => JSON.parse(l) as { reqId?: string; msg?: string; reference?: string; err?: { message?: string } });
    const entry = logged.find((l) => l.reqId === reference && l.msg === "upload failed");
    expect(entry?.reference).toBe(reference);
    expect(entry?.err?.message).toMatch(/EEXIST/);

    // the message is not left bound to an upload that has no files, and a new one goes through
    expect((await getMessage(api.db, messageId))?.uploadId).toBeNull();
    expect(await api.upload(a, messageId, fx.video)).toMatchObject({ status: 204 });
    await api.waitForMessage(messageId, "ready");
    expect((await api.as(b).messages.list.query({})).map((m) => m.id)).toEqual([messageId]);
  });
});

describe("queueing the jobs fails at the end of an upload", () => {
  it("the last PATCH gets a reference; sent again, it queues the jobs and the message is delivered", async () => {
    const { a, b, messageId } = await begun();
    const file = await readFile(fx.video);
    const location = await created(a, messageId, file.length);
    failNextQueueing(api);
    const last = await patch(a, location, 0, file);
    expect(last).toMatchObject({ status: 500, body: genericMessage(last.headers.get("x-request-id") ?? "") });
    expect((await getMessage(api.db, messageId))?.status).toBe("processing");

    // the client did not hear that it went through, so it sends the (empty) rest again
    const again = await patch(a, location, file.length, new Uint8Array(0));
    expect(again.status).toBe(204);
    await api.waitForMessage(messageId, "ready");
    expect((await api.as(b).messages.list.query({})).map((m) => m.id)).toEqual([messageId]);
    expect(await jobsOf(api, messageId)).toEqual(["completed"]);
  });

  it("a resuming client that only asks where the upload stands (HEAD: complete) has the jobs queued, once", async () => {
    const { a, messageId } = await begun();
    const file = await readFile(fx.video);
    const location = await created(a, messageId, file.length);
    failNextQueueing(api);
    expect((await patch(a, location, 0, file)).status).toBe(500);
    // tus-js-client retries with a HEAD, sees the whole length and stops there
    for (let i = 0; i < 3; i += 1) {
      const head = await api.tus(a, "HEAD", location);
      expect(head.status).toBe(200);
      expect(head.headers.get("upload-offset")).toBe(String(file.length));
    }
    await api.waitForMessage(messageId, "ready");
    expect(await jobsOf(api, messageId)).toEqual(["completed"]);
  });
});

describe("the API stopped after the last bytes arrived, before it finished the upload", () => {
  /** An upload whose bytes are all on disk but was never finished (the process went down then). */
  async function unfinished(file: Buffer) {
    const { a, b, messageId } = await begun();
    const location = await created(a, messageId, file.length);
    expect((await patch(a, location, 0, file.subarray(0, 20_000))).status).toBe(204);
    await appendFile(uploadFiles(api.media.uploadDir, location.split("/").pop() ?? "").data, file.subarray(20_000));
    return { a, b, messageId, location };
  }

  it("the resuming client's HEAD (complete) finishes it: the message is delivered", async () => {
    const file = await readFile(fx.video);
    const { a, b, messageId, location } = await unfinished(file);
    expect((await getMessage(api.db, messageId))?.status).toBe("recording");
    const head = await api.tus(a, "HEAD", location);
    expect(head.status).toBe(200);
    expect(head.headers.get("upload-offset")).toBe(String(file.length));
    await api.waitForMessage(messageId, "ready");
    expect((await api.as(b).messages.list.query({})).map((m) => m.id)).toEqual([messageId]);
  });

  it("a recording refused then: the HEAD gets the refusal's status and nothing is left", async () => {
    const file = Buffer.concat([await readFile(fx.text), Buffer.alloc(30_000, 0x20)]);
    const { a, messageId, location } = await unfinished(file);
    expect((await api.tus(a, "HEAD", location)).status).toBe(415);
    expect(await getMessage(api.db, messageId)).toBeNull();
    const uploadId = location.split("/").pop() ?? "";
    expect((await readdir(api.media.uploadDir)).filter((n) => n.startsWith(uploadId))).toEqual([]);
  });
});

describe("the message changed while the last part of its upload arrived", () => {
  it("the sender cancelled it: 404 Not found, and nothing is left", async () => {
    const { a, messageId } = await begun();
    const file = await readFile(fx.video);
    const location = await created(a, messageId, file.length);
    const held = await heldPatch(a, location, 0, file);
    await api.as(a).messages.cancel.mutate({ messageId });
    expect(await held.finish()).toEqual({ status: 404, body: "Not found" });
    expect(await getMessage(api.db, messageId)).toBeNull();
    const uploadId = location.split("/").pop() ?? "";
    expect((await readdir(api.media.uploadDir)).filter((n) => n.startsWith(uploadId))).toEqual([]);
  });

  it("the sender retook it: the old upload's last PATCH gets 404 Not found, the new message is untouched", async () => {
    const { a, callId, messageId } = await begun();
    const file = await readFile(fx.video);
    const location = await created(a, messageId, file.length);
    const held = await heldPatch(a, location, 0, file);
    const retake = await api.as(a).messages.begin.mutate({ callId });
    expect(await held.finish()).toEqual({ status: 404, body: "Not found" });
    expect(await getMessage(api.db, messageId)).toBeNull();
    expect((await getMessage(api.db, retake.messageId))?.status).toBe("recording");
    expect(await api.upload(a, retake.messageId, fx.video)).toMatchObject({ status: 204 });
    await api.waitForMessage(retake.messageId, "ready");
  });

  it("the recipient picked the voicemail up: 409 'This voicemail was picked up'", async () => {
    const { a, b, messageId } = await begun(api, "audio");
    const file = await readFile(fx.audio);
    const location = await created(a, messageId, file.length, "audio/webm");
    const held = await heldPatch(a, location, 0, file);
    await api.as(b).messages.pickUp.mutate({ messageId });
    expect(await held.finish()).toEqual({ status: 409, body: "This voicemail was picked up" });
    expect(await getMessage(api.db, messageId)).toBeNull();
  });

  it("a newer upload was bound to it: the older one's end does not discard the message, which the newer one completes", async () => {
    const { a, b, messageId } = await begun();
    const file = await readFile(fx.video);
    const first = await created(a, messageId, file.length);
    const held = await heldPatch(a, first, 0, file);
    // the browser lost the first creation's answer and made another upload for the same message
    const second = await created(a, messageId, file.length);
    expect(await held.finish()).toEqual({ status: 404, body: "Not found" });
    const row = await getMessage(api.db, messageId);
    expect(row).toMatchObject({ status: "recording", uploadId: second.split("/").pop() });
    expect((await patch(a, second, 0, file)).status).toBe(204);
    await api.waitForMessage(messageId, "ready");
    expect((await api.as(b).messages.list.query({})).map((m) => m.id)).toEqual([messageId]);
  });

  it("an upload whose file went while its message stayed: 404 Not found, not tus's own words", async () => {
    const { a, messageId } = await begun();
    const file = await readFile(fx.video);
    const location = await created(a, messageId, file.length);
    expect((await patch(a, location, 0, file.subarray(0, 20_000))).status).toBe(204);
    // half of a removal (the data file goes first, its info file a moment later)
    await rm(uploadFiles(api.media.uploadDir, location.split("/").pop() ?? "").data);
    expect(await patch(a, location, 20_000, file.subarray(20_000))).toMatchObject({ status: 404, body: "Not found" });
  });
});

describe("a message marked failed while its job ran", () => {
  let held: Server;
  let arrived: Promise<unknown>;
  let release: () => void = () => {};
  beforeAll(async () => {
    // a fake transcription service (the real one is not needed to hold a job mid-way): it takes the
    // request, waits until the test lets it answer, then fails
    const gate = new Promise<void>((resolve) => (release = resolve));
    held = createServer((req, res) => {
      req.resume();
      held.emit("transcription-asked");
      void gate.then(() => res.writeHead(500, { "content-type": "text/plain" }).end("failing on purpose (test)"));
    });
    arrived = once(held, "transcription-asked");
    await new Promise<void>((resolve) => held.listen(0, "127.0.0.1", resolve));
  });
  afterAll(async () => {
    release();
    held.closeAllConnections();
    await new Promise((resolve) => held.close(resolve));
  });

  it("stays failed: the recipient never gets it and nothing is stored for it", async () => {
    const slow = await startTestApi({ transcriberUrl: `http://127.0.0.1:${(held.address() as AddressInfo).port}` });
    try {
      const { a, b, messageId } = await begun(slow);
      expect((await slow.upload(a, messageId, fx.video)).status).toBe(204);
      await arrived;
      // meanwhile the job outlived its expiry and its last retry gave up: the sender sees it failed
      await updateMessage(slow.db, messageId, { status: "failed", transcriptStatus: "failed" });
      release();
      for (let i = 0; ; i += 1) {
        const states = await jobsOf(slow, messageId);
        if (states.every((s) => s === "completed" || s === "failed") && states.length > 0) break;
        if (i > 200) throw new Error(`the job did not end (${states.join(", ")})`);
        await sleep(100);
      }
      expect((await getMessage(slow.db, messageId))?.status).toBe("failed");
      expect(await slow.as(b).messages.list.query({})).toEqual([]);
      const stored = join(slow.media.uploadDir, "..", "store", "messages", messageId);
      expect(await readdir(stored).catch(() => [])).toEqual([]);
    } finally {
      await slow.close();
    }
  });
});
