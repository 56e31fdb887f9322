// The message side of the upload pipeline: what the media helper's uploads, jobs and media route call.
import { voicemailEndedEvent, messageReceivedEvent } from "@ringback/core/events";
import { abandonCutoffs, canSeeMessage, MESSAGE_CONTENT_TYPES } from "@ringback/core/messages";
import type { Tx } from "@ringback/db/queries/calls";
import { publishEvents } from "@ringback/db/queries/events";
import {
  getMessage,
  hasBlocked,
  hideFromRecipientIfBlocked,
  lockMessage,
  messageByUpload,
  deleteMessageRow,
  unfinishedBefore,
  updateMessage,
  withPeople,
  type MessageRow,
} from "@ringback/db/queries/messages";
import type { FileTranscript } from "../transcriber/client";
import { removeMessageFiles } from "../media/cleanup";
import type { Logger } from "../logger";
import type { Services } from "../trpc";
import { toMessageView, toStoredMessage } from "./views";
import { deleteVoicemailRoom } from "./voicemail-room";

export type MessageStatus = "recording" | "processing" | "ready" | "failed";

/** A stored message as the media side needs it. */
export type StoredMessage = {
  id: string;
  callId: string | null;
  senderId: string;
  recipientId: string;
  kind: "video" | "voicemail";
  status: MessageStatus;
  uploadId: string | null;
  mediaKey: string | null;
  posterKey: string | null;
  contentType: string | null;
  durationMs: number | null;
  liveRoom: string | null;
  createdAt: Date;
};

export type UploadRefusal = { ok: false; status: 400 | 403 | 404 | 409 | 415; message: string };

const NOT_FOUND: UploadRefusal = { ok: false, status: 404, message: "Not found" };

/** "video/webm;codecs=vp8,opus" → "video/webm". */
export function baseContentType(declared: string): string {
  return (declared.split(";", 1)[0] ?? "").trim().toLowerCase();
}

/**
 * Binds a new resumable upload to the sender's unfinished message (tus create). Refuses unknown or
 * other people's messages (404), a message already uploaded (409) and a declared type that is not
 * allowed for its kind (415). A second upload for the same unfinished message (the first one's
 * answer got lost) replaces the first, whose bytes are removed.
 */
export async function attachUpload(
  services: Services,
  input: { messageId: string; userId: string; uploadId: string; declaredType: string | null },
): Promise<{ ok: true; message: StoredMessage } | UploadRefusal> {
  type Attached = { refusal: UploadRefusal } | { message: MessageRow; replaced: string | null };
  const result = await services.db.transaction(async (tx): Promise<Attached> => {
    const row = await lockMessage(tx, input.messageId);
    if (!row || row.senderId !== input.userId.toLowerCase()) return { refusal: NOT_FOUND };
    if (row.status !== "recording") return { refusal: { ok: false, status: 409, message: "This message was already sent" } };
    const type = input.declaredType ? baseContentType(input.declaredType) : "";
    if (!MESSAGE_CONTENT_TYPES[row.kind].includes(type)) {
      return { refusal: { ok: false, status: 415, message: "That file type can't be sent as a message" } };
    }
    const updated = await updateMessage(tx, row.id, { uploadId: input.uploadId, contentType: type });
    if (!updated) return { refusal: NOT_FOUND };
    return { message: updated, replaced: row.uploadId !== null && row.uploadId !== input.uploadId ? row.uploadId : null };
  });
  if ("refusal" in result) return result.refusal;
  if (result.replaced) await removeMessageFiles(services, { id: result.message.id, uploadId: result.replaced });
  return { ok: true, message: toStoredMessage(result.message) };
}

/** The message an upload belongs to, if its sender is `userId` (null otherwise: answer 404). */
export async function messageForUpload(services: Services, uploadId: string, userId: string): Promise<StoredMessage | null> {
  const row = await messageByUpload(services.db, uploadId);
  if (!row || row.senderId !== userId.toLowerCase()) return null;
  return toStoredMessage(row);
}

/**
 * The upload is complete and its content checked: the message is processing (a live voicemail is
 * over: "sent"). It does not queue the jobs: the upload route does (services.jobs.enqueueMessage).
 * Idempotent: a message that is no longer recording is left as it is.
 */
export async function uploadFinished(
  services: Services,
  messageId: string,
  info: { contentType: string; sizeBytes: number; durationMs: number },
): Promise<void> {
  const finished = await services.db.transaction(async (tx) => {
    const row = await lockMessage(tx, messageId);
    if (!row || row.status !== "recording") return null;
    await markProcessing(tx, row, info);
    return row;
  });
  if (finished) await endLive(services, finished);
}

/**
 * Moves a recording message, locked by the caller, to processing with what the content check found,
 * and tells the recipient a live voicemail is over ("sent"). The caller closes its live room after
 * the commit (endLive) and queues the jobs.
 */
export async function markProcessing(
  tx: Tx,
  row: MessageRow,
  info: { contentType: string; sizeBytes: number; durationMs: number },
): Promise<void> {
  // blocked while it was being recorded: it never reaches the recipient, even after an unblock
  await hideFromRecipientIfBlocked(tx, row);
  await updateMessage(tx, row.id, {
    status: "processing",
    contentType: baseContentType(info.contentType),
    sizeBytes: info.sizeBytes,
    durationMs: Math.round(info.durationMs),
    // the room is closed after the commit; a webhook for it must not find a voicemail being left
    liveRoom: null,
  });
  if (row.kind === "voicemail") await publishEvents(tx, [{ userId: row.recipientId, event: voicemailEndedEvent(row.id, "sent") }]);
}

