import type { IncomingMessage, ServerResponse } from "node:http";
import { decideQuota } from "@ringback/core/library";
import { libraryBytesUsed } from "@ringback/db/queries/library";
import { recordingOfUpload, settleRecordingBytes } from "@ringback/db/queries/recordings";
import { Server, type Upload } from "@tus/server";
import type { SessionUser } from "../auth/session";
import type { Logger } from "../logger";
import { answerOtherError, isRefusal, refusal, requestStates, sharedTusOptions, UploadRefusal, UploadStore, type HookRequest } from "../media/tus-kit";
import { isUploadId, isUuid } from "../media/upload-files";
import type { Services } from "../trpc";
import { admitChunk, bindUpload, chunkEnded, discardRecording, finishRecordingUpload, RECORDING_UPLOAD_TEXT } from "./recording-finish";
import { LIBRARY_UPLOADS_PATH, recordingUploadDir } from "./recording-files";

export { LIBRARY_UPLOADS_PATH };

/** What the handler learnt about a request before tus ran its hooks. */
type RequestState = {
  user: SessionUser;
  /** a chunk let in: its recording and upload, the bytes reserved for it and the upload's length before it */
  chunk?: { recordingId: string; uploadId: string; reserved: number; offsetBefore: number };
};

/**
 * The resumable upload endpoint for call recordings. The recorder's browser creates an upload for the
 * recording it started (metadata `recordingId`, `filetype`), sends a chunk every couple of seconds
 * while it records, and declares the length with the last one. Only the recorder may touch it ("Not
 * found" for anyone else). Each chunk is let in only while the recording takes chunks (until the
 * grace after its stop) and the recorder's Library has room for it; each one's arrival is the sign
 * that the recorder is still there. The end of the upload sends the recording on to its job.
 */
