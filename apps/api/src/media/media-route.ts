import type { IncomingMessage, ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import type { SessionUser } from "../auth/session";
import type { Logger } from "../logger";
import { mediaFor } from "../messages/service";
import type { Services } from "../trpc";
import { isUuid } from "./upload-files";

export const MEDIA_PATH = "/api/media/messages/";

const NOT_FOUND = JSON.stringify({ error: "Not found" });

/** A single byte range, inclusive, or why the request cannot get one. */
export type RangeAnswer = { kind: "whole" } | { kind: "part"; start: number; end: number } | { kind: "unsatisfiable" };

/**
 * Reads a `Range` header against a file of `size` bytes. Only one range is served: several (rare;
 * players never ask), a malformed header or an invalid range (`bytes=5-3`) get the whole file, which
 * the standard allows; only a valid range starting past the end is unsatisfiable (416).
 */
export function parseRange(header: string | undefined, size: number): RangeAnswer {
  if (!header) return { kind: "whole" };
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return { kind: "whole" };
  const [, from = "", to = ""] = match;
  if (from === "" && to === "") return { kind: "whole" };
  if (from === "") {
    // the last N bytes
    const n = Number(to);
    if (n === 0 || size === 0) return { kind: "unsatisfiable" };
    return { kind: "part", start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(from);
  // a last position before the first is not a valid range: ignored, so the whole file (RFC 9110 14.2)
  if (to !== "" && Number(to) < start) return { kind: "whole" };
  // only a valid range that starts past the end cannot be satisfied
  if (start >= size) return { kind: "unsatisfiable" };
  const end = to === "" ? size - 1 : Math.min(Number(to), size - 1);
  return { kind: "part", start, end };
}

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
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "application/json" }).end(JSON.stringify({ error: "Method not allowed" }));
      return;
    }
    const user = await deps.userOf(req);
    if (!user) {
      res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "Please sign in", code: "UNAUTHORIZED" } }));
      return;
    }
    const rest = (req.url ?? "").split("?", 1)[0]?.slice(MEDIA_PATH.length) ?? "";
    const [id = "", sub, ...extra] = rest.split("/");
    const which = sub === undefined ? "media" : sub === "poster" && extra.length === 0 ? "poster" : null;
    const found = which && isUuid(id) ? await mediaFor(services, id.toLowerCase(), user.id) : null;
    const key = found ? (which === "poster" ? found.posterKey : found.mediaKey) : null;
    const stat = key ? await services.media.storage.stat(key) : null;
    if (!found || !key || !stat) {
      res.writeHead(404, { "content-type": "application/json" }).end(NOT_FOUND);
      return;
    }
    const size = stat.size;
    const headers = {
      "content-type": which === "poster" ? "image/jpeg" : (found.contentType ?? "application/octet-stream"),
      "accept-ranges": "bytes",
      // only this person's browser may keep it; it never changes, but access can (delete)
      "cache-control": "private, max-age=300",
      "x-content-type-options": "nosniff",
    };
    const range = parseRange(req.headers.range, size);
    if (range.kind === "unsatisfiable") {
      res.writeHead(416, { ...headers, "content-range": `bytes */${size}`, "content-length": "0" }).end();
      return;
    }
    const part = range.kind === "part" ? range : null;
    const length = part ? part.end - part.start + 1 : size;
    res.writeHead(part ? 206 : 200, {
      ...headers,
      "content-length": String(length),
      ...(part ? { "content-range": `bytes ${part.start}-${part.end}/${size}` } : {}),
    });
    if (req.method === "HEAD" || length === 0) {
      res.end();
      return;
    }
    try {
      await pipeline(services.media.storage.read(key, part ?? undefined), res);
    } catch (err) {
      // a player that seeks drops its earlier request: not an error worth a log line
      if ((err as NodeJS.ErrnoException).code !== "ERR_STREAM_PREMATURE_CLOSE") deps.log.warn({ err, key }, "media read failed");
      res.destroy();
    }
  };
}