/** The upload was refused after it arrived (wrong type, too long, damaged): the message and its files go. */
export async function discardMessage(services: Services, messageId: string): Promise<void> {
  const removed = await services.db.transaction(async (tx) => {
    const row = await lockMessage(tx, messageId);
    if (!row) return null;
    await deleteMessageRow(tx, row.id);
    // the recipient was following it live: tell them it will not come
    if (row.kind === "voicemail" && row.status === "recording") {
      await publishEvents(tx, [{ userId: row.recipientId, event: voicemailEndedEvent(row.id, "abandoned") }]);
    }
    return row;
  });
  if (!removed) return;
  await endLive(services, removed);
  await removeMessageFiles(services, removed);
}

/** The jobs made the message playable: store what they found and tell the recipient (message-received). */
export async function markReady(
  services: Services,
  messageId: string,
  result: {
    mediaKey: string;
    posterKey: string | null;
    contentType: string;
    sizeBytes: number;
    durationMs: number;
    waveform: number[] | null;
    transcript: FileTranscript | null;
    /** ready: `transcript` holds it; failed: the transcriber failed; none: transcription is off */
    transcriptStatus: "ready" | "failed" | "none";
  },
): Promise<void> {
  await services.db.transaction(async (tx) => {
    const row = await lockMessage(tx, messageId);
    // deleted or cancelled meanwhile, already done (a retried job), or given up on (failed): only a
    // message still processing becomes ready
    if (!row || row.status !== "processing") return;
    const transcript = result.transcriptStatus === "ready" ? result.transcript : null;
    const updated = await updateMessage(tx, row.id, {
      status: "ready",
      mediaKey: result.mediaKey,
      posterKey: result.posterKey,
      contentType: baseContentType(result.contentType),
      sizeBytes: result.sizeBytes,
      durationMs: Math.round(result.durationMs),
      waveform: result.waveform,
      transcriptStatus: transcript ? "ready" : result.transcriptStatus === "ready" ? "failed" : result.transcriptStatus,
      transcript: transcript?.text ?? null,
      transcriptSegments: transcript?.segments ?? null,
      liveRoom: null,
      liveSegments: null,
      readyAt: new Date(),
    });
    if (!updated) return;
    // a recipient who blocked the sender while it was made gets nothing, now or after an unblock
    if (await hideFromRecipientIfBlocked(tx, updated)) return;
    const [withNames] = await withPeople(tx, [updated]);
    if (withNames) {
      await publishEvents(tx, [{ userId: updated.recipientId, event: messageReceivedEvent(toMessageView(withNames, updated.recipientId)) }]);
    }
  });
}

/** The jobs could not make the message playable; the sender's copy says so, the recipient never sees it. */
export async function markFailed(services: Services, messageId: string): Promise<void> {
  await services.db.transaction(async (tx) => {
    const row = await lockMessage(tx, messageId);
    if (!row || row.status === "ready") return;
    await updateMessage(tx, row.id, { status: "failed", liveRoom: null, transcriptStatus: "failed" });
  });
}

/** What the media route may serve to `viewerId`; null means 404 (missing, not theirs, not ready). */
export async function mediaFor(
  services: Services,
  messageId: string,
  viewerId: string,
): Promise<{ mediaKey: string | null; posterKey: string | null; contentType: string | null } | null> {
  const row = await getMessage(services.db, messageId);
  if (!row) return null;
  const viewer = viewerId.toLowerCase();
  const blocked = viewer === row.recipientId ? await hasBlocked(services.db, row.recipientId, row.senderId) : false;
  if (!canSeeMessage({ ...row, recipientBlockedSender: blocked }, viewer)) return null;
  return { mediaKey: row.mediaKey, posterKey: row.posterKey, contentType: row.contentType };
}

/**
 * Removes unfinished messages older than the abandon limit, with their uploads and files; returns
 * how many. A voicemail's recipient who was following it is told it was abandoned.
 */
export async function sweepAbandoned(services: Services, now: Date, log?: Logger): Promise<number> {
  const cutoffs = abandonCutoffs(now);
  let removed = 0;
  for (const candidate of await unfinishedBefore(services.db, cutoffs)) {
    const row = await services.db.transaction(async (tx) => {
      const current = await lockMessage(tx, candidate.id);
      // finished (or picked up, or deleted) since the list was read
      if (!current || (current.status !== "recording" && current.status !== "processing")) return null;
      await deleteMessageRow(tx, current.id);
      if (current.kind === "voicemail" && current.status === "recording") {
        await publishEvents(tx, [{ userId: current.recipientId, event: voicemailEndedEvent(current.id, "abandoned") }]);
      }
      return current;
    });
    if (!row) continue;
    removed += 1;
    await endLive(services, row, log);
    await removeMessageFiles(services, row).catch((err: unknown) => log?.error({ err, messageId: row.id }, "removing an abandoned message's files failed"));
  }
  return removed;
}

/**
 * A voicemail is over (sent, picked up, cancelled, abandoned): the transcriber leaves and, unless
 * the room lives on as a call, the room closes. Neither failing may undo what happened, so both are
 * logged and otherwise ignored (the room's own timeouts close it anyway).
 */
export async function endLive(
  services: Pick<Services, "transcriber" | "livekit">,
  row: Pick<MessageRow, "id" | "kind" | "liveRoom">,
  log?: Logger,
  opts: { keepRoom?: boolean } = {},
): Promise<void> {
  if (row.kind !== "voicemail") return;
  await services.transcriber.stopLive(row.id).catch((err: unknown) => log?.warn({ err, messageId: row.id }, "stopping the live transcriber failed"));
  if (row.liveRoom && !opts.keepRoom) {
    await deleteVoicemailRoom(services.livekit, row.liveRoom).catch((err: unknown) => log?.warn({ err, room: row.liveRoom }, "closing a voicemail room failed"));
  }
}
