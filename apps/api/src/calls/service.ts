import { TRPCError } from "@trpc/server";
import { isCallOver, transition, type Call, type CallEvent, type Participant, type TransitionError } from "@ringback/core/call-state";
import { toCallView, type CallView, type Names } from "@ringback/core/call-views";
import { callUpdatedEvent, incomingCallEvent, type RealtimeEvent } from "@ringback/core/events";
import { isUniqueViolation } from "@ringback/db/errors";
import { insertCall, lockCall, saveCall, userNames, type Tx } from "@ringback/db/queries/calls";
import { publishEvents, type EventInput } from "@ringback/db/queries/events";
import type { Database } from "@ringback/db/client";
import { recordingAfterCallEvent } from "../library/recording-service";
import { deleteRoom } from "../livekit/rooms";
import type { Services } from "../trpc";
import { toCoreCall, toStored } from "./mapping";

/** A callee whose ring is silent must never learn of the call. */
function isSilent(p: Participant): boolean {
  return p.ring !== null && "silent" in p.ring && p.ring.silent;
}

/**
 * One event per person in the call, each carrying the call as that person may see it: `events` for
 * everyone who may know of the call, `decoys` for callees whose ring is silent (publishEvents does the same work for them
 * and keeps none of it, so the time a request takes does not depend on a block).
 */
export function viewEvents(
  call: Call,
  names: Names,
  make: (view: CallView) => RealtimeEvent = callUpdatedEvent,
  include: (p: Participant) => boolean = () => true,
): { events: EventInput[]; decoys: EventInput[] } {
  const of = (p: Participant): EventInput => ({ userId: p.userId, event: make(toCallView(call, p.userId, names)) });
  const rung = call.participants.filter(include);
  return { events: rung.filter((p) => !isSilent(p)).map(of), decoys: rung.filter(isSilent).map(of) };
}

export async function namesFor(db: Database | Tx, ...calls: Call[]): Promise<Names> {
  return userNames(db, [...new Set(calls.flatMap((c) => c.participants.map((p) => p.userId)))]);
}

const ERROR_TEXT: Record<TransitionError["code"], { code: "NOT_FOUND" | "CONFLICT" | "FORBIDDEN"; message: string }> = {
  "not-participant": { code: "NOT_FOUND", message: "No such call" },
  "not-ringing": { code: "CONFLICT", message: "This call is no longer ringing" },
  "not-caller": { code: "FORBIDDEN", message: "Only the caller can cancel" },
  "call-over": { code: "CONFLICT", message: "This call has ended" },
};

export type ApplyResult = { call: Call; changed: boolean; roomName: string } | { error: TransitionError } | { missing: true };

/**
 * Applies one lifecycle event under a row lock, saves the result and tells everyone in the call, all
 * in one transaction: a change is either stored and announced, or neither.
 */
export async function applyCallEvent(
  services: Pick<Services, "db" | "livekit">,
  callId: string,
  event: CallEvent,
  opts: { skipLocked?: boolean; actor?: string; mediaSince?: Date } = {},
): Promise<ApplyResult> {
  const result = await services.db.transaction(async (tx): Promise<ApplyResult> => {
    const row = await lockCall(tx, callId, opts);
    if (!row) return { missing: true };
    // a callee whose ring is silent must not learn the call exists, whatever they send
    const actor = opts.actor ? row.participants.find((p) => p.userId === opts.actor) : undefined;
    if (actor?.role === "callee" && actor.ringSilent) return { missing: true };
    const before = toCoreCall(row);
    const next = transition(before, event);
    if (!next.ok) return { error: next.error };
    const changed = next.call !== before;
    if (changed) {
      const stored = toStored(next.call);
      await saveCall(tx, stored.call, stored.participants);
      // a recording stops when the call is over or its recorder leaves, and meets whoever joins; its
      // row is locked after the call's and before anyone's event counter (the order every change keeps)
      await recordingAfterCallEvent(tx, callId, {
        type: event.type,
        userId: "userId" in event ? event.userId : undefined,
        now: event.now,
        over: isCallOver(next.call.status),
        mediaSince: opts.mediaSince,
      });
      const { events, decoys } = viewEvents(next.call, await namesFor(tx, next.call));
      await publishEvents(tx, events, decoys);
    }
    return { call: next.call, changed, roomName: row.roomName };
  });
  if ("call" in result && result.changed && isCallOver(result.call.status)) {
    // the room outlives nothing: whoever is still connected is disconnected now
    void deleteRoom(services.livekit, result.roomName).catch(() => {});
  }
  return result;
}

/** Like applyCallEvent, for a procedure: failures become precise tRPC errors. */
export async function applyOrThrow(services: Pick<Services, "db" | "livekit">, callId: string, event: CallEvent & { userId: string }): Promise<Call> {
  const result = await applyCallEvent(services, callId, event, { actor: event.userId });
  if ("missing" in result) throw new TRPCError({ code: "NOT_FOUND", message: "No such call" });
  if ("error" in result) throw new TRPCError(ERROR_TEXT[result.error.code]);
  return result.call;
}

export async function viewFor(db: Database, call: Call, viewerId: string): Promise<CallView> {
  const [view] = await viewsFor(db, [call], viewerId);
  if (!view) throw new Error("a view for one call is always there");
  return view;
}

/** Views of many calls with one lookup of everyone's names. */
export async function viewsFor(db: Database, calls: Call[], viewerId: string): Promise<CallView[]> {
  const names = await namesFor(db, ...calls);
  return calls.map((c) => toCallView(c, viewerId, names));
}

/**
 * Stores a new call and sends incoming-call to the callees whose ring is live (silent and unavailable
 * ones hear nothing), in one transaction. False when the caller already has a ringing call: Postgres
 * enforces that with a unique index, so concurrent starts on any API process agree.
 */
export async function storeNewCall(db: Database, call: Call, roomName: string, names: Names): Promise<boolean> {
  const stored = toStored(call);
  try {
    await db.transaction(async (tx) => {
      await insertCall(
        tx,
        { ...stored.call, kind: call.kind, callerId: call.callerId, roomName, createdAt: call.createdAt },
        stored.participants.map((p) => ({ ...p, createdAt: call.createdAt })),
      );
      // callees whose ring is live hear it; a silent ring's callee is a decoy (see viewEvents)
      const { events, decoys } = viewEvents(call, names, incomingCallEvent, (p) => p.ring?.state === "ringing");
      await publishEvents(tx, events, decoys);
    });
    return true;
  } catch (err) {
    if (isUniqueViolation(err, "calls_one_ringing_per_caller")) return false;
    throw err;
  }
}
