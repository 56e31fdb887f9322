import type { IncomingMessage, ServerResponse } from "node:http";
import type { SessionUser } from "../auth/session";
import type { Logger } from "../logger";
import { mediaFor } from "../messages/service";
import type { Services } from "../trpc";
import { refuseNonRead, refuseSignedOut, sendMediaNotFound, serveStoredFile } from "./serve-file";
import { isUuid } from "./upload-files";

export { parseRange, type RangeAnswer } from "./serve-file";

export const MEDIA_PATH = "/api/media/messages/";

/**
 * Serves a message's playable file (`/api/media/messages/<id>`) and poster (`…/<id>/poster`) to
 * its sender, and to its recipient once it is ready. Any other case (no such id, someone else's,
 * not ready, no poster) gets the same 404, so the answer says nothing about other people's messages.
 */
export function createMediaRoute(
  services: Services,
  deps: { userOf: (req: IncomingMessage) => Promise<SessionUser | null>; log: Logger },
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    if (refuseNonRead(req, res)) return;
    const user = await deps.userOf(req);
    if (refuseSignedOut(user, res) || !user) return;
    const rest = (req.url ?? "").split("?", 1)[0]?.slice(MEDIA_PATH.length) ?? "";
    const [id = "", sub, ...extra] = rest.split("/");
    const which = sub === undefined ? "media" : sub === "poster" && extra.length === 0 ? "poster" : null;
    const found = which && isUuid(id) ? await mediaFor(services, id.toLowerCase(), user.id) : null;
    const key = found ? (which === "poster" ? found.posterKey : found.mediaKey) : null;
    const stat = key ? await services.media.storage.stat(key) : null;
    if (!found || !key || !stat) {
      sendMediaNotFound(res);
      return;
    }
    await serveStoredFile(
      req,
      res,
      {
        storage: services.media.storage,
        key,
        size: stat.size,
        contentType: which === "poster" ? "image/jpeg" : (found.contentType ?? "application/octet-stream"),
      },
      deps.log,
    );
  };
}
