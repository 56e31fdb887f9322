// Test-only helpers for the recording integration tests and benchmark (imported by them only).
import { open } from "node:fs/promises";
import { getLibraryItem, type LibraryItemRow } from "@ringback/db/queries/library";
import type { TestApi, TestUser } from "../testing/harness";
import { tusMetadata, tusRequest, type RawAnswer } from "../testing/tus-client";
import { signLikeLivekit } from "../testing/webhook-signer";
import { servicesOf as messageServicesOf } from "../messages/test-kit";
import type { Services } from "../trpc";
import { LIBRARY_UPLOADS_PATH } from "./recording-files";

/** The API's services with its real job queue (for running the watchdog or the sweep with a test clock). */
export function servicesOf(api: TestApi): Services {
  return messageServicesOf(api, { jobs: api.jobs });
}

/** A signed LiveKit webhook about someone's media in a call's room, as LiveKit sends it. */
export async function mediaEvent(
  api: TestApi,
  kind: "participant_joined" | "participant_left" | "room_finished",
  callId: string,
  userId?: string,
  opts: { joinedAt?: Date } = {},
): Promise<number> {
  const body = JSON.stringify({
    event: kind,
    id: `EV_${Math.random().toString(36).slice(2)}`,
    createdAt: String(Math.floor(Date.now() / 1000)),
    room: { name: `call_${callId}`, sid: "RM_test" },
    ...(userId
      ? {
          participant: {
            identity: userId,
            sid: `PA_${userId.slice(0, 6)}`,
            ...(opts.joinedAt ? { joinedAt: String(Math.floor(opts.joinedAt.getTime() / 1000)), joinedAtMs: String(opts.joinedAt.getTime()) } : {}),
          },
        }
      : {}),
  });
  const res = await fetch(`${api.baseUrl}/livekit/webhook`, {
    method: "POST",
    headers: { "content-type": "application/webhook+json", authorization: await signLikeLivekit(body, api.livekit.apiKey, api.livekit.apiSecret) },
    body,
  });
  await res.text();
  return res.status;
}

/** Sets whether people allow recording (and Live Photos stay as they are). */
export async function allowRecording(api: TestApi, allowed: boolean, ...people: TestUser[]): Promise<void> {
  for (const p of people) await api.as(p).settings.update.mutate({ allowRecording: allowed });
}

/**
 * A live video call: `caller` rings `callees`, each answers and takes a token (calls.join), and
 * everyone's media joins (LiveKit's webhooks). Returns the call id.
 */
export async function liveCall(api: TestApi, caller: TestUser, callees: TestUser[], kind: "audio" | "video" = "video"): Promise<string> {
  const call = await api.as(caller).calls.start.mutate({ calleeIds: callees.map((c) => c.id), kind });
  await api.as(caller).calls.join.mutate({ callId: call.id });
  await mediaEvent(api, "participant_joined", call.id, caller.id);
  for (const c of callees) {
    await api.as(c).calls.answer.mutate({ callId: call.id, kind });
    await api.as(c).calls.join.mutate({ callId: call.id });
    await mediaEvent(api, "participant_joined", call.id, c.id);
  }
  return call.id;
}

/** Creates a recording upload as the recorder's browser does (deferred length). */
export async function createRecordingUpload(
  api: TestApi,
  user: TestUser | null,
  recordingId: string,
  opts: { filetype?: string; headers?: Record<string, string> } = {},
): Promise<RawAnswer> {
  return tusRequest(api.baseUrl, user?.cookie ?? null, "POST", LIBRARY_UPLOADS_PATH, {
    headers: { "upload-defer-length": "1", "upload-metadata": tusMetadata({ recordingId, filetype: opts.filetype ?? "video/webm;codecs=vp8,opus" }), ...opts.headers },
  });
}

/** One chunk at `offset` (the last one declares the length). */
export function sendChunk(api: TestApi, user: TestUser | null, location: string, offset: number, body: Uint8Array, opts: { final?: boolean } = {}): Promise<RawAnswer> {
  return tusRequest(api.baseUrl, user?.cookie ?? null, "PATCH", location, {
    headers: {
      "content-type": "application/offset+octet-stream",
      "upload-offset": String(offset),
      ...(opts.final ? { "upload-length": String(offset + body.byteLength) } : {}),
    },
    body,
  });
}

export type StreamResult = { location: string; offset: number; last: RawAnswer; chunks: number };

/**
 * Streams a file as a recording browser does: creates the upload, then sends `chunkBytes` at a time
 * (optionally waiting between chunks), the last one declaring the length unless `stopAfter` leaves
 * it unfinished (a tab that died). Stops at the first refused chunk.
 */
export async function streamRecording(
  api: TestApi,
  user: TestUser,
  recordingId: string,
  file: string,
  opts: { chunkBytes?: number; stopAfter?: number; finish?: boolean; pauseMs?: number; onChunk?: (offset: number) => Promise<void> | void } = {},
): Promise<StreamResult> {
  const created = await createRecordingUpload(api, user, recordingId);
  const location = created.headers.get("location");
  if (created.status !== 201 || !location) throw new Error(`creating the upload answered ${created.status}: ${created.body}`);
  const handle = await open(file, "r");
  try {
    const size = (await handle.stat()).size;
    const end = Math.min(size, opts.stopAfter ?? size);
    const chunk = opts.chunkBytes ?? 64 * 1024;
    let offset = 0;
    let last = created;
    let chunks = 0;
    while (offset < end) {
      const length = Math.min(chunk, end - offset);
      const buf = Buffer.alloc(length);
      await handle.read(buf, 0, length, offset);
      const final = (opts.finish ?? true) && offset + length === size;
      last = await sendChunk(api, user, location, offset, buf, { final });
      if (last.status !== 204) return { location, offset, last, chunks };
      offset = Number(last.headers.get("upload-offset"));
      chunks += 1;
      await opts.onChunk?.(offset);
      if (opts.pauseMs) await new Promise((r) => setTimeout(r, opts.pauseMs));
    }
    return { location, offset, last, chunks };
  } finally {
    await handle.close();
  }
}

/** Waits until a Library item reaches `status` ("gone": its row is deleted); fails after `timeoutMs`. */
export async function waitForItem(api: TestApi, id: string, status: LibraryItemRow["status"] | "gone", timeoutMs = 30_000): Promise<LibraryItemRow | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await getLibraryItem(api.db, id);
    const now = row ? row.status : "gone";
    if (now === status) return row;
    if (Date.now() > deadline) throw new Error(`item ${id} is "${now}", not "${status}", after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
