import { randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { toCallView } from "@ringback/core/call-views";
import { voicemailEndedEvent, voicemailStartedEvent } from "@ringback/core/events";
import { MESSAGE_LIMITS, MESSAGE_REFUSED_TEXT, MESSAGE_TOO_FAST_TEXT, messageOffer, type MessageKind, type MessageOffer } from "@ringback/core/messages";
import { decideLeaveMessage } from "@ringback/core/reachability";
import { getCall, lockCall, ringFacts, userNames } from "@ringback/db/queries/calls";
import { publishEvents } from "@ringback/db/queries/events";
import { deleteMessageRow, insertMessage, lockMessage, lockMessageForCall, messageOfCall, messageSettingsOf, type MessageRow } from "@ringback/db/queries/messages";
import { toCoreCall } from "../calls/mapping";
import type { Logger } from "../logger";
import { removeMessageFiles } from "../media/cleanup";
import type { Services } from "../trpc";
import { takeBeginSlot } from "./begin-throttle";
import { mintLiveToken } from "./live-token";
import { endLive } from "./service";
import { createVoicemailRoom, deleteVoicemailRoom, mintTranscriberToken, mintVoicemailCallerToken, voicemailRoomName } from "./voicemail-room";
import { livekitUrlFor } from "../livekit/config";

export const NO_SUCH_CALL = "No such call";
export const NO_SUCH_MESSAGE = "No such message";

/** A message its sender may replace by beginning again: one still being made (a retake) or one that failed. */
function isReplaceable(message: MessageRow): boolean {
  return message.status === "recording" || message.status === "failed";
}

type OfferFacts = { offer: MessageOffer; recipientId: string | null };

/**
 * What the caller may leave after `callId`, or null when the call is not theirs to ask about (the
 * viewer is in it, or a silent ring's callee). Every branch past that point runs the same queries
 * (relationship facts, the callee's message settings, an existing message), so a blocked caller,
 * a stranger, a caller whose callee has Accept messages off and one whose callee has Live Voicemail
 * off get the same answer in the same time; only core decides between them.
 */
export async function offerFor(services: Pick<Services, "db">, userId: string, callId: string, now: Date): Promise<OfferFacts | null> {
  const row = await getCall(services.db, callId);
  const me = row?.participants.find((p) => p.userId === userId);
  if (!row || !me || (me.role === "callee" && me.ringSilent)) return null;
  const callees = row.participants.filter((p) => p.role === "callee");
  // the person a message would go to; for a group call, someone to run the same queries for
  const other = callees[0]?.userId ?? userId;
  const [facts] = await ringFacts(services.db, userId, [other]);
  const { acceptMessages, liveVoicemail } = await messageSettingsOf(services.db, other);
  const existing = await messageOfCall(services.db, callId, userId);
  const decision = facts ? decideLeaveMessage({ senderId: userId, recipientId: other, rel: facts.rel }) : ({ ok: false, reason: "not-known" } as const);
  const offer = messageOffer({ call: toCallView(toCoreCall(row), userId, new Map()), viewerId: userId, decision, acceptMessages, liveVoicemail, now });
  // one message per call: once one is on its way, there is nothing more to offer (an unfinished or failed one may be retaken)
  if (existing && !isReplaceable(existing)) return { offer: { kind: null }, recipientId: other };
  return { offer, recipientId: offer.kind ? other : null };
}

export type BeginResult = {
  messageId: string;
  kind: MessageKind;
  maxSeconds: number;
  maxBytes: number;
  uploadUrl: string;
  voicemail: { livekitUrl: string; token: string; roomName: string } | null;
};

/**
 * Starts a message for an unanswered call: counts the begin against the sender's limits, checks
 * the offer, replaces the caller's unfinished one for this call (a retake), and for a voicemail
 * opens its LiveKit room, asks the transcriber to join it and tells the recipient it has started.
 */
export async function beginMessage(services: Services, userId: string, callId: string, log: Logger): Promise<BeginResult> {
  const now = new Date();
  const facts = await offerFor(services, userId, callId, now);
  if (!facts) throw new TRPCError({ code: "NOT_FOUND", message: NO_SUCH_CALL });
  // counted before the offer is looked at, so it is the same for a blocked, a refused and an allowed caller
  if (!(await takeBeginSlot(services.db, userId, callId, now))) throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: MESSAGE_TOO_FAST_TEXT });
  const kind = facts.offer.kind;
  const recipientId = facts.recipientId;
  if (!kind || !recipientId) throw new TRPCError({ code: "FORBIDDEN", message: MESSAGE_REFUSED_TEXT });

  const id = randomUUID();
  const roomName = kind === "voicemail" ? voicemailRoomName(id) : null;
  if (roomName) await createVoicemailRoom(services.livekit, roomName);

  let replaced: MessageRow | null;
  let callerName = "Someone";
  try {
    replaced = await services.db.transaction(async (tx) => {
      // begins for one call serialise on the call's row, so a double click cannot leave two messages
      await lockCall(tx, callId);
      const old = await lockMessageForCall(tx, callId, userId);
      if (old && !isReplaceable(old)) throw new TRPCError({ code: "FORBIDDEN", message: MESSAGE_REFUSED_TEXT });
      if (old) {
        await deleteMessageRow(tx, old.id);
        if (old.kind === "voicemail" && old.status === "recording") await publishEvents(tx, [{ userId: old.recipientId, event: voicemailEndedEvent(old.id, "abandoned") }]);
      }
      const created = await insertMessage(tx, { id, callId, senderId: userId, recipientId, kind, liveRoom: roomName });
      if (kind === "voicemail") {
        const me = (await userNames(tx, [userId])).get(userId);
        callerName = me?.displayName ?? callerName;
        const from = { id: userId, displayName: callerName, handle: me?.handle ?? "" };
        await publishEvents(tx, [
          { userId: recipientId, event: voicemailStartedEvent({ messageId: id, callId, from, startedAt: created.createdAt }) },
        ]);
      }
      return old;
    });
  } catch (err) {
    if (roomName) await deleteVoicemailRoom(services.livekit, roomName).catch(() => {});
    throw err;
  }
  if (replaced) {
    await endLive(services, replaced, log);
    await removeMessageFiles(services, replaced).catch((err: unknown) => log.error({ err, messageId: replaced?.id }, "removing a retaken message's files failed"));
  }

  let voicemail: BeginResult["voicemail"] = null;
  if (roomName) {
    const token = await mintVoicemailCallerToken(services.livekit, { userId, name: callerName, roomName });
    voicemail = { livekitUrl: livekitUrlFor(services, userId), token, roomName };
    try {
      await services.transcriber.startLive({
        messageId: id,
        livekitUrl: services.livekit.url,
        token: await mintTranscriberToken(services.livekit, roomName),
        callbackUrl: `${services.apiUrl.replace(/\/+$/, "")}/internal/transcripts`,
        callbackToken: mintLiveToken(services.internalSecret, id),
      });
    } catch (err) {
      // the voicemail is still recorded and transcribed afterwards; only the live words are lost
      log.warn({ err, messageId: id }, "the live transcriber could not join; the voicemail goes on without live words");
    }
  }
  return {
    messageId: id,
    kind,
    maxSeconds: MESSAGE_LIMITS.maxSeconds,
    maxBytes: services.media.maxUploadBytes,
    uploadUrl: "/api/uploads",
    voicemail,
  };
}

/**
 * The sender discards an unfinished message (Retake, Close, Cancel): row, upload and, for a
 * voicemail, its room go, and a recipient following it is told it was abandoned.
 */
export async function cancelMessage(services: Services, userId: string, messageId: string, log: Logger): Promise<void> {
  const row = await services.db.transaction(async (tx) => {
    const current = await lockMessage(tx, messageId);
    if (!current || current.senderId !== userId) throw new TRPCError({ code: "NOT_FOUND", message: NO_SUCH_MESSAGE });
    if (current.status !== "recording") throw new TRPCError({ code: "CONFLICT", message: "This message was already sent" });
    await deleteMessageRow(tx, current.id);
    if (current.kind === "voicemail") {
      await publishEvents(tx, [{ userId: current.recipientId, event: voicemailEndedEvent(current.id, "abandoned") }]);
    }
    return current;
  });
  await endLive(services, row, log);
  await removeMessageFiles(services, row).catch((err: unknown) => log.error({ err, messageId }, "removing a cancelled message's files failed"));
}
