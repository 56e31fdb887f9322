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
import { livekitUrlFor } from "../livekit/config";
import { mintJoinToken } from "../livekit/tokens";
import { toCoreCall } from "../calls/mapping";
import { beforeJoinToken } from "../library/recording-service";
import { callRoomReady, createCallRoom, roomOptions } from "../calls/rooms";
import { applyCallEvent, applyOrThrow, namesFor, storeNewCall, viewFor, viewsFor } from "../calls/service";
import { withCaptureSummaries } from "../library/history-captures";
import { withMessageSummaries } from "../messages/summaries";
import { protectedProcedure, router } from "../trpc";

const JOIN_TOKEN_TTL_SECONDS = 300;
const ALREADY_CALLING = "You're already calling. Hang up first.";
const CALLS_UNAVAILABLE = "Calls can't connect right now. Try again in a moment.";

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

  answer: protectedProcedure.input(answerInput).mutation(async ({ ctx, input }) => {
    const call = await applyOrThrow(ctx, input.callId, { type: "answer", userId: ctx.user.id, now: new Date() });
    return viewFor(ctx.db, call, ctx.user.id);
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
  join: protectedProcedure.input(callRefInput).mutation(async ({ ctx, input }) => {
    const row = await getCall(ctx.db, input.callId);
    const me = row?.participants.find((p) => p.userId === ctx.user.id);
    if (!row || !me || (me.ringSilent && me.role === "callee")) throw new TRPCError({ code: "NOT_FOUND", message: "No such call" });
    if (row.status !== "ringing" && row.status !== "active") throw new TRPCError({ code: "CONFLICT", message: "This call has ended" });
    if (me.role === "callee" && me.ringState !== "answered") throw new TRPCError({ code: "FORBIDDEN", message: "Answer the call to join it" });
    // a recording in progress stops before someone who has not allowed recording can be in it
    await beforeJoinToken(ctx, row.id, ctx.user.id);
    // the room is created just after the ring: a join must not overtake that
    await callRoomReady(ctx.livekit, row.roomName, { createdAt: row.createdAt, people: row.participants.length }).catch(() => {
      throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: CALLS_UNAVAILABLE });
    });
    const names = await namesFor(ctx.db, toCoreCall(row));
    const token = await mintJoinToken(ctx.livekit, {
      identity: ctx.user.id,
      name: names.get(ctx.user.id)?.displayName ?? "Someone",
      roomName: row.roomName,
      ttlSeconds: JOIN_TOKEN_TTL_SECONDS,
    });
    return { token, url: livekitUrlFor(ctx, ctx.user.id), roomName: row.roomName };
  }),

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
