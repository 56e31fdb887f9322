import { sameId } from "./ids";

export type CallKind = "audio" | "video";
export type RingOutcome = "answered" | "declined" | "timeout" | "cancelled" | "unavailable";
export type CalleeRing =
  | { state: "ringing"; deadline: Date; silent: boolean }
  | { state: "answered"; at: Date }
  | { state: "declined"; at: Date; silent: boolean }
  | { state: "timeout"; at: Date; silent: boolean }
  | { state: "cancelled"; at: Date; silent: boolean }
  // the callee takes no calls at all: never rang, the caller is told so at once
  | { state: "unavailable"; at: Date; silent: boolean };
export type Participant = {
  userId: string;
  role: "caller" | "callee";
  ring: CalleeRing | null; // null for the caller
  joinedAt: Date | null;
  leftAt: Date | null;
};
export type CallStatus = "ringing" | "active" | "missed" | "declined" | "cancelled" | "ended";
export type Call = {
  id: string;
  kind: CallKind;
  callerId: string;
  createdAt: Date;
  status: CallStatus;
  answeredAt: Date | null;
  endedAt: Date | null;
  participants: Participant[];
};
export type CallEvent =
  | { type: "answer"; userId: string; now: Date }
  | { type: "decline"; userId: string; now: Date }
  | { type: "cancel"; userId: string; now: Date } // only the caller, only while ringing
  | { type: "expire"; now: Date } // sweeper: rings past their deadline → timeout
  | { type: "join"; userId: string; now: Date } // media joined (LiveKit participant_joined)
  | { type: "leave"; userId: string; now: Date } // hang up / media left
  | { type: "room-finished"; now: Date };
export type TransitionError =
  | { code: "not-participant" }
  | { code: "not-ringing" }
  | { code: "not-caller" }
  | { code: "call-over" };
export type TransitionResult = { ok: true; call: Call } | { ok: false; error: TransitionError };

/** True for the four final statuses, after which a call never changes again. */
export function isCallOver(status: CallStatus): boolean {
  switch (status) {
    case "ringing":
    case "active":
      return false;
    case "missed":
    case "declined":
    case "cancelled":
    case "ended":
      return true;
    default: {
      const _exhaustive: never = status;
      return _exhaustive;
    }
  }
}

/** Starts a call: the caller plus one ringing ring per callee; throws on an impossible callee list. */
export function createCall(input: {
  id: string;
  kind: CallKind;
  callerId: string;
  callees: Array<{ userId: string; silent: boolean; deadline: Date; unavailable?: boolean }>;
  now: Date;
}): Call {
  const { id, kind, callerId, callees, now } = input;
  // Schemas and policies rule these out; a call built anyway would be ambiguous for every event.
  if (callees.length === 0) throw new RangeError("A call needs at least one callee");
  const ids = [callerId, ...callees.map((c) => c.userId)].map((u) => u.toLowerCase());
  if (new Set(ids).size !== ids.length) throw new RangeError("Each participant can appear only once");

  const caller: Participant = { userId: callerId, role: "caller", ring: null, joinedAt: null, leftAt: null };
  const rung = callees.map(
    (c): Participant => ({
      userId: c.userId,
      role: "callee",
      ring: c.unavailable ? { state: "unavailable", at: now, silent: c.silent } : { state: "ringing", deadline: c.deadline, silent: c.silent },
      joinedAt: null,
      leftAt: null,
    }),
  );
  return withParticipants(
    { id, kind, callerId, createdAt: now, status: "ringing", answeredAt: null, endedAt: null, participants: [] },
    [caller, ...rung],
  );
}

/**
 * A call that starts answered: a live voicemail picked up by its recipient becomes a one-to-one call
 * with no ring. The callee's ring is "answered" at `now`, so the call is active and every later
 * event (join, leave, room-finished) applies to it exactly as to a call that rang and was answered.
 * Nobody has joined its media yet: LiveKit's join webhooks record that as for any call.
 */
export function createAnsweredCall(input: { id: string; kind: CallKind; callerId: string; calleeId: string; now: Date }): Call {
  const { id, kind, callerId, calleeId, now } = input;
  if (sameId(callerId, calleeId)) throw new RangeError("Each participant can appear only once");
  const caller: Participant = { userId: callerId, role: "caller", ring: null, joinedAt: null, leftAt: null };
  const callee: Participant = { userId: calleeId, role: "callee", ring: { state: "answered", at: now }, joinedAt: null, leftAt: null };
  return withParticipants(
    { id, kind, callerId, createdAt: now, status: "active", answeredAt: now, endedAt: null, participants: [] },
    [caller, callee],
  );
}

/** Derives the call's status from its rings and whether it has ended (see the lifecycle rules). */
export function deriveStatus(call: Call): CallStatus {
  const rings = call.participants.flatMap((p) => (p.ring ? [p.ring] : []));
  if (rings.some((r) => r.state === "answered")) return call.endedAt === null ? "active" : "ended";
  if (rings.some((r) => r.state === "ringing")) return "ringing";
  if (rings.every((r) => r.state === "cancelled")) return "cancelled";
  if (rings.every((r) => r.state === "declined" && !r.silent)) return "declined";
  return "missed";
}

