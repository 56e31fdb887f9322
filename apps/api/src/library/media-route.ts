import type { IncomingMessage, ServerResponse } from "node:http";
import { extname } from "node:path";
import { libraryFileName, libraryItemTitle } from "@ringback/core/library";
import { getOwnLibraryItem } from "@ringback/db/queries/library";
import type { SessionUser } from "../auth/session";
import type { Logger } from "../logger";
import { refuseNonRead, refuseSignedOut, sendMediaNotFound, serveStoredFile } from "../media/serve-file";
import { isUuid } from "../media/upload-files";
import type { Services } from "../trpc";
import { libraryViews } from "./library-service";

export const LIBRARY_MEDIA_PATH = "/api/media/library";

const FILES = ["still", "clip", "media"] as const;
type Which = (typeof FILES)[number];

const TYPE_BY_EXTENSION: Record<string, string> = {
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".png": "image/png",
  ".webp": "image/webp",
  ".webm": "video/webm",
  ".mp4": "video/mp4",
};

/**
 * Serves a Library item's files to its owner: `/api/media/library/<itemId>/still` (a Live Photo's
 * still or a poster), `/clip` (a Live Photo's clip) and `/media` (a recording or a saved message,
 * once ready), with ranges like the message media route. `?download=1` adds a Content-Disposition
 * with a readable file name ("Live Photo of Ana 2026-11-26 15-41.jpg"; `&tz=` picks the time zone).
 * Anyone else, any other id, any missing file: the same 404.
 */
export function createLibraryMediaRoute(
  services: Services,
  deps: { userOf: (req: IncomingMessage) => Promise<SessionUser | null>; log: Logger },
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    if (refuseNonRead(req, res)) return;
    const user = await deps.userOf(req);
    if (refuseSignedOut(user, res) || !user) return;
    const url = new URL(req.url ?? "/", "http://localhost");
    const [id = "", sub = "", ...extra] = url.pathname.slice(LIBRARY_MEDIA_PATH.length + 1).split("/");
    const which = extra.length === 0 ? FILES.find((f) => f === sub) : undefined;
    const row = which && isUuid(id) ? await getOwnLibraryItem(services.db, id.toLowerCase(), user.id) : null;
    const key = row && which ? keyOf(row, which) : null;
    const stat = key ? await services.media.storage.stat(key) : null;
    if (!row || !which || !key || !stat) {
      sendMediaNotFound(res);
      return;
    }
    const contentType =
      which === "media"
        ? (row.contentType ?? TYPE_BY_EXTENSION[extname(key)] ?? "application/octet-stream")
        : which === "still"
          ? (row.posterType ?? TYPE_BY_EXTENSION[extname(key)] ?? "image/jpeg")
          : (TYPE_BY_EXTENSION[extname(key)] ?? "video/webm");
    const headers: Record<string, string> = {};
    if (url.searchParams.get("download") === "1") {
      const [view] = await libraryViews(services.db, [row]);
      const title = view ? libraryItemTitle(view) : "Library item";
      const name = libraryFileName(which === "clip" ? `${title} (clip)` : title, row.capturedAt, extname(key), url.searchParams.get("tz") ?? undefined);
      headers["content-disposition"] = contentDisposition(name);
    }
    await serveStoredFile(req, res, { storage: services.media.storage, key, size: stat.size, contentType, headers }, deps.log);
  };
}

/** The stored file behind a URL, when the item has it to show. */
function keyOf(row: { status: string; posterKey: string | null; clipKey: string | null; mediaKey: string | null }, which: Which): string | null {
  switch (which) {
    case "still":
      return row.posterKey;
    case "clip":
      return row.clipKey;
    case "media":
      // a recording's file is only whole once it is ready (the item view shows no URL before)
      return row.status === "ready" ? row.mediaKey : null;
  }
}

/** `attachment` with the name as plain ASCII (for old clients) and as UTF-8 (RFC 6266 / 5987). */
function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*!]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}
