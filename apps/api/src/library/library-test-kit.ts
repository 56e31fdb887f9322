// Test-only helpers for the Library integration tests (imported by *.integration.test.ts only).
import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { insertLibraryItem, type LibraryItemRow, type NewLibraryItem } from "@ringback/db/queries/library";
import { deliver, knownPair, servicesOf, unansweredCall } from "../messages/test-kit";
import type { TestApi, TestUser } from "../testing/harness";
import { libraryPrefix } from "./views";

/** Bytes that stand for a file; each call gives different ones, so copies can be told apart. */
export function someBytes(label: string, size = 64 * 1024): Buffer {
  const out = Buffer.alloc(size);
  const seed = Buffer.from(`${label}:${randomUUID()}:`);
  for (let i = 0; i < size; i++) out[i] = (seed[i % seed.length] ?? 0) ^ (i & 0xff);
  return out;
}

/** Runs `use` with a file on local disk holding these bytes (for storage.putFile), then removes its folder. */
export async function withTempFile<T>(bytes: Buffer, use: (path: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "ringback-library-test-"));
  try {
    const path = join(dir, "file");
    await writeFile(path, bytes);
    return await use(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * A Live Photo or recording in `owner`'s Library, made directly (row + files) rather than through a
 * capture: the Library's own behaviour is what these tests are about; captures have their own tests.
 */
export async function putItem(
  api: TestApi,
  owner: TestUser,
  kind: "live-photo" | "recording",
  opts: { people?: string[]; callId?: string | null; capturedAt?: Date; status?: LibraryItemRow["status"] } = {},
): Promise<{ row: LibraryItemRow; files: Record<string, Buffer> }> {
  const id = randomUUID();
  const prefix = libraryPrefix(id);
  const files: Record<string, Buffer> = {};
  const put = async (name: string, bytes: Buffer) => {
    files[name] = bytes;
    await withTempFile(bytes, (file) => api.media.storage.putFile(`${prefix}${name}`, file));
  };
  const values: NewLibraryItem =
    kind === "live-photo"
      ? { id, ownerId: owner.id, kind, status: opts.status ?? "ready", posterKey: `${prefix}still.jpg`, posterType: "image/jpeg", clipKey: `${prefix}clip.webm`, width: 640, height: 480, durationMs: 3000 }
      : { id, ownerId: owner.id, kind, status: opts.status ?? "ready", mediaKey: `${prefix}media.webm`, contentType: "video/webm", posterKey: `${prefix}poster.jpg`, posterType: "image/jpeg", durationMs: 10_000 };
  if (kind === "live-photo") {
    await put("still.jpg", someBytes("still", 20_000));
    await put("clip.webm", someBytes("clip", 50_000));
  } else {
    await put("media.webm", someBytes("recording", 120_000));
    await put("poster.jpg", someBytes("poster", 10_000));
  }
  const size = Object.values(files).reduce((n, b) => n + b.length, 0);
  const row = await insertLibraryItem(api.db, {
    ...values,
    people: opts.people ?? [],
    callId: opts.callId ?? null,
    sizeBytes: size,
    capturedAt: opts.capturedAt ?? new Date(),
    readyAt: new Date(),
  });
  return { row, files };
}

/**
 * Ann leaves Bo a ready video message with a real file and poster in storage (and a transcript);
 * returns the people, the message id and the bytes of its files. `to` sends it to someone already made.
 */
export async function readyMessage(api: TestApi, names: [string, string] = ["Ann", "Bo"], opts: { to?: TestUser; kind?: "video" | "audio" } = {}) {
  const services = servicesOf(api);
  let a: TestUser;
  let b: TestUser;
  if (opts.to) {
    a = await api.signUp(names[0]);
    b = opts.to;
    await api.as(b).contacts.add.mutate({ userId: a.id });
  } else {
    ({ a, b } = await knownPair(api, names));
  }
  const callId = await unansweredCall(api, a, b, opts.kind ?? "video");
  const { messageId } = await api.as(a).messages.begin.mutate({ callId });
  const media = someBytes("message", 90_000);
  const poster = someBytes("message-poster", 8_000);
  await withTempFile(media, (file) => deliver(services, messageId, { transcript: "please call me back about dinner", file }));
  // a voicemail has no poster
  if (opts.kind !== "audio") await withTempFile(poster, (file) => api.media.storage.putFile(`messages/${messageId}/poster.jpg`, file));
  return { a, b, callId, messageId, media, poster };
}
