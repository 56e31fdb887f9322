// The media store down or hung, for real: a TCP server that accepts connections and never answers
// (what a stopped or black-holed store looks like from here) configured as the S3 endpoint.
import { createServer, type Server, type Socket } from "node:net";
import { TRPCClientError } from "@trpc/client";
import { TRPCError } from "@trpc/server";
import { savedItemOf } from "@ringback/db/queries/library-list";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { putItem, readyMessage } from "../library/library-test-kit";
import { saveMessageToLibrary } from "../library/library-service";
import { createLogger } from "../logger";
import { servicesOf } from "../messages/test-kit";
import { startTestApi, type TestApi } from "../testing/harness";
import { S3Storage, STORAGE_UNAVAILABLE_MESSAGE, StorageUnavailableError } from "./s3-storage";
import type { MediaStorage } from "./storage";

let api: TestApi;
let hung: Server;
const sockets = new Set<Socket>();
const log = createLogger("silent");

beforeAll(async () => {
  hung = createServer((socket) => {
    // holds the connection open and says nothing
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => hung.listen(0, "127.0.0.1", resolve));
  api = await startTestApi({ storage: "s3" });
});
afterAll(async () => {
  await api?.close();
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => hung.close(resolve));
});

/** The run's bucket and keys, but at the silent endpoint; short timeouts keep the test short. */
function hungStorage(): S3Storage {
  const s3 = inject("s3");
  const address = hung.address();
  if (!address || typeof address === "string") throw new Error("no address");
  return new S3Storage({
    bucket: s3.bucket,
    endpoint: `http://127.0.0.1:${address.port}`,
    region: s3.region,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    forcePathStyle: true,
    urlTtlSeconds: 60,
    timeouts: { connectMs: 500, requestMs: 1_000, idleMs: 1_000, maxAttempts: 2 },
  });
}

/** The run's bucket and keys at a port nobody listens on: a store that is down (connections refused). */
async function downStorage(): Promise<S3Storage> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  if (!address || typeof address === "string") throw new Error("no address");
  const s3 = inject("s3");
  return new S3Storage({
    bucket: s3.bucket,
    endpoint: `http://127.0.0.1:${address.port}`,
    region: s3.region,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    forcePathStyle: true,
    urlTtlSeconds: 60,
    timeouts: { connectMs: 500, requestMs: 1_000, idleMs: 1_000, maxAttempts: 1 },
  });
}

/** Runs `body` with the API's media on the silent store (or `store`). */
async function withHungStore<T>(body: () => Promise<T>, store: MediaStorage = hungStorage()): Promise<T> {
  const media = api.media as { storage: MediaStorage };
  const real = media.storage;
  media.storage = store;
  try {
    return await body();
  } finally {
    media.storage = real;
  }
}

describe("a store that accepts connections and never answers", () => {
  it("fails each storage call as unavailable within its timeouts instead of waiting forever", async () => {
    const storage = hungStorage();
    const started = Date.now();
    await expect(storage.stat("messages/11111111-1111-1111-1111-111111111111/media.webm")).rejects.toBeInstanceOf(StorageUnavailableError);
    await expect(storage.copy("messages/a/media.webm", "library/b/media.webm")).rejects.toBeInstanceOf(StorageUnavailableError);
    await expect(storage.deletePrefix("library/b/")).rejects.toBeInstanceOf(StorageUnavailableError);
    // 3 calls × 2 attempts × 1 s, with the SDK's backoff between attempts
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it("a Library save answers 503 with words, keeps no item and holds no lock on the message meanwhile", async () => {
    const { a, b, messageId } = await readyMessage(api);
    await withHungStore(async () => {
      const services = servicesOf(api);
      const saving = saveMessageToLibrary(services, b.id, messageId, log).then(
        () => null,
        (err: unknown) => err,
      );
      // while the store is silent, the message's row is not locked: its sender's read of it is not held up
      await new Promise((r) => setTimeout(r, 300));
      const lockFree = await api.db.transaction(async (tx) => {
        const started = Date.now();
        await tx.execute(`set local lock_timeout = '500ms'`);
        await tx.execute(`select id from messages where id = '${messageId}' for update`);
        return Date.now() - started;
      });
      expect(lockFree).toBeLessThan(500);
      const err = await saving;
      expect(err).toBeInstanceOf(TRPCError);
      expect(err).toMatchObject({ code: "SERVICE_UNAVAILABLE", message: STORAGE_UNAVAILABLE_MESSAGE });
      expect(await savedItemOf(api.db, b.id, messageId)).toBeFalsy();

      // through the API: a 503, not a 500
      const answer = await api
        .as(b)
        .library.saveMessage.mutate({ messageId })
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(answer).toBeInstanceOf(TRPCClientError);
      expect((answer as TRPCClientError<never>).data).toMatchObject({ httpStatus: 503 });
      expect(await savedItemOf(api.db, b.id, messageId)).toBeFalsy();
    });
    // the store back: the same save works
    const item = await api.as(b).library.saveMessage.mutate({ messageId });
    expect(item.id).toBeTruthy();
    expect(a.id).not.toBe(b.id);
  });

  it("a delete while the store is down: the item and the message go at once, their files once the store is back", async () => {
    const real = api.media.storage;
    const { a, messageId } = await readyMessage(api);
    const { row } = await putItem(api, a, "live-photo");
    const itemFiles = [row.posterKey, row.clipKey].filter((k): k is string => Boolean(k));
    const messageFile = `messages/${messageId}/message.webm`;
    expect(await real.stat(messageFile)).not.toBeNull();
    for (const key of itemFiles) expect(await real.stat(key)).not.toBeNull();

    await withHungStore(async () => {
      await api.as(a).library.delete.mutate({ itemId: row.id });
      await api.as(a).messages.delete.mutate({ messageId });
    }, await downStorage());
    // gone for the person at once; the files wait in the store, and their deletion in the job queue
    expect((await api.as(a).library.list.query({})).items.map((i) => i.id)).not.toContain(row.id);
    await api.waitForMessage(messageId, "gone");
    expect(await real.stat(messageFile)).not.toBeNull();

    // the store back: the queued deletions retry (1 s apart in tests, with backoff) and go through
    const deadline = Date.now() + 25_000;
    const left = async () => (await Promise.all([messageFile, ...itemFiles].map((k) => real.stat(k)))).filter(Boolean).length;
    while ((await left()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    expect(await left()).toBe(0);
  }, 60_000);
});
