import { messageMediaPaths, transcriptSegmentSchema, type MessageView, type TranscriptSegment } from "@ringback/core/messages";
import type { MessageRow, MessageWithPeople } from "@ringback/db/queries/messages";
import { z } from "zod";
import type { StoredMessage } from "./service";

/** A stored message as `viewerId` (its sender or recipient) sees it; never a raw row. */
export function toMessageView(row: MessageWithPeople, viewerId: string): MessageView {
  const sent = row.senderId.toLowerCase() === viewerId.toLowerCase();
  const other = sent ? row.recipient : row.sender;
  return {
    id: row.id,
    callId: row.callId,
    kind: row.kind,
    direction: sent ? "sent" : "received",
    status: row.status,
    other: { id: other.id, displayName: other.displayName, handle: other.handle },
    createdAt: row.createdAt,
    durationMs: row.durationMs,
    seen: row.seenAt !== null,
    ...messageMediaPaths(row.id, row.posterKey !== null),
    waveform: row.waveform ?? null,
    transcriptStatus: row.transcriptStatus,
    transcript: row.transcriptStatus === "ready" ? (row.transcript ?? "") : null,
  };
}

const storedSegments = z.array(transcriptSegmentSchema);

/** The timed transcript stored with a message ([] when there is none or it cannot be read). */
export function transcriptSegmentsOf(row: Pick<MessageRow, "transcriptSegments">): TranscriptSegment[] {
  const parsed = storedSegments.safeParse(row.transcriptSegments ?? []);
  return parsed.success ? parsed.data : [];
}

/** What the media side needs of a stored message. */
export function toStoredMessage(row: MessageRow): StoredMessage {
  return {
    id: row.id,
    callId: row.callId,
    senderId: row.senderId,
    recipientId: row.recipientId,
    kind: row.kind,
    status: row.status,
    uploadId: row.uploadId,
    mediaKey: row.mediaKey,
    posterKey: row.posterKey,
    contentType: row.contentType,
    durationMs: row.durationMs,
    liveRoom: row.liveRoom,
    createdAt: row.createdAt,
  };
}
