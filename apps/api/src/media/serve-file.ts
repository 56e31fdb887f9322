import type { IncomingMessage, ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import type { Logger } from "../logger";
import type { MediaStorage } from "./storage";

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

const NOT_FOUND = JSON.stringify({ error: "Not found" });

/** The one 404 every media route gives for anything it will not serve. */
export function sendMediaNotFound(res: ServerResponse): void {
  res.writeHead(404, { "content-type": "application/json" }).end(NOT_FOUND);
}

/**
 * Answers a GET or HEAD with a stored file of `size` bytes (or the one range asked for): the media
 * routes' common response, for messages and the Library alike. Storage that hands out signed URLs
 * (S3) gets a redirect there instead: the store answers ranges just the same.
 */
export async function serveStoredFile(
  req: IncomingMessage,
  res: ServerResponse,
  file: { storage: MediaStorage; key: string; size: number; contentType: string; headers?: Record<string, string> },
  log: Logger,
): Promise<void> {
  const { size } = file;
  if (file.storage.signedUrl) {
    // an object store serves the bytes (and ranges) itself: the browser is sent there, signed for
    // this file only and for minutes, once the route has decided this person may have it
    const location = await file.storage.signedUrl(file.key, { contentType: file.contentType, contentDisposition: file.headers?.["content-disposition"] });
    // each request gets a fresh signature: the redirect itself is never kept
    res.writeHead(302, { location, "cache-control": "no-store", "content-length": "0" }).end();
    return;
  }
  const headers = {
    "content-type": file.contentType,
    "accept-ranges": "bytes",
    // only this person's browser may keep it; it never changes, but access can (delete)
    "cache-control": "private, max-age=300",
    "x-content-type-options": "nosniff",
    ...file.headers,
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
    await pipeline(file.storage.read(file.key, part ?? undefined), res);
  } catch (err) {
    // a player that seeks drops its earlier request: not an error worth a log line
    if ((err as NodeJS.ErrnoException).code !== "ERR_STREAM_PREMATURE_CLOSE") log.warn({ err, key: file.key }, "media read failed");
    res.destroy();
  }
}

/** Only GET and HEAD read media; anything else is told so (true when the request was answered). */
export function refuseNonRead(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method === "GET" || req.method === "HEAD") return false;
  res.writeHead(405, { allow: "GET, HEAD", "content-type": "application/json" }).end(JSON.stringify({ error: "Method not allowed" }));
  return true;
}

/** A signed-out request to a media route (true when it was answered). */
export function refuseSignedOut(user: unknown, res: ServerResponse): boolean {
  if (user) return false;
  res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "Please sign in", code: "UNAUTHORIZED" } }));
  return true;
}
