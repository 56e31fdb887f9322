import { randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { createAnsweredCall } from "@ringback/core/call-state";
import { toCallView, type CallView } from "@ringback/core/call-views";
import { voicemailEndedEvent, voicemailPickedUpEvent } from "@ringback/core/events";
import { liveAccess } from "@ringback/core/messages";
import { insertCall } from "@ringback/db/queries/calls";
import { publishEvents } from "@ringback/db/queries/events";
import { deleteMessageRow, hasBlocked, lockMessage } from "@ringback/db/queries/messages";
import { toStored } from "../calls/mapping";
import { namesFor, viewEvents } from "../calls/service";
import type { Logger } from "../logger";
import { removeMessageFiles } from "../media/cleanup";
import type { Services } from "../trpc";
import { NO_SUCH_MESSAGE } from "./leave";
import { endLive } from "./service";

/**
 * The recipient picks up a voicemail being left: in one transaction it becomes an active audio call
 * between the two (in the voicemail's own LiveKit room, so the caller's voice never stops), the
 * unfinished voicemail is discarded, both get the call, the caller learns it was picked up and the
 * recipient's other tabs that it ended. Then the transcriber leaves; the room stays for the call.
 */
export async function pickUpVoicemail(services: Services, userId: string, messageId: string, log: Logger): Promise<{ call: CallView }> {
  const now = new Date();
  const done = await services.db.transaction(async (tx) => {
    const row = await lockMessage(tx, messageId);
    const blocked = row ? await hasBlocked(tx, row.recipientId, row.senderId) : false;
    const access = row ? liveAccess({ ...row, recipientBlockedSender: blocked }, userId) : ({ ok: false } as const);
    // the sender cannot pick up their own voicemail; to anyone else it does not exist
    if (!row || !access.ok || row.recipientId !== userId) throw new TRPCError({ code: "NOT_FOUND", message: NO_SUCH_MESSAGE });
    if (!access.active || !row.liveRoom) throw new TRPCError({ code: "CONFLICT", message: "This voicemail has ended" });

    const call = createAnsweredCall({ id: randomUUID(), kind: "audio", callerId: row.senderId, calleeId: row.recipientId, now });
    const stored = toStored(call);
    await insertCall(
      tx,
      { ...stored.call, kind: call.kind, callerId: call.callerId, roomName: row.liveRoom, createdAt: now },
      stored.participants.map((p) => ({ ...p, createdAt: now })),
    );
    await deleteMessageRow(tx, row.id);
    const names = await namesFor(tx, call);
    const { events } = viewEvents(call, names);
    await publishEvents(tx, [
      ...events,
      { userId: row.senderId, event: voicemailPickedUpEvent(row.id, toCallView(call, row.senderId, names)) },
      { userId: row.recipientId, event: voicemailEndedEvent(row.id, "picked-up") },
    ]);
    return { row, view: toCallView(call, userId, names) };
  });
  await endLive(services, done.row, log, { keepRoom: true });
  await removeMessageFiles(services, done.row).catch((err: unknown) => log.error({ err, messageId }, "removing a picked-up voicemail's files failed"));
  return { call: done.view };
}
