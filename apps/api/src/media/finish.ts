// The end of an upload, decided under the message's row lock: the message is read again when the
// body has arrived, because while it streamed the sender may have cancelled or retaken it, the
// recipient may have picked the voicemail up, or a newer upload may have been bound to it.
import { voicemailEndedEvent } from "@ringback/core/events";
import { getCallByRoom } from "@ringback/db/queries/calls";
import { publishEvents } from "@ringback/db/queries/events";
import { lockMessageOfUpload, releaseUpload } from "@ringback/db/queries/message-uploads";
import { deleteMessageRow, getMessage, type MessageRow } from "@ringback/db/queries/messages";
import { endLive, markProcessing, type StoredMessage } from "../messages/service";
import type { Services } from "../trpc";
import { removeMessageFiles, removeUploadFiles } from "./cleanup";

/**
 * Where an upload stands with its message: still being recorded into (`current`), already finished
 * (`sent`: processing, ready or failed) or no longer the message's upload at all (`stale`: the
 * message is gone, or bound to another upload).
 */
export type UploadStanding = { kind: "current"; row: MessageRow } | { kind: "sent"; row: MessageRow } | { kind: "stale" };

function standingOf(row: MessageRow | null, uploadId: string): UploadStanding {
  if (!row || row.uploadId !== uploadId) return { kind: "stale" };
  return row.status === "recording" ? { kind: "current", row } : { kind: "sent", row };
}

/** The upload's standing now (no lock: for deciding whether to probe at all). */
export async function uploadStanding(services: Pick<Services, "db">, messageId: string, uploadId: string): Promise<UploadStanding> {
  return standingOf(await getMessage(services.db, messageId), uploadId);
}

/**
 * The upload is complete and its content checked: if it is still the message's upload and the
 * message is still being recorded, the message is processing (a live voicemail is over: "sent").
 * Anything else leaves the message as it is. The caller queues the jobs.
 */
export async function finishUploadIfCurrent(
  services: Services,
  messageId: string,
  uploadId: string,
  info: { contentType: string; sizeBytes: number; durationMs: number },
): Promise<UploadStanding> {
  const standing = await services.db.transaction(async (tx) => {
    const found = standingOf(await lockMessageOfUpload(tx, messageId, uploadId), uploadId);
    if (found.kind !== "current") return found;
    await markProcessing(tx, found.row, info);
    // the row as it was: its live room is the one to close
    return found;
  });
  if (standing.kind === "current") await endLive(services, standing.row);
  return standing;
}

/**
 * The upload was refused after it arrived (wrong type, too long, damaged): the message and its files
 * go, but only while this upload is still the one being recorded into. Returns whether it went.
 */
export async function discardUploadIfCurrent(services: Services, messageId: string, uploadId: string): Promise<boolean> {
  const removed = await services.db.transaction(async (tx) => {
    const found = standingOf(await lockMessageOfUpload(tx, messageId, uploadId), uploadId);
    if (found.kind !== "current") return null;
    await deleteMessageRow(tx, found.row.id);
    // the recipient was following it live: tell them it will not come
    if (found.row.kind === "voicemail") {
      await publishEvents(tx, [{ userId: found.row.recipientId, event: voicemailEndedEvent(found.row.id, "abandoned") }]);
    }
    return found.row;
  });
  if (!removed) return false;
  await endLive(services, removed);
  await removeMessageFiles(services, removed);
  return true;
}

/**
 * The upload's files could not be made (or the creation failed after it was bound): the message
 * forgets it, so it is as before the upload began and can take a new one. Its files, if any, go.
 */
export async function releaseFailedUpload(services: Services, messageId: string, uploadId: string): Promise<void> {
  await releaseUpload(services.db, messageId, uploadId);
  await removeUploadFiles(services.media.uploadDir, uploadId);
}

/**
 * What the sender hears about an upload that is no longer their message's: "Not found", or that the
 * voicemail was picked up (only the sender gets here, and they were told so already by an event).
 */
export async function staleUploadAnswer(
  services: Pick<Services, "db">,
  message: Pick<StoredMessage, "kind" | "liveRoom">,
): Promise<{ status: 404 | 409; body: string }> {
  if (message.kind === "voicemail" && message.liveRoom && (await getCallByRoom(services.db, message.liveRoom))) {
    return { status: 409, body: "This voicemail was picked up" };
  }
  return { status: 404, body: "Not found" };
}
