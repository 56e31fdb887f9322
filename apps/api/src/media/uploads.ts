import type { IncomingMessage, ServerResponse } from "node:http";
import { Metadata, Server, type Upload } from "@tus/server";
import type { SessionUser } from "../auth/session";
import type { Logger } from "../logger";
import { attachUpload, discardMessage, messageForUpload, type StoredMessage } from "../messages/service";
import type { Services } from "../trpc";
import { discardUploadIfCurrent, finishUploadIfCurrent, releaseFailedUpload, staleUploadAnswer, uploadStanding } from "./finish";
import { checkRecording, probeRecording } from "./probe";
import {
  answerOtherError,
  isRefusal,
  randomUploadId,
  refusal,
  requestStates,
  sharedTusOptions,
  UploadStore,
  type HookRequest,
  type TusRefusal,
} from "./tus-kit";
import { isUploadId, isUuid, uploadFiles } from "./upload-files";

/** Where resumable uploads live (tus 1.0: creation, creation-defer-length, termination). */
export const UPLOADS_PATH = "/api/uploads";

export const UPLOAD_NOT_FOUND = "Not found";

/** The words for an upload over the size limit. */
export function tooBigText(maxBytes: number): string {
  return `Messages can be at most ${Math.floor(maxBytes / (1024 * 1024))} MB`;
}

/** What the handler learnt about a request before tus ran its hooks. */
type RequestState = { user: SessionUser; message?: StoredMessage };

/**
 * The resumable upload endpoint. Every request needs a session; an upload belongs to the sender of
 * the message it was created for, and is "Not found" for anyone else. A finished upload is checked
 * by content (ffprobe) before the message goes on to the job queue; a refused one leaves nothing.
 */
