// STUB: owned by the messages helper, who replaces every body. The signatures are agreed with the
// media helper (uploads, jobs, media route), who calls them.
import type { FileTranscript } from "../transcriber/client";
import type { Services } from "../trpc";

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

/**
 * Binds a new resumable upload to the sender's unfinished message (tus create). Refuses unknown or
 * other people's messages (404), a message already uploaded (409) and a declared type that is not
 * allowed for its kind (415).
 */
export async function attachUpload(
  _services: Services,
  _input: { messageId: string; userId: string; uploadId: string; declaredType: string | null },
): Promise<{ ok: true; message: StoredMessage } | UploadRefusal> {
  throw new Error("not implemented");
}

/** The message an upload belongs to, if its sender is `userId` (null otherwise: answer 404). */
export async function messageForUpload(_services: Services, _uploadId: string, _userId: string): Promise<StoredMessage | null> {
  throw new Error("not implemented");
}

/** The upload is complete and its content checked: the message is processing (a live voicemail is over: "sent"). */
export async function uploadFinished(
  _services: Services,
  _messageId: string,
  _info: { contentType: string; sizeBytes: number; durationMs: number },
): Promise<void> {
  throw new Error("not implemented");
}

/** The upload was refused after it arrived (wrong type, too long, damaged): the message and its files go. */
export async function discardMessage(_services: Services, _messageId: string): Promise<void> {
  throw new Error("not implemented");
}

/** The jobs made the message playable: store what they found and tell the recipient (message-received). */
export async function markReady(
  _services: Services,
  _messageId: string,
  _result: {
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
  throw new Error("not implemented");
}

/** The jobs could not make the message playable; the sender's copy says so, the recipient never sees it. */
export async function markFailed(_services: Services, _messageId: string): Promise<void> {
  throw new Error("not implemented");
}

/** What the media route may serve to `viewerId`; null means 404 (missing, not theirs, not ready). */
export async function mediaFor(
  _services: Services,
  _messageId: string,
  _viewerId: string,
): Promise<{ mediaKey: string | null; posterKey: string | null; contentType: string | null } | null> {
  throw new Error("not implemented");
}

/** Removes unfinished messages older than the abandon limit, with their uploads and files; returns how many. */
export async function sweepAbandoned(_services: Services, _now: Date): Promise<number> {
  throw new Error("not implemented");
}
