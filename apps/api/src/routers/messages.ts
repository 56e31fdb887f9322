import { TRPCError } from "@trpc/server";
import { messageChangedEvent, voicemailEndedEvent } from "@ringback/core/events";
import { canSeeMessage, liveAccess, messageCallInput, messageListInput, messageRefInput, messageSearchInput } from "@ringback/core/messages";
import { publishEvents } from "@ringback/db/queries/events";
import {
  deleteMessageRow,
  getMessage,
  hasBlocked,
  listMessagesFor,
  lockMessage,
  searchMessages,
  updateMessage,
  withPeople,
  type MessageRow,
} from "@ringback/db/queries/messages";
import type { Database } from "@ringback/db/client";
import type { Tx } from "@ringback/db/queries/calls";
import { removeMessageFiles } from "../media/cleanup";
import { beginMessage, cancelMessage, NO_SUCH_CALL, NO_SUCH_MESSAGE, offerFor } from "../messages/leave";
import { liveSegmentsOf } from "../messages/live";
import { pickUpVoicemail } from "../messages/pick-up";
import { endLive } from "../messages/service";
import { toMessageView, transcriptSegmentsOf } from "../messages/views";
import { protectedProcedure, router } from "../trpc";

const SEARCH_LIMIT = 20;

function notFound(): TRPCError {
  return new TRPCError({ code: "NOT_FOUND", message: NO_SUCH_MESSAGE });
}

/** NOT_FOUND, exactly as for an id that does not exist, unless `viewerId` may see the message (core canSeeMessage). */
async function checkVisible(db: Database | Tx, row: MessageRow | null, viewerId: string): Promise<MessageRow> {
  if (!row) throw notFound();
  const blocked = row.recipientId === viewerId ? await hasBlocked(db, row.recipientId, row.senderId) : false;
  if (!canSeeMessage({ ...row, recipientBlockedSender: blocked }, viewerId)) throw notFound();
  return row;
}

/** A message `viewerId` may see. */
async function visible(db: Database, messageId: string, viewerId: string): Promise<MessageRow> {
  return checkVisible(db, await getMessage(db, messageId), viewerId);
}

/** A message `viewerId` may see, locked for a change in this transaction. */
async function visibleLocked(tx: Tx, messageId: string, viewerId: string): Promise<MessageRow> {
  return checkVisible(tx, await lockMessage(tx, messageId), viewerId);
}

export const messagesRouter = router({
  /** What the caller may leave after an unanswered call: a video message, a voicemail, or nothing. */
  offer: protectedProcedure.input(messageCallInput).query(async ({ ctx, input }) => {
    const facts = await offerFor(ctx, ctx.user.id, input.callId, new Date());
    if (!facts) throw new TRPCError({ code: "NOT_FOUND", message: NO_SUCH_CALL });
    return { kind: facts.offer.kind };
  }),

  begin: protectedProcedure.input(messageCallInput).mutation(({ ctx, input }) => beginMessage(ctx, ctx.user.id, input.callId, ctx.log)),

  cancel: protectedProcedure.input(messageRefInput).mutation(async ({ ctx, input }) => {
    await cancelMessage(ctx, ctx.user.id, input.messageId, ctx.log);
    return { ok: true as const };
  }),

  /** Received messages that are ready and the ones I sent, newest first. */
  list: protectedProcedure.input(messageListInput).query(async ({ ctx, input }) => {
    const rows = await listMessagesFor(ctx.db, ctx.user.id, {
      withUserId: input.withUserId,
      kind: input.kind,
      limit: input.limit,
      before: input.before ? { createdAt: new Date(input.before.createdAt), id: input.before.id } : undefined,
    });
    return rows.map((r) => toMessageView(r, ctx.user.id));
  }),

  get: protectedProcedure.input(messageRefInput).query(async ({ ctx, input }) => {
    const row = await visible(ctx.db, input.messageId, ctx.user.id);
    const [named] = await withPeople(ctx.db, [row]);
    if (!named) throw notFound();
    return toMessageView(named, ctx.user.id);
  }),

  transcript: protectedProcedure.input(messageRefInput).query(async ({ ctx, input }) => {
    const row = await visible(ctx.db, input.messageId, ctx.user.id);
    return { status: row.transcriptStatus, segments: row.transcriptStatus === "ready" ? transcriptSegmentsOf(row) : [] };
  }),

  /** The recipient watched or listened to it: the badge goes down in every tab. */
  markSeen: protectedProcedure.input(messageRefInput).mutation(async ({ ctx, input }) => {
    await ctx.db.transaction(async (tx) => {
      const row = await visibleLocked(tx, input.messageId, ctx.user.id);
      if (row.recipientId !== ctx.user.id) throw new TRPCError({ code: "FORBIDDEN", message: "Only its recipient can mark a message as watched" });
      if (row.seenAt !== null) return;
      await updateMessage(tx, row.id, { seenAt: new Date() });
      await publishEvents(tx, [{ userId: row.recipientId, event: messageChangedEvent(row.id, "seen") }]);
    });
    return { ok: true as const };
  }),

  /** Sender or recipient deletes it: files, row, and both people's lists. */
  delete: protectedProcedure.input(messageRefInput).mutation(async ({ ctx, input }) => {
    const row = await ctx.db.transaction(async (tx) => {
      const current = await visibleLocked(tx, input.messageId, ctx.user.id);
      // files first, under the row's lock: if removing them fails, nothing was deleted and it can be retried
      await removeMessageFiles(ctx, current);
      await deleteMessageRow(tx, current.id);
      // a recipient the message never reached (not ready, or hidden from them) hears nothing of its deletion
      const told = [current.senderId, ...(current.status === "ready" && !current.hiddenFromRecipient ? [current.recipientId] : [])];
      await publishEvents(tx, told.map((userId) => ({ userId, event: messageChangedEvent(current.id, "deleted") })));
      if (current.kind === "voicemail" && current.status === "recording") {
        await publishEvents(tx, [{ userId: current.recipientId, event: voicemailEndedEvent(current.id, "abandoned") }]);
      }
      return current;
    });
    await endLive(ctx, row, ctx.log);
    return { ok: true as const };
  }),

  /** Words in the transcripts of my messages (received and sent), best match first. */
  search: protectedProcedure.input(messageSearchInput).query(async ({ ctx, input }) => {
    const hits = await searchMessages(ctx.db, ctx.user.id, input.q, SEARCH_LIMIT);
    return hits.map((h) => ({ message: toMessageView(h.message, ctx.user.id), snippet: h.snippet }));
  }),

  /** A voicemail being left, for its recipient's tab that opened mid-way: who, and the words so far. */
  live: protectedProcedure.input(messageRefInput).query(async ({ ctx, input }) => {
    const row = await getMessage(ctx.db, input.messageId);
    if (!row) throw notFound();
    const blocked = row.recipientId === ctx.user.id ? await hasBlocked(ctx.db, row.recipientId, row.senderId) : false;
    const access = liveAccess({ ...row, recipientBlockedSender: blocked }, ctx.user.id);
    if (!access.ok) throw notFound();
    const [named] = await withPeople(ctx.db, [row]);
    if (!named) throw notFound();
    const from = named.sender;
    return { active: access.active, from: { id: from.id, displayName: from.displayName, handle: from.handle }, segments: liveSegmentsOf(row) };
  }),

  /** The recipient turns the voicemail being left into a live call with its caller. */
  pickUp: protectedProcedure.input(messageRefInput).mutation(({ ctx, input }) => pickUpVoicemail(ctx, ctx.user.id, input.messageId, ctx.log)),
});
