import type { IncomingMessage } from "node:http";

/** How much of an oversized body is read (and dropped) before the connection is cut. */
export function drainLimit(maxBytes: number): number {
  return 16 * maxBytes;
}

/**
 * A request's raw body as text, or null when it is larger than `maxBytes`. An oversized body is
 * still read to its end (and thrown away) before the caller answers: closing a socket with unread
 * data makes the kernel reset the connection, and the sender would see that instead of a 413. Past
 * 16 × `maxBytes` the sender is not who we expect: stop listening rather than read on for ever.
 */
export function readLimitedBody(req: IncomingMessage, maxBytes: number): Promise<string | null> {
  const drainBytes = drainLimit(maxBytes);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > drainBytes) {
        req.destroy();
        resolve(null);
      } else if (size > maxBytes) {
        chunks.length = 0;
      } else {
        chunks.push(chunk);
      }
    });
    req.on("end", () => resolve(size > maxBytes ? null : Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