export function createRecordingUploadHandler(
  services: Services,
  deps: { userOf: (req: IncomingMessage) => Promise<SessionUser | null>; log: Logger },
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { libraryQuotaBytes } = services.media;
  const states = requestStates<RequestState>();
  const stateOf = states.of;

  const store = new UploadStore({ directory: recordingUploadDir(services.media.uploadDir) });
  const tus = new Server({
    // no recording may be larger than a whole Library (each chunk is checked against what is left)
    ...sharedTusOptions({ path: LIBRARY_UPLOADS_PATH, datastore: store, maxSize: libraryQuotaBytes, publicUrl: services.publicUrl }),

    async onIncomingRequest(req: HookRequest, uploadId: string) {
      if (req.method === "POST") return;
      const st = stateOf(req);
      if (!isUploadId(uploadId)) throw refusal(404, RECORDING_UPLOAD_TEXT.notFound);
      const now = new Date();
      if (req.method === "PATCH") {
        const bytes = contentLengthOf(req);
        if (bytes === null) throw refusal(411, RECORDING_UPLOAD_TEXT.lengthRequired);
        // what had arrived before this chunk (the bytes on disk now: a chunk still arriving counts as far as it got)
        const before = await store.getUpload(uploadId).catch(() => null);
        const admitted = await admitChunk(services, { uploadId, userId: st.user.id, bytes, now, arrivedBytes: before?.offset ?? 0 });
        if (!admitted.ok) throw refusal(admitted.status, admitted.message);
        st.chunk = { recordingId: admitted.row.id, uploadId, reserved: bytes, offsetBefore: before?.offset ?? 0 };
        return;
      }
      if (req.method === "DELETE") {
        // the recorder throws the recording away: it goes with its files (tus then finds nothing left)
        const discarded = await discardRecording(services, { uploadId, userId: st.user.id, now });
        if (discarded) throw refusal(discarded.status, discarded.message);
        return;
      }
      // HEAD: only the recorder learns anything of it
      const row = await recordingOfUpload(services.db, uploadId);
      if (!row || row.ownerId !== st.user.id) throw refusal(404, RECORDING_UPLOAD_TEXT.notFound);
      if (row.status === "processing") {
        // a client resuming after its last PATCH failed finds the upload complete and stops there
        // (tus-js-client does): what that PATCH did not get to (the queueing) happens now
        const upload = await store.getUpload(uploadId).catch(() => null);
        if (upload && upload.size !== undefined && upload.offset === upload.size) {
          await finishRecordingUpload(services, { uploadId, userId: st.user.id, size: upload.offset, now });
        }
      }
    },

    async onUploadCreate(req: HookRequest, upload: Upload) {
      const st = stateOf(req);
      const recordingId = upload.metadata?.recordingId ?? "";
      if (!isUuid(recordingId)) throw refusal(404, RECORDING_UPLOAD_TEXT.notFound);
      // creation-with-upload would bring bytes without a PATCH: recordings send theirs chunk by chunk
      if ((contentLengthOf(req) ?? 0) > 0) throw refusal(400, "Send the recording in PATCH requests");
      const bound = await bindUpload(services, {
        recordingId: recordingId.toLowerCase(),
        userId: st.user.id,
        uploadId: upload.id,
        declaredType: upload.metadata?.filetype ?? null,
        now: new Date(),
      });
      if (!bound.ok) throw refusal(bound.status, bound.message);
      return {};
    },

    async onUploadFinish(req: HookRequest, upload: Upload) {
      const st = stateOf(req);
      // before the job is queued: a last chunk that ended too long after the stop is not kept
      if (st.chunk) await chunkEnded(services, st.chunk, new Date());
      const refused = await finishRecordingUpload(services, { uploadId: upload.id, userId: st.user.id, size: upload.offset, now: new Date() });
      if (refused) throw refusal(refused.status, refused.message);
      return {};
    },

    async onResponseError(req: HookRequest, err: Error | { status_code: number; body: string }) {
      const status = isRefusal(err) ? err.status_code : 500;
      if (status === 413 && !(err instanceof UploadRefusal)) {
        // tus's own size checks: a declared length larger than a whole Library, or a part that goes
        // past the length the recording declared
        const declared = Number(req.headers.get("upload-length") ?? 0);
        if (declared <= libraryQuotaBytes) return refusal(413, RECORDING_UPLOAD_TEXT.pastEnd);
        const used = await libraryBytesUsed(services.db, stateOf(req).user.id);
        const decision = decideQuota({ usedBytes: used, addingBytes: declared, quotaBytes: libraryQuotaBytes });
        return refusal(413, decision.ok ? RECORDING_UPLOAD_TEXT.pastEnd : decision.message);
      }
      return answerOtherError(req, err, status, { notFound: RECORDING_UPLOAD_TEXT.notFound, log: deps.log, what: "recording upload failed" });
    },
  });

  /** After a chunk (whole, cut short or refused by tus): the item counts what really arrived, not what was reserved. */
  async function settle(st: RequestState) {
    const { chunk } = st;
    if (!chunk) return;
    const upload = await store.getUpload(chunk.uploadId).catch(() => null);
    const arrived = upload ? Math.max(0, upload.offset - chunk.offsetBefore) : 0;
    await settleRecordingBytes(services.db, chunk.recordingId, chunk.uploadId, arrived - chunk.reserved);
    await chunkEnded(services, chunk, new Date());
  }

  return async (req, res) => {
    // tus answers GET with the file itself: uploads are not for reading back (the Library's media route is)
    if (req.method === "GET") {
      req.resume();
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end(RECORDING_UPLOAD_TEXT.notFound);
      return;
    }
    if (req.method === "OPTIONS") {
      await tus.handle(req, res);
      return;
    }
    const user = await deps.userOf(req);
    if (!user) {
      req.resume();
      res.writeHead(401, { "content-type": "text/plain; charset=utf-8", "tus-resumable": "1.0.0" }).end("Please sign in");
      return;
    }
    const st: RequestState = { user };
    states.set(req, st);
    try {
      await tus.handle(req, res);
    } finally {
      if (req.method === "PATCH") await settle(st).catch((err: unknown) => deps.log.warn({ err }, "settling a recording's size failed"));
    }
  };
}

/** A request's declared body length, or null when it has none (a chunked body). */
function contentLengthOf(req: HookRequest): number | null {
  const raw = req.headers.get("content-length");
  if (raw === null || !/^\d+$/.test(raw)) return null;
  return Number(raw);
}
