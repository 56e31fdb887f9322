import { randomBytes } from "node:crypto";
import { mkdir, rm, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import type { SessionUser } from "../auth/session";
import type { Logger } from "../logger";
import { isStorageUnavailable, STORAGE_UNAVAILABLE_MESSAGE } from "../media/s3-storage";
import { isUuid } from "../media/upload-files";
import type { Services } from "../trpc";
import { dropLateCapture, dropRefusedCapture, finishLivePhoto } from "./live-photo-finish";
import { checkClip, checkStill, clipWindow, cutClip, probeClip } from "./live-photo-media";
import { MAX_BODY_BYTES, MULTIPART_REFUSED, receiveLivePhotoParts } from "./live-photo-multipart";
import { LIVE_PHOTO_TOO_LATE, livePhotoStanding, livePhotoUploadDue } from "./live-photo-rules";
import { getOwnLibraryItem } from "@ringback/db/queries/library";

export const LIBRARY_PHOTOS_PATH = "/api/library/photos";
export const PHOTO_NOT_FOUND = "Not found";

/**
 * POST /api/library/photos/<itemId>: the still and clip of a Live Photo whose shutter was pressed
 * (livePhotos.capture made the item). Only the taker, only while the item is `capturing`; anyone
 * else, and any other id, gets 404. Presence and consent are decided again now (the subject may
 * have left or turned Live Photos off since the press), the files are checked by content, the clip
 * is cut around the press, and only then are the files stored and the item made ready, in one
 * transaction with the taker's `library-changed ready`. A refusal leaves no file behind.
 */
export function createLivePhotoUploadHandler(
  services: Services,
  deps: { userOf: (req: IncomingMessage) => Promise<SessionUser | null>; log: Logger },
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const workRoot = join(services.media.uploadDir, "live-photos");

  return async (req, res) => {
    /**
     * Answers. A body not (fully) read yet is drained by Node once the answer is sent, so the
     * connection can serve the next request; but only a body within the largest allowed: a larger
     * or undeclared one (or one cut off mid-way) is not read on, the connection closes instead.
     */
    const send = (status: number, body: unknown, opts: { cut?: boolean } = {}) => {
      const headers: Record<string, string> = { "content-type": "application/json", "cache-control": "no-store" };
      if (!req.complete) {
        const declared = Number(req.headers["content-length"] ?? Number.NaN);
        const bounded = req.headers["content-length"] !== undefined && Number.isFinite(declared) && declared <= MAX_BODY_BYTES;
        if (opts.cut || !bounded) headers.connection = "close";
      }
      res.writeHead(status, headers).end(JSON.stringify(body));
    };
    const refuse = (status: number, message: string) => send(status, { error: message });

    const path = (req.url ?? "").split("?", 1)[0] ?? "";
    const itemId = path.slice(LIBRARY_PHOTOS_PATH.length + 1).toLowerCase();
    if (req.method !== "POST") {
      res.setHeader("allow", "POST");
      return refuse(405, "Method not allowed");
    }
    const user = await deps.userOf(req);
    if (!user) return refuse(401, "Please sign in");
    if (!isUuid(itemId)) return refuse(404, PHOTO_NOT_FOUND);
    const item = await getOwnLibraryItem(services.db, itemId, user.id);
    const subjectId = item?.people[0];
    if (!item || item.kind !== "live-photo" || item.status !== "capturing" || !item.callId || !subjectId) return refuse(404, PHOTO_NOT_FOUND);

    // the subject was told at the press: files sent long after it are not that moment
    const due = livePhotoUploadDue(item.capturedAt);
    if (Date.now() > due.startBy) return (await dropLateCapture(services, itemId, user.id)) ? refuse(410, LIVE_PHOTO_TOO_LATE) : refuse(404, PHOTO_NOT_FOUND);

    // a cheap early answer before any byte is read (decided again once the files are in)
    const early = await livePhotoStanding(services.db, { callId: item.callId, takerId: user.id, subjectId });
    if (!early.ok) {
      const refusal = await dropRefusedCapture(services, itemId, user.id);
      return refusal ? refuse(refusal.status, refusal.message) : refuse(404, PHOTO_NOT_FOUND);
    }
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) return refuse(413, MULTIPART_REFUSED.bodyTooBig);

    const work = join(workRoot, `${itemId}-${randomBytes(6).toString("hex")}`);
    await mkdir(work, { recursive: true });
    let answer: Answer;
    try {
      answer = await receiveAndFinish(req, work, itemId, user.id, due.arriveBy);
    } finally {
      // before answering: whoever reads the answer finds nothing of the upload left (every file of it
      // is closed by now, so removing the folder frees its space)
      await rm(work, { recursive: true, force: true }).catch((err: unknown) => deps.log.warn({ err }, "removing a Live Photo's work folder failed"));
    }
    if (answer === "aborted") {
      // the sender went away mid-body: nobody to answer, and nothing went wrong here
      deps.log.info({ itemId }, "live photo upload aborted by the sender");
      return;
    }
    send(answer.status, answer.body, { cut: answer.cut });
  };

  type Answer = { status: number; body: unknown; cut?: boolean } | "aborted";

  async function receiveAndFinish(req: IncomingMessage, work: string, itemId: string, takerId: string, arriveBy: number): Promise<Answer> {
    const refused = (status: number, message: string) => ({ status, body: { error: message } });
    // how long each step took, logged with the result: the press-to-Library time is mostly these
    const started = performance.now();
    const steps: Record<string, number> = {};
    const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
      const at = performance.now();
      try {
        return await run();
      } finally {
        steps[name] = Math.round(performance.now() - at);
      }
    };
    const received = await step("receive", () => receiveLivePhotoParts(req, work, { arriveBy: { at: arriveBy, refusal: { status: 410, message: LIVE_PHOTO_TOO_LATE } } }));
    if (!received.ok) {
      if ("aborted" in received) return "aborted";
      // too late: the press can never become a photo now (the item goes, the taker's Library hears)
      if (received.status === 410 && !(await dropLateCapture(services, itemId, takerId))) return { status: 404, body: { error: PHOTO_NOT_FOUND }, cut: received.cut };
      return { ...refused(received.status, received.message), cut: received.cut };
    }
    const { still, clip, pressOffsetMs } = received.parts;

    // the two files are checked side by side (separate ffmpeg processes: two cores)
    const [stillCheck, clipProbe] = await Promise.all([step("still", () => checkStill(still)), step("clip", () => probeClip(clip))]);
    if (!stillCheck.ok) return refused(stillCheck.status, stillCheck.message);
    const clipCheck = checkClip(clipProbe, pressOffsetMs);
    if (!clipCheck.ok) return refused(clipCheck.status, clipCheck.message);

    const cut = join(work, "clip-cut.webm");
    const window = clipWindow(pressOffsetMs, clipCheck.durationMs);
    // ffmpeg made this file from a checked one and said it succeeded: its length is the window's
    await step("cut", () => cutClip(clip, cut, window, clipCheck.hasAudio));
    const cutSize = (await stat(cut)).size;
    if (cutSize === 0) throw new Error(`the cut clip of ${itemId} is empty`);

    const stillInfo = { path: still, contentType: stillCheck.contentType, ext: stillCheck.ext, width: stillCheck.width, height: stillCheck.height, size: (await stat(still)).size };
    const clipInfo = { path: cut, durationMs: window.lengthMs, size: cutSize };
    let result: Awaited<ReturnType<typeof finishLivePhoto>>;
    try {
      result = await step("store", () => finishLivePhoto(services, { itemId, takerId, still: stillInfo, clip: clipInfo, log: deps.log }));
    } catch (err) {
      if (!isStorageUnavailable(err)) throw err;
      // the item stays capturing (rolled back, nothing kept): sent again soon, it is still taken
      deps.log.warn({ err, itemId }, "live photo upload: the media store is unavailable");
      return refused(503, STORAGE_UNAVAILABLE_MESSAGE);
    }
    deps.log.info({ itemId, status: result.ok ? 201 : result.status, ms: Math.round(performance.now() - started), steps }, "live photo upload");
    return result.ok ? { status: 201, body: { item: result.item } } : refused(result.status, result.message);
  }
}