export function createUploadHandler(
  services: Services,
  deps: { userOf: (req: IncomingMessage) => Promise<SessionUser | null>; log: Logger },
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { uploadDir, maxUploadBytes } = services.media;
  const states = requestStates<RequestState>();
  const stateOf = states.of;

  const store = new UploadStore({ directory: uploadDir });
  const tus = new Server({
    ...sharedTusOptions({ path: UPLOADS_PATH, datastore: store, maxSize: maxUploadBytes, publicUrl: services.publicUrl }),

    // HEAD, PATCH, DELETE (and GET, which never gets here): only the message's sender may touch it
    async onIncomingRequest(req: HookRequest, uploadId: string) {
      if (req.method === "POST") return;
      const st = stateOf(req);
      const message = isUploadId(uploadId) ? await messageForUpload(services, uploadId, st.user.id) : null;
      if (!message) throw refusal(404, UPLOAD_NOT_FOUND);
      st.message = message;
      if (req.method === "DELETE") {
        // a sent recording is not taken back through its upload (messages.delete does that)
        if (message.status !== "recording") throw refusal(400, "This recording was already sent");
        // the sender gave up on it: the message goes with its files (tus then finds nothing left)
        if (!(await discardUploadIfCurrent(services, message.id, uploadId))) throw await staleRefusal(message);
      }
      if (req.method === "HEAD" && (message.status === "recording" || message.status === "processing")) {
        // a client resuming after its last PATCH failed finds the upload complete and stops there
        // (tus-js-client does): what that PATCH did not get to (the check, the queueing) happens now
        const upload = await store.getUpload(uploadId).catch(() => null);
        if (upload && upload.size !== undefined && upload.offset === upload.size) await finishUpload(message, upload);
      }
    },

    async onUploadCreate(req: HookRequest, upload: Upload) {
      const st = stateOf(req);
      const messageId = upload.metadata?.messageId ?? "";
      if (!isUuid(messageId)) throw refusal(404, UPLOAD_NOT_FOUND);
      const result = await attachUpload(services, {
        messageId,
        userId: st.user.id,
        uploadId: upload.id,
        declaredType: upload.metadata?.filetype ?? null,
      });
      if (!result.ok) {
        // a type not allowed for the message is refused only once the message proved to be the
        // sender's own (attachUpload checks that first): nothing of the attempt is kept
        if (result.status === 415) await discardMessage(services, messageId);
        throw refusal(result.status, result.message);
      }
      st.message = result.message;
      return {};
    },

    async onUploadFinish(req: HookRequest, upload: Upload) {
      const message = stateOf(req).message;
      if (!message) throw refusal(404, UPLOAD_NOT_FOUND);
      await finishUpload(message, upload);
      return {};
    },

    async onResponseError(req: HookRequest, err: Error | TusRefusal) {
      const status = isRefusal(err) ? err.status_code : 500;
      if (status === 413) {
        await discardOversized(req).catch((e: unknown) => deps.log.error({ err: e }, "discarding an oversized upload failed"));
        return refusal(413, tooBigText(maxUploadBytes));
      }
      await releaseFailedCreation(req).catch((e: unknown) => deps.log.error({ err: e }, "releasing a failed upload failed"));
      return answerOtherError(req, err, status, { notFound: UPLOAD_NOT_FOUND, log: deps.log, what: "upload failed" });
    },
  });

  /**
   * A complete upload: checked by content and sent on to the jobs, or refused with everything of it
   * removed. Decided on the message as it is now, not as it was when the request began.
   */
  async function finishUpload(message: StoredMessage, upload: Upload): Promise<void> {
    // read again: while the body arrived the sender may have cancelled or retaken the message, the
    // recipient picked the voicemail up, or a newer upload been bound to it
    const before = await uploadStanding(services, message.id, upload.id);
    if (before.kind === "stale") throw await staleRefusal(message);
    if (before.kind === "sent") {
      // the last PATCH again (its answer, or the queueing of the jobs, was lost)
      if (before.row.status === "processing") await services.jobs.enqueueMessage(message.id);
      return;
    }
    const { data } = uploadFiles(uploadDir, upload.id);
    const check = checkRecording(await probeRecording(data), message.kind);
    if (!check.ok) {
      // refused only while it is still the message's upload; otherwise it was gone already
      if (await discardUploadIfCurrent(services, message.id, upload.id)) throw refusal(check.status, check.message);
      throw await staleRefusal(message);
    }
    const info = { contentType: check.contentType, sizeBytes: upload.offset, durationMs: check.durationMs };
    const finished = await finishUploadIfCurrent(services, message.id, upload.id, info);
    if (finished.kind === "stale") throw await staleRefusal(message);
    // a failure here leaves the message processing: the retried last PATCH (or a resume's HEAD) queues it
    if (finished.kind === "current" || finished.row.status === "processing") await services.jobs.enqueueMessage(message.id);
  }

  /**
   * An upload over the limit leaves nothing. Mid-upload the message is known (and its sender's);
   * when the declared length was already too big, binding an upload to the message first proves it
   * is the sender's unfinished message before it goes.
   */
  async function discardOversized(req: HookRequest) {
    const st = states.peek(req);
    if (!st) return;
    if (st.message) {
      if (st.message.uploadId) await discardUploadIfCurrent(services, st.message.id, st.message.uploadId);
      return;
    }
    if (req.method !== "POST") return;
    let metadata: Record<string, string | null>;
    try {
      metadata = Metadata.parse(req.headers.get("upload-metadata") ?? undefined);
    } catch {
      return;
    }
    const messageId = metadata.messageId ?? "";
    if (!isUuid(messageId)) return;
    const uploadId = randomUploadId();
    const bound = await attachUpload(services, { messageId, userId: st.user.id, uploadId, declaredType: metadata.filetype ?? null });
    if (bound.ok) await discardUploadIfCurrent(services, messageId, uploadId);
    // 415 too comes only after the message proved to be the sender's own
    else if (bound.status === 415) await discardMessage(services, messageId);
  }

  /**
   * A creation (POST) that failed after its upload was bound to the message (its files could not be
   * made): the sender never learnt where the upload is, so the message forgets it and takes another.
   */
  async function releaseFailedCreation(req: HookRequest) {
    if (req.method !== "POST") return;
    const message = states.peek(req)?.message;
    if (message?.uploadId && message.status === "recording") await releaseFailedUpload(services, message.id, message.uploadId);
  }

  /** The sender's answer for an upload that is no longer their message's. */
  async function staleRefusal(message: StoredMessage): Promise<TusRefusal> {
    const answer = await staleUploadAnswer(services, message);
    return refusal(answer.status, answer.body);
  }

  return async (req, res) => {
    // tus answers GET with the file itself: uploads are not for reading back (the media route is)
    if (req.method === "GET") {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end(UPLOAD_NOT_FOUND);
      return;
    }
    if (req.method !== "OPTIONS") {
      const user = await deps.userOf(req);
      if (!user) {
        req.resume();
        res.writeHead(401, { "content-type": "text/plain; charset=utf-8", "tus-resumable": "1.0.0" }).end("Please sign in");
        return;
      }
      states.set(req, { user });
    }
    await tus.handle(req, res);
  };
}