/** Applies one event to a call; returns a new call (or the same one when nothing changed) or a typed error. */
export function transition(call: Call, event: CallEvent): TransitionResult {
  if (event.type === "expire") {
    return isCallOver(call.status) ? fail("call-over") : ok(expireRings(call, event.now));
  }
  if (event.type === "room-finished") {
    const current = expireRings(call, event.now);
    return ok(isCallOver(current.status) ? current : endCall(current, event.now));
  }

  // Time passes before the event: a ring past its deadline has timed out even if the sweeper has
  // not run yet, so nobody can answer a ring the caller already sees as unanswered.
  const current = expireRings(call, event.now);
  const actor = current.participants.find((p) => sameId(p.userId, event.userId));
  if (!actor) return fail("not-participant");
  if (event.type === "cancel" && actor.role !== "caller") return fail("not-caller");
  if (isCallOver(current.status)) {
    // Hanging up races with timeouts and webhooks; leaving a finished call is harmless.
    return event.type === "leave" ? ok(current) : fail("call-over");
  }

  switch (event.type) {
    case "answer":
    case "decline": {
      const ring = actor.ring;
      // Silent rings are never shown to the callee, so they cannot be answered or declined.
      if (ring === null || ring.state !== "ringing" || ring.silent) return fail("not-ringing");
      const next: CalleeRing =
        event.type === "answer"
          ? { state: "answered", at: event.now }
          : { state: "declined", at: event.now, silent: false };
      return ok(withParticipants(current, replace(current, actor.userId, { ...actor, ring: next })));
    }
    case "cancel":
      if (current.status !== "ringing") return fail("not-ringing");
      return ok(cancelRinging(current, event.now));
    case "join": {
      if (actor.joinedAt !== null && actor.leftAt === null) return ok(current);
      // A rejoin (media dropped and came back) puts the participant back in the call.
      const joined: Participant = { ...actor, joinedAt: actor.joinedAt ?? event.now, leftAt: null };
      return ok(withParticipants(current, replace(current, actor.userId, joined)));
    }
    case "leave": {
      if (actor.role === "caller" && current.status === "ringing") return ok(cancelRinging(current, event.now));
      if (!isPresent(actor)) return ok(current);
      const participants = replace(current, actor.userId, { ...actor, leftAt: event.now });
      const remaining = participants.filter(isPresent).length;
      if (current.status === "active" && remaining < 2) {
        return ok(endCall({ ...current, participants }, event.now));
      }
      return ok(withParticipants(current, participants));
    }
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

function ok(call: Call): TransitionResult {
  return { ok: true, call };
}

function fail(code: TransitionError["code"]): TransitionResult {
  return { ok: false, error: { code } };
}

// In the call = not left, and either the caller (who started it), media-joined, or answered.
// The caller counts before their media join arrives, so an early hang-up cannot end a live call.
function isPresent(p: Participant): boolean {
  if (p.leftAt !== null) return false;
  return p.role === "caller" || p.joinedAt !== null || p.ring?.state === "answered";
}

function replace(call: Call, userId: string, updated: Participant): Participant[] {
  return call.participants.map((p) => (p.userId === userId ? updated : p));
}

function expireRings(call: Call, now: Date): Call {
  const due = (r: CalleeRing | null) => r?.state === "ringing" && r.deadline.getTime() <= now.getTime();
  if (!call.participants.some((p) => due(p.ring))) return call;
  const participants = call.participants.map((p): Participant => {
    const ring = p.ring;
    if (ring === null || ring.state !== "ringing" || !due(ring)) return p;
    // The ring ended at its deadline, not when the sweeper noticed.
    return { ...p, ring: { state: "timeout", at: ring.deadline, silent: ring.silent } };
  });
  return withParticipants(call, participants);
}

function cancelRing(p: Participant, now: Date): Participant {
  const ring = p.ring;
  if (ring === null || ring.state !== "ringing") return p;
  return { ...p, ring: { state: "cancelled", at: now, silent: ring.silent } };
}

// The caller gave up while ringing: stop every ring and record the caller as gone.
function cancelRinging(call: Call, now: Date): Call {
  const participants = call.participants.map((p) => {
    const stopped = cancelRing(p, now);
    return p.role === "caller" ? { ...stopped, leftAt: now } : stopped;
  });
  return withParticipants(call, participants);
}

// The call is over for everyone: rings still going stop, whoever is still in is recorded as left.
function endCall(call: Call, now: Date): Call {
  const participants = call.participants.map((p) => {
    const stopped = cancelRing(p, now);
    return isPresent(stopped) ? { ...stopped, leftAt: now } : stopped;
  });
  return withParticipants(call, participants, now);
}

// Every change goes through here so answeredAt, endedAt and status are always derived the same way.
function withParticipants(call: Call, participants: Participant[], endedAt: Date | null = null): Call {
  const rings = participants.flatMap((p) => (p.ring ? [p.ring] : []));
  const answerTimes = rings.flatMap((r) => (r.state === "answered" ? [r.at.getTime()] : []));
  // Rings never leave "answered", so the earliest answer is stable: the call's answeredAt.
  const answeredAt = answerTimes.length > 0 ? new Date(Math.min(...answerTimes)) : null;
  const base: Call = { ...call, participants, answeredAt, endedAt };
  const status = deriveStatus(base);
  if (base.endedAt !== null || !isCallOver(status)) return { ...base, status };
  // Finished without being answered: it ended when its last ring did.
  const endTimes = rings.flatMap((r) => (r.state === "ringing" ? [] : [r.at.getTime()]));
  return { ...base, status, endedAt: endTimes.length > 0 ? new Date(Math.max(...endTimes)) : null };
}
