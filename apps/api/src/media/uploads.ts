import type { IncomingMessage, ServerResponse } from "node:http";
import { FileStore } from "@tus/file-store";
import { Metadata, Server, type Upload } from "@tus/server";
import type { SessionUser } from "../auth/session";
import type { Logger } from "../logger";
import { attachUpload, discardMessage, messageForUpload, type StoredMessage, uploadFinished } from "../messages/service";
import type { Services } from "../trpc";
import { checkRecording, probeRecording } from "./probe";
import { isUploadId, isUuid, uploadFiles } from "./upload-files";

/** Where resumable uploads live (tus 1.0: creation, creation-defer-length, termination). */
export const UPLOADS_PATH = "/api/uploads";

/** What a refused tus request answers: the sender's browser shows `body` as it is. */
type TusRefusal = { status_code: number; body: string };

export const UPLOAD_NOT_FOUND = "Not found";

/** The words for an upload over the size limit. */
export function tooBigText(maxBytes: number): string {
  return `Messages can be at most ${Math.floor(maxBytes / (1024 * 1024))} MB`;
}

/**
 * The file store, but removing an upload whose files are already gone is not an error: a
 * termination discards the message first, and that removes the upload's files with it.
 */
class UploadStore extends FileStore {
  override async remove(id: string): Promise<void> {
    try {
      await super.remove(id);
    } catch {
      // already gone
    }
  }
}

/** What the handler learnt about a request before tus ran its hooks. */
type RequestState = { user: SessionUser; message?: StoredMessage };

/** tus hands its hooks a web Request; on Node it carries the original request. */
type HookRequest = Request & { runtime?: { node?: { req?: object } } };

const refusal = (status_code: number, body: string): TusRefusal => ({ status_code, body });

function isRefusal(err: unknown): err is TusRefusal {
  return typeof err === "object" && err !== null && typeof (err as TusRefusal).status_code === "number";
}

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
  const state = new WeakMap<object, RequestState>();
  const stateOf = (req: HookRequest): RequestState => {
    const node = req.runtime?.node?.req;
    const found = node ? state.get(node) : undefined;
    // the handler below sets it before tus sees the request
    if (!found) throw refusal(401, "Please sign in");
    return found;
  };

  const tus = new Server({
    path: UPLOADS_PATH,
    datastore: new UploadStore({ directory: uploadDir }),
    // the web origin proxies this path: a relative Location works through it and directly
    relativeLocation: true,
    respectForwardedHeaders: false,
    maxSize: maxUploadBytes,
    allowedOrigins: [services.publicUrl],

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
        await discardMessage(services, message.id);
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
      // the last PATCH again (its answer was lost): the message is on its way already
      if (message.status !== "recording") return {};
      const { data } = uploadFiles(uploadDir, upload.id);
      const check = checkRecording(await probeRecording(data), message.kind);
      if (!check.ok) {
        await discardMessage(services, message.id);
        throw refusal(check.status, check.message);
      }
      await uploadFinished(services, message.id, { contentType: check.contentType, sizeBytes: upload.offset, durationMs: check.durationMs });
      await services.jobs.enqueueMessage(message.id);
      return {};
    },

    async onResponseError(req: HookRequest, err: Error | TusRefusal) {
      const status = isRefusal(err) ? err.status_code : 500;
      if (status === 413) {
        await discardOversized(req).catch((e: unknown) => deps.log.error({ err: e }, "discarding an oversized upload failed"));
        return refusal(413, tooBigText(maxUploadBytes));
      }
      if (status >= 500) deps.log.error({ err, method: req.method }, "upload failed");
      return undefined;
    },
  });

  /**
   * An upload over the limit leaves nothing. Mid-upload the message is known (and its sender's);
   * when the declared length was already too big, binding an upload to the message first proves it
   * is the sender's unfinished message before it goes.
   */
  async function discardOversized(req: HookRequest) {
    const node = req.runtime?.node?.req;
    const st = node ? state.get(node) : undefined;
    if (!st) return;
    if (st.message) {
      if (st.message.status === "recording") await discardMessage(services, st.message.id);
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
    const bound = await attachUpload(services, { messageId, userId: st.user.id, uploadId: randomUploadId(), declaredType: metadata.filetype ?? null });
    // 415 too comes only after the message proved to be the sender's own
    if (bound.ok || bound.status === 415) await discardMessage(services, messageId);
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
      state.set(req, { user });
    }
    await tus.handle(req, res);
  };
}

function randomUploadId(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("hex");
}
