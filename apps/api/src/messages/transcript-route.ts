import type { IncomingMessage, ServerResponse } from "node:http";
import { liveCallbackSchema } from "@ringback/core/messages";
import { readLimitedBody } from "../http/read-body";
import type { Services } from "../trpc";
import { receiveLiveSegments } from "./live";
import { verifyLiveToken } from "./live-token";

/** A callback carries a few segments; anything near this size is not from our worker. */
export const MAX_CALLBACK_BYTES = 64 * 1024;

function reply(res: ServerResponse, status: number, body: Record<string, unknown>) {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

function bearer(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? "");
  return match?.[1] ?? null;
}

/**
 * POST /internal/transcripts: the transcriber worker's live segments for one voicemail, as
 * `{ messageId, segments, ended? }` with `Authorization: Bearer <callbackToken>` (live-token.ts).
 * 401 for a token that is not this message's, 404 for a message that is gone, 413 over 64 KB,
 * 400 for a body that is not such JSON, 405 for anything but POST; otherwise 200.
 */
export async function handleTranscriptCallback(services: Services, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== "POST") {
    res.setHeader("allow", "POST");
    return reply(res, 405, { error: "Use POST" });
  }
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > MAX_CALLBACK_BYTES) {
    res.setHeader("connection", "close");
    return reply(res, 413, { error: "Transcript callback too large" });
  }
  const body = await readLimitedBody(req, MAX_CALLBACK_BYTES);
  if (body === null) return reply(res, 413, { error: "Transcript callback too large" });
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return reply(res, 400, { error: "Malformed JSON" });
  }
  const parsed = liveCallbackSchema.safeParse(json);
  if (!parsed.success) return reply(res, 400, { error: "Not a transcript callback" });
  // the token names one message: it proves nothing about any other
  if (!verifyLiveToken(services.internalSecret, parsed.data.messageId, bearer(req.headers.authorization))) {
    return reply(res, 401, { error: "Invalid callback token" });
  }
  const outcome = await receiveLiveSegments(services, parsed.data);
  if (outcome === "missing") return reply(res, 404, { error: "Not found" });
  reply(res, 200, { ok: true });
}
