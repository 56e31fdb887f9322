import type { IncomingMessage, ServerResponse } from "node:http";
import { getCallByRoom } from "@ringback/db/queries/calls";
import { receiveWebhook, WebhookAuthError } from "../livekit/webhooks";
import { drainLimit, readLimitedBody } from "../http/read-body";
import type { Services } from "../trpc";
import { applyCallEvent } from "./service";

const MAX_BODY_BYTES = 256 * 1024;

// livekit.DisconnectReason values for sessions that end while the person stays in the room: the same
// identity joined again (a second tab, a reload) or the session moved to another node
const DUPLICATE_IDENTITY = 2;
const MIGRATION = 8;

/**
 * When LiveKit says the participant's media entered the room (its own clock, the same machine room as
 * ours). A recording this joiner stops is cut there rather than at the webhook's arrival, which can
 * come late (LiveKit retries, an API restart).
 */
function mediaSinceOf(participant: { joinedAt?: bigint; joinedAtMs?: bigint } | undefined): Date | undefined {
  const ms = participant?.joinedAtMs ? Number(participant.joinedAtMs) : participant?.joinedAt ? Number(participant.joinedAt) * 1000 : 0;
  return ms > 0 ? new Date(ms) : undefined;
}

function reply(res: ServerResponse, status: number, message: string) {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ error: message }));
}

/**
 * LiveKit's webhooks: joins, leaves and the room closing move the call along. The signature is
 * checked against the raw body before anything is read from it.
 */
export function createWebhookHandler(services: Pick<Services, "db" | "livekit">) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== "POST") return reply(res, 405, "Use POST");
    // a declared length over the limit is refused before reading a byte of it
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > drainLimit(MAX_BODY_BYTES)) {
      res.setHeader("connection", "close");
      return reply(res, 413, "Webhook body too large");
    }
    const body = await readLimitedBody(req, MAX_BODY_BYTES);
    if (body === null) return reply(res, 413, "Webhook body too large");
    let event;
    try {
      event = await receiveWebhook(services.livekit, body, req.headers.authorization);
    } catch (err) {
      if (err instanceof WebhookAuthError) return reply(res, 401, "Invalid webhook signature");
      return reply(res, 400, "Malformed webhook");
    }
    const roomName = event.room?.name;
    const callId = roomName ? await getCallByRoom(services.db, roomName) : null;
    if (callId) {
      const now = new Date();
      const userId = event.participant?.identity;
      switch (event.event) {
        case "participant_joined":
          if (userId) await applyCallEvent(services, callId, { type: "join", userId, now }, { mediaSince: mediaSinceOf(event.participant) });
          break;
        case "participant_left":
        case "participant_connection_aborted": {
          const reason = event.participant?.disconnectReason;
          if (userId && reason !== DUPLICATE_IDENTITY && reason !== MIGRATION) {
            await applyCallEvent(services, callId, { type: "leave", userId, now });
          }
          break;
        }
        case "room_finished":
          await applyCallEvent(services, callId, { type: "room-finished", now });
          break;
        default:
          break;
      }
    }
    res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
  };
}
