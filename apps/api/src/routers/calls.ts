import { randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { createCall } from "@ringback/core/call-state";
import { toCallView } from "@ringback/core/call-views";
import { publicMessage } from "@ringback/core/errors";
import { missedSeenEvent } from "@ringback/core/events";
import { badgeCount } from "@ringback/core/messages";
import { planRing } from "@ringback/core/reachability";
import { answerInput, callRefInput, historyInput, startCallInput } from "@ringback/core/schemas";
import { getCall, getCalls, historyFor, markMissedSeen, ringFacts, ringingCallOf, ringingFor, unseenMissedCount, userNames } from "@ringback/db/queries/calls";
import { publishEvents } from "@ringback/db/queries/events";
import { unwatchedCount } from "@ringback/db/queries/messages";
import { toCoreCall } from "../calls/mapping";
import { CALLS_UNAVAILABLE, grantJoin } from "../calls/join-grant";
import { createCallRoom, roomOptions } from "../calls/rooms";
import { applyCallEvent, applyOrThrow, storeNewCall, viewFor, viewsFor } from "../calls/service";
import { withCaptureSummaries } from "../library/history-captures";
import { withMessageSummaries } from "../messages/summaries";
import { protectedProcedure, router } from "../trpc";

const ALREADY_CALLING = "You're already calling. Hang up first.";

export const callsRouter = router({
  start: protectedProcedure.input(startCallInput).mutation(async ({ ctx, input }) => {
    const me = ctx.user.id;
    if (input.calleeIds.includes(me)) throw new TRPCError({ code: "BAD_REQUEST", message: publicMessage("self") });
    // side by side: each is a round trip to Postgres on the way to the callee's phone
    const [facts, ringing, names] = await Promise.all([
      ringFacts(ctx.db, me, input.calleeIds),
      ringingCallOf(ctx.db, me),
      userNames(ctx.db, [...new Set([me, ...input.calleeIds])]),
    ]);
    if (facts.length !== input.calleeIds.length) throw new TRPCError({ code: "NOT_FOUND", message: "No such user" });
    // a cheap early answer; the unique index below is what actually guarantees it
    if (ringing) throw new TRPCError({ code: "CONFLICT", message: ALREADY_CALLING });

    const now = new Date();
    const plan = planRing({ callerId: me, callees: facts.map((f) => ({ id: f.id, rel: f.rel, prefs: f })), now });
    if (!plan.ok) throw new TRPCError({ code: "BAD_REQUEST", message: publicMessage(plan.reason) });

    const id = randomUUID();
    const call = createCall({ id, kind: input.kind, callerId: me, callees: plan.callees, now });
    const roomName = `call_${id}`;
    // the ring goes out first: LiveKit's room creation is not on the path to the callee's phone
    if (!(await storeNewCall(ctx.db, call, roomName, names))) {
      // another start by the same caller won the race (possibly on another API process)
      throw new TRPCError({ code: "CONFLICT", message: ALREADY_CALLING });
    }
    try {
      await createCallRoom(ctx.livekit, roomName, roomOptions(input.calleeIds.length + 1));
    } catch (err) {
      // without a room nobody can talk: the call ends for everyone it reached, like a vanished room
      ctx.log.error({ err, callId: id }, "creating the call's room failed; ending the call");
      await applyCallEvent(ctx, id, { type: "room-finished", now: new Date() });
      throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: CALLS_UNAVAILABLE });
    }
    return toCallView(call, me, names);
  }),

  /**
   * With `join`, the LiveKit grant comes back with the answer: Accept connects one round trip
   * sooner. calls.join stays for the caller and for every rejoin.
   */
  answer: protectedProcedure.input(answerInput).mutation(async ({ ctx, input }) => {
    const call = await applyOrThrow(ctx, input.callId, { type: "answer", userId: ctx.user.id, now: new Date() });
    if (!input.join) return viewFor(ctx.db, call, ctx.user.id);
    // the answer stands even when the grant fails: the browser then asks calls.join, which says why
    const [view, join] = await Promise.all([
      viewFor(ctx.db, call, ctx.user.id),
      grantJoin(ctx, input.callId, ctx.user.id).catch((err: unknown) => {
        ctx.log.warn({ err, callId: input.callId }, "no join grant with the answer");
        return null;
      }),
    ]);
    return { ...view, join };
  }),

  decline: protectedProcedure.input(callRefInput).mutation(async ({ ctx, input }) => {
    const call = await applyOrThrow(ctx, input.callId, { type: "decline", userId: ctx.user.id, now: new Date() });
    return viewFor(ctx.db, call, ctx.user.id);
  }),

  cancel: protectedProcedure.input(callRefInput).mutation(async ({ ctx, input }) => {
    const call = await applyOrThrow(ctx, input.callId, { type: "cancel", userId: ctx.user.id, now: new Date() });
    return viewFor(ctx.db, call, ctx.user.id);
  }),

  leave: protectedProcedure.input(callRefInput).mutation(async ({ ctx, input }) => {
    const call = await applyOrThrow(ctx, input.callId, { type: "leave", userId: ctx.user.id, now: new Date() });
    return viewFor(ctx.db, call, ctx.user.id);
  }),

  /** A LiveKit token for this call only: the caller, or a callee who answered, while the call is live. */
  join: protectedProcedure.input(callRefInput).mutation(({ ctx, input }) => grantJoin(ctx, input.callId, ctx.user.id)),

  get: protectedProcedure.input(callRefInput).query(async ({ ctx, input }) => {
    const row = await getCall(ctx.db, input.callId);
    const me = row?.participants.find((p) => p.userId === ctx.user.id);
    // a silent ring is invisible to its callee: the call does not exist for them
    if (!row || !me || (me.role === "callee" && me.ringSilent)) throw new TRPCError({ code: "NOT_FOUND", message: "No such call" });
    const view = await viewFor(ctx.db, toCoreCall(row), ctx.user.id);
    const [withMessage] = await withCaptureSummaries(ctx.db, ctx.user.id, await withMessageSummaries(ctx.db, ctx.user.id, [view]));
    return withMessage ?? view;
  }),

  /** Calls ringing for me right now, for a page that opens mid-ring. */
  ringing: protectedProcedure.query(async ({ ctx }) => {
    const rows = await getCalls(ctx.db, await ringingFor(ctx.db, ctx.user.id));
    return viewsFor(ctx.db, rows.map(toCoreCall), ctx.user.id);
  }),

  history: protectedProcedure.input(historyInput).query(async ({ ctx, input }) => {
    const rows = await historyFor(ctx.db, ctx.user.id, {
      missedOnly: input.filter === "missed",
      withUserId: input.withUserId,
      limit: input.limit,
      before: input.cursor ? new Date(input.cursor) : undefined,
    });
    const views = await viewsFor(ctx.db, rows.map(toCoreCall), ctx.user.id);
    // the two summaries read different tables: side by side, then joined
    const [withMessages, withCaptures] = await Promise.all([
      withMessageSummaries(ctx.db, ctx.user.id, views),
      withCaptureSummaries(ctx.db, ctx.user.id, views),
    ]);
    const items = withMessages.map((v, i) => ({ ...v, captures: withCaptures[i]?.captures ?? [] }));
    const last = items.at(-1);
    return { items, nextCursor: items.length === input.limit && last ? last.createdAt.toISOString() : null };
  }),

  /** The Calls badge: missed calls not yet seen plus received messages not yet watched. */
  missedCount: protectedProcedure.query(async ({ ctx }) => ({
    count: badgeCount({
      unseenMissedCalls: await unseenMissedCount(ctx.db, ctx.user.id),
      unwatchedMessages: await unwatchedCount(ctx.db, ctx.user.id),
    }),
  })),

  markSeen: protectedProcedure.mutation(async ({ ctx }) => {
    // one transaction: rows marked seen without their event would leave the badge on in other tabs
    await ctx.db.transaction(async (tx) => {
      await markMissedSeen(tx, ctx.user.id, new Date());
      await publishEvents(tx, [{ userId: ctx.user.id, event: missedSeenEvent() }]);
    });
    return { ok: true as const };
  }),
});
