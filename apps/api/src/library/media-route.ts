import type { IncomingMessage, ServerResponse } from "node:http";
import type { SessionUser } from "../auth/session";
import type { Logger } from "../logger";
import type { Services } from "../trpc";

export const LIBRARY_MEDIA_PATH = "/api/media/library";

// STUB (foundation): filled in by its owner
export function createLibraryMediaRoute(
  _services: Services,
  _deps: { userOf: (req: IncomingMessage) => Promise<SessionUser | null>; log: Logger },
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    req.resume();
    res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "Not found" }));
  };
}
